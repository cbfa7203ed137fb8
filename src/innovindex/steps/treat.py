"""Outlier treatment: winsorise skewed and heavy-tailed indicators, log them if that is not enough.

Runs on raw values (before any direction flip). Each indicator may override any parameter
through ``treat.<param>`` columns of the framework (e.g. the GII's hand-treated indicators).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..methods import treat as kernels
from ._base import Stage, Step

__all__ = ["Treat", "TREATMENT_COLUMNS"]

MODES = ("auto", "force_win", "fallback", "none")
FALLBACKS = ("log_ct", "gii_log", "log", "none")
TREATMENT_COLUMNS = [
    "iCode",
    "treated",
    "n_low",
    "n_high",
    "side",
    "fallback",
    "skew_before",
    "kurt_before",
    "skew_after",
    "kurt_after",
    "passed",
]


class Treat(Step):
    """Treat outliers column by column.

    A column is treated when ``|skew| >= skew`` and ``kurtosis >= kurtosis`` (Excel type-2
    estimators). It is winsorised one extreme at a time on the side the skew points to, up to
    ``winmax`` points (ties count as several); if it still fails, ``fallback`` is applied to the
    original column.

    Parameters
    ----------
    skew, kurtosis
        Thresholds. COINr's defaults are 2 and 3.5; the GII uses 2.25 and 3.5.
    winmax
        Maximum number of points winsorised.
    fallback
        ``log_ct`` (COINr), ``gii_log`` (the GII's scaled log), ``log`` or ``none``.
    mode
        ``auto`` (the rule above), ``force_win`` (always winsorise ``winmax`` points),
        ``fallback`` (apply the fallback directly) or ``none``.
    """

    name = "treat"
    stage = "treated"
    _options = {"mode": MODES, "fallback": FALLBACKS}

    def __init__(
        self,
        skew: float = 2.0,
        kurtosis: float = 3.5,
        winmax: int = 5,
        fallback: str = "log_ct",
        mode: str = "auto",
    ) -> None:
        self.skew = skew
        self.kurtosis = kurtosis
        self.winmax = winmax
        self.fallback = fallback
        self.mode = mode

    def _validate(self) -> None:
        super()._validate()
        if not isinstance(self.winmax, int | np.integer) or self.winmax < 0:
            raise SpecError(
                f"the 'winmax' parameter of step 'treat' must be a whole number >= 0; got {self.winmax!r}"
            )

    def params_for(self, stage: Stage) -> dict[str, dict[str, Any]]:
        """The effective parameters of each indicator: pipeline values plus framework overrides."""
        base = self.get_params()
        overrides = stage.framework.overrides(self.name)
        out = {}
        for code in stage.framework.indicators:
            p = {**base, **overrides.get(code, {})}
            p["winmax"] = int(p["winmax"])
            for key, allowed in (("mode", MODES), ("fallback", FALLBACKS)):
                if p[key] not in allowed:
                    raise SpecError(
                        f"treatment override {key}={p[key]!r} for indicator {code!r} in "
                        f"{stage.framework.source}; expected one of {list(allowed)}"
                    )
            out[code] = p
        return out

    def fit(self, stage: Stage) -> Treat:
        """Treatment is recomputed on whatever data it transforms; fit checks the parameters."""
        super().fit(stage)
        self.params_ = self.params_for(stage)
        return self

    def transform(self, stage: Stage) -> Stage:
        self._check_fitted("params_")
        X = stage.indicators.to_numpy(dtype=float, copy=True)
        rows = []
        for j, code in enumerate(stage.framework.indicators):
            p = self.params_[code]
            res = kernels.treat_column(
                X[:, j],
                skew=p["skew"],
                kurtosis=p["kurtosis"],
                winmax=p["winmax"],
                fallback=p["fallback"],
                mode=p["mode"],
            )
            X[:, j] = res.values
            rows.append(
                {
                    "iCode": code,
                    "treated": res.treated,
                    "n_low": res.n_low,
                    "n_high": res.n_high,
                    "side": res.side,
                    "fallback": res.fallback,
                    "skew_before": res.skew_before,
                    "kurt_before": res.kurt_before,
                    "skew_after": res.skew_after,
                    "kurt_after": res.kurt_after,
                    "passed": res.passed,
                }
            )
        self.treatment_ = pd.DataFrame(rows, columns=TREATMENT_COLUMNS)
        notes = dict(stage.notes)
        notes["treat"] = self.treatment_
        return stage.with_indicators(X, notes=notes)
