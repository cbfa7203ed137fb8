"""Outlier treatment: winsorise skewed and heavy-tailed indicators, log them if that is not enough.

Runs on raw values (before any direction flip). Each indicator may override any parameter
through ``treat.<param>`` columns of the framework (e.g. the GII's hand-treated indicators).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import Integer, Options, Real
from ..errors import SpecError
from ..methods import registry
from ..methods import treat as kernels
from ._base import Stage, Step

__all__ = ["Treat", "TREATMENT_COLUMNS"]

TREATMENT_COLUMNS = [
    "iCode", "treated", "n_low", "n_high", "side", "fallback",
    "skew_before", "kurt_before", "skew_after", "kurt_after", "passed",
]  # fmt: skip


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

    Attributes
    ----------
    treatment_ : pandas.DataFrame
        One row per indicator of the data the step was fitted on: treated, points winsorised
        at each end, side, fallback, skew and kurtosis before and after.
    """

    name = "treat"
    stage = "treated"
    _constraints = {
        "skew": Real(0),
        "kurtosis": Real(),
        "winmax": Integer(0),
        "fallback": Options(tuple(registry.names("fallback"))),
        "mode": Options(kernels.MODES),
    }

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

    def _treat(self, stage: Stage) -> tuple[np.ndarray, pd.DataFrame]:
        X = stage.indicators.to_numpy(dtype=float, copy=True)
        rows = []
        for j, code in enumerate(stage.framework.indicators):
            p = self.params_[code]
            try:
                res = kernels.treat_column(
                    X[:, j], skew=p["skew"], kurtosis=p["kurtosis"], winmax=int(p["winmax"]),
                    fallback=registry.get("fallback", p["fallback"]), mode=p["mode"],
                )  # fmt: skip
            except SpecError as exc:
                raise SpecError(f"treating indicator {code!r}: {exc}") from None
            X[:, j] = res.values
            rows.append(
                {
                    "iCode": code, "treated": res.treated, "n_low": res.n_low,
                    "n_high": res.n_high, "side": res.side, "fallback": res.fallback,
                    "skew_before": res.skew_before, "kurt_before": res.kurt_before,
                    "skew_after": res.skew_after, "kurt_after": res.kurt_after,
                    "passed": res.passed,
                }
            )  # fmt: skip
        return X, pd.DataFrame(rows, columns=TREATMENT_COLUMNS)

    def _check_against(self, stage: Stage) -> None:
        self._indicator_params(stage)

    def fit(self, stage: Stage) -> Treat:
        """Check the parameters and record how the fitted data would be treated."""
        self.fit_transform(stage)
        return self

    def fit_transform(self, stage: Stage) -> Stage:
        super().fit(stage)
        self.params_: dict[str, dict[str, Any]] = self._indicator_params(stage)
        X, self.treatment_ = self._treat(stage)
        return stage.with_indicators(X, notes={**stage.notes, "treat": self.treatment_})

    def transform(self, stage: Stage) -> Stage:
        """Treat ``stage`` with the fitted parameters; ``treatment_`` keeps describing the
        fitted data (the new data's table is in the returned stage's ``notes``)."""
        self._check_fitted("params_")
        X, table = self._treat(stage)
        return stage.with_indicators(X, notes={**stage.notes, "treat": table})
