"""Impute missing indicator values: column statistics, group statistics, or over years."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import Integer, Options, Text
from ..errors import SpecError
from ..methods import impute as kernels
from ..methods import registry
from ._base import Stage, Step

__all__ = ["Impute", "impute_panel"]

CROSS_SECTION = ("none", "mean", "median", "group_mean", "group_median")
BY_ROW = ("row_mean", "row_median")
OVER_TIME = ("linear", "constant")


class Impute(Step):
    """Fill missing indicator values.

    Parameters
    ----------
    method
        ``none``, ``mean``, ``median``, ``group_mean``, ``group_median`` (column statistics
        within one year); ``row_mean``, ``row_median`` (the unit's own other indicators under
        the same aggregate at ``level``, compared after min-max scaling to [0, 1] and scaled
        back: COINr's ``impute_by = "row"`` with ``normalise_first``); or ``linear`` /
        ``constant`` (over the years of a panel: see :func:`impute_panel`). Imputation over
        years runs on the raw panel before every other step, wherever it is listed.
    group
        The iData group column for the group methods (e.g. ``EurAsia_group``).
    level
        For the row methods: the framework level whose aggregates define the indicator groups.
    """

    name = "impute"
    stage = "imputed"
    _constraints = {
        "method": Options(CROSS_SECTION + BY_ROW + OVER_TIME),
        "group": Text(none_ok=True),
        "level": Integer(2),
    }

    def __init__(self, method: str = "mean", group: str | None = None, level: int = 2) -> None:
        self.method = method
        self.group = group
        self.level = level

    def _validate(self) -> None:
        super()._validate()
        if self.method.startswith("group_") and not self.group:
            raise SpecError(f"impute method {self.method!r} needs a 'group' column")

    def fit(self, stage: Stage) -> Impute:
        super().fit(stage)
        if (
            self.group
            and self.method.startswith("group_")
            and self.group not in stage.units.columns
        ):
            raise SpecError(
                f"impute group {self.group!r} is not a group column of the data; "
                f"available: {[c for c in stage.units.columns if c not in ('uName', 'Time')]}"
            )
        self.n_imputed_ = int(stage.indicators.isna().to_numpy().sum())
        return self

    def transform(self, stage: Stage) -> Stage:
        self._check_fitted("n_imputed_")
        if self.method in (
            "none",
            *OVER_TIME,
        ):  # over-time imputation runs on the whole panel first
            return stage
        if self.method in BY_ROW:
            return stage.with_indicators(self._by_row(stage))
        func = registry.get("impute", self.method)
        assert func is not None
        groups = (
            stage.units[self.group].to_numpy(dtype=object)
            if self.method.startswith("group_")
            else None
        )
        X = stage.indicators.to_numpy(dtype=float, copy=True)
        for j in range(X.shape[1]):
            X[:, j] = func(X[:, j], groups) if groups is not None else func(X[:, j])
        return stage.with_indicators(X)

    def _by_row(self, stage: Stage) -> np.ndarray:
        fw = stage.framework
        if self.level not in fw.levels or self.level < 2:
            raise SpecError(
                f"impute 'level' must be an aggregate level of the framework {fw.levels[1:]}; got {self.level!r}"
            )
        stat = np.nanmean if self.method == "row_mean" else np.nanmedian
        X = stage.indicators.to_numpy(dtype=float, copy=True)
        col = {c: j for j, c in enumerate(fw.indicators)}
        lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        Z = (X - lo) / span
        for code in fw.codes_at(self.level):
            idx = [col[c] for c in fw.descendants(code)]
            block = Z[:, idx]
            holes = np.isnan(block)
            rows = holes.any(axis=1) & ~holes.all(axis=1)
            if not rows.any():
                continue
            with np.errstate(all="ignore"):
                fill = stat(block[rows], axis=1)
            block[rows] = np.where(holes[rows], fill[:, None], block[rows])
            Z[:, idx] = block
        return np.where(np.isnan(X), Z * span + lo, X)


def impute_panel(data: pd.DataFrame, indicators: list[str], method: str) -> pd.DataFrame:
    """Impute each unit's series over ``Time`` (``linear`` or ``constant``) on a whole iData panel."""
    if method not in OVER_TIME:
        raise SpecError(f"panel imputation method must be one of {list(OVER_TIME)}; got {method!r}")
    out = data.sort_values(["uCode", "Time"]).copy()
    arr: Any
    for code in indicators:
        arr = out[code].to_numpy(dtype=float).copy()
        for idx in out.groupby("uCode", sort=False).indices.values():
            series = arr[idx]
            if np.isnan(series).any() and not np.isnan(series).all():
                arr[idx] = kernels.panel(series, kind=method)
        out[code] = arr
    return out.loc[data.index]
