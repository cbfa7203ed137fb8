"""Aggregate indicators up the framework tree with weighted means (or Copeland), level by level."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import Map, Options, Real, check
from ..errors import SpecError
from ..methods import registry
from ._base import Stage, Step

__all__ = ["Aggregate"]

METHODS = tuple(registry.names("aggregate"))


class Aggregate(Step):
    """Compute every aggregate as a weighted function of its children, bottom-up.

    Parameters
    ----------
    method
        ``arithmetic`` (missing children dropped and weights renormalised), ``geometric``,
        ``harmonic``, ``generalised`` (power mean with exponent ``p``) or ``copeland``.
    min_share
        With any of the means: an aggregate is missing when fewer than this share of its
        children are available (COINr ``dat_thresh``). Not used by ``copeland``.
    p
        Exponent of the generalised mean.
    levels
        Per-level settings overriding the above, e.g. ``{5: {"method": "geometric"}}``.

    Ratio elements of the framework (e.g. the GII efficiency ratio OUT / IN) are computed
    after the tree.
    """

    name = "aggregate"
    stage = "aggregated"
    _constraints = {
        "method": Options(METHODS),
        "min_share": Real(0, 1, none_ok=True),
        "p": Real(none_ok=True),
        "levels": Map(),
    }

    def __init__(
        self,
        method: str = "arithmetic",
        min_share: float | None = None,
        p: float | None = None,
        levels: dict[int, dict[str, Any]] | None = None,
    ) -> None:
        self.method = method
        self.min_share = min_share
        self.p = p
        self.levels = levels

    def _level_params(self, level: int) -> dict[str, Any]:
        base = {"method": self.method, "min_share": self.min_share, "p": self.p}
        levels = self.levels or {}
        extra = levels.get(level, levels.get(str(level), {}))  # type: ignore[call-overload]
        if not isinstance(extra, dict):
            raise SpecError(
                f"aggregate settings for level {level} must be a mapping; got {extra!r}"
            )
        unknown = set(extra) - set(base)
        if unknown:
            raise SpecError(
                f"unknown aggregate setting(s) {sorted(unknown)} for level {level}; valid: {sorted(base)}"
            )
        for key, value in extra.items():
            check(self.name, key, value, self._constraints[key], f"(level {level})")
        out = {**base, **extra}
        if out["method"] == "generalised" and (out["p"] is None or out["p"] == 0):
            raise SpecError(
                f"aggregate method 'generalised' needs a non-zero exponent 'p' (p = 0 is the "
                f"geometric mean: use method geometric); got {out['p']!r}"
            )
        return out

    def _check_against(self, stage: Stage) -> None:
        valid = [lev for lev in stage.framework.levels if lev > 1]
        unknown = sorted(str(k) for k in (self.levels or {}) if str(k) not in map(str, valid))
        if unknown:
            raise SpecError(
                f"aggregate 'levels' names level(s) {unknown} that the framework does not have; "
                f"its aggregate levels are {valid}"
            )
        for lev in valid:
            self._level_params(lev)

    def fit(self, stage: Stage) -> Aggregate:
        super().fit(stage)
        self.level_params_ = {
            lev: self._level_params(lev) for lev in stage.framework.levels if lev > 1
        }
        return self

    def transform(self, stage: Stage) -> Stage:
        self._check_fitted("level_params_")
        fw = stage.framework
        weights = fw.weights
        cols = {c: j for j, c in enumerate(stage.values.columns)}
        new = [c for c in (*fw.aggregates, *fw.ratios) if c not in cols]
        for c in new:
            cols[c] = len(cols)
        M = np.full((len(stage.values), len(cols)), np.nan)
        M[:, : stage.values.shape[1]] = stage.values.to_numpy(dtype=float)
        for level, lp in self.level_params_.items():
            func = registry.get("aggregate", lp["method"])
            assert func is not None
            kwargs: dict[str, Any] = {}
            if lp["method"] != "copeland" and lp["min_share"] is not None:
                kwargs["min_share"] = lp["min_share"]
            if lp["method"] == "generalised":
                kwargs["p"] = lp["p"]
            for code in fw.codes_at(level):
                kids = fw.children(code)
                X = M[:, [cols[k] for k in kids]]
                w = np.array([weights[k] for k in kids], dtype=float)
                try:
                    M[:, cols[code]] = func(X, w, **kwargs)
                except SpecError as exc:
                    raise SpecError(f"aggregating {code!r} (level {level}): {exc}") from None
        for code, (num, den) in fw.ratios.items():
            d = M[:, cols[den]]
            M[:, cols[code]] = M[:, cols[num]] / np.where(d != 0, d, np.nan)
        values = pd.DataFrame(M, index=stage.values.index, columns=list(cols))
        return stage.evolve(values=values)
