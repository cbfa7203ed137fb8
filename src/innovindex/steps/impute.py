"""Impute missing indicator values: column statistics, group statistics, or over years."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import Integer, Options, Text
from ..errors import SpecError
from ..methods import registry
from ._base import Stage, Step

__all__ = ["Impute", "OVER_TIME", "impute_panel"]

#: Methods that impute over the years of a panel (run by :func:`impute_panel` first).
OVER_TIME = tuple(n for n in registry.names("impute") if registry.impute_scope(n) == "time")


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
        "method": Options(tuple(registry.names("impute"))),
        "group": Text(none_ok=True),
        "level": Integer(2),
    }

    def __init__(self, method: str = "mean", group: str | None = None, level: int = 2) -> None:
        self.method = method
        self.group = group
        self.level = level

    def _validate(self) -> None:
        super()._validate()
        if registry.impute_scope(self.method) == "group" and not self.group:
            raise SpecError(f"impute method {self.method!r} needs a 'group' column")

    def _check_against(self, stage: Stage) -> None:
        scope = registry.impute_scope(self.method)
        if self.group and scope == "group" and self.group not in stage.units.columns:
            raise SpecError(
                f"impute group {self.group!r} is not a group column of the data; "
                f"available: {[c for c in stage.units.columns if c not in ('uName', 'Time')]}"
            )
        if scope == "row":
            self._blocks(stage)

    def fit(self, stage: Stage) -> Impute:
        super().fit(stage)
        self.n_imputed_ = int(stage.indicators.isna().to_numpy().sum())
        return self

    def transform(self, stage: Stage) -> Stage:
        self._check_fitted("n_imputed_")
        scope = registry.impute_scope(self.method)
        func = registry.get("impute", self.method)
        if func is None or scope == "time":  # over-time imputation runs on the whole panel first
            return stage
        X = stage.indicators.to_numpy(dtype=float, copy=True)
        if scope == "row":
            return stage.with_indicators(func(X, self._blocks(stage)))
        groups = stage.units[self.group].to_numpy(dtype=object) if scope == "group" else None
        for j in range(X.shape[1]):
            X[:, j] = func(X[:, j], groups) if groups is not None else func(X[:, j])
        return stage.with_indicators(X)

    def _blocks(self, stage: Stage) -> list[list[int]]:
        """Column positions of the indicators under each aggregate at ``level``."""
        fw = stage.framework
        if self.level not in fw.levels or self.level < 2:
            raise SpecError(
                f"impute 'level' must be an aggregate level of the framework {fw.levels[1:]}; got {self.level!r}"
            )
        col = {c: j for j, c in enumerate(fw.indicators)}
        return [[col[c] for c in fw.descendants(code)] for code in fw.codes_at(self.level)]


def impute_panel(data: pd.DataFrame, indicators: list[str], method: str) -> pd.DataFrame:
    """Impute each unit's series over ``Time`` (``linear`` or ``constant``) on a whole iData panel."""
    if method not in OVER_TIME:
        raise SpecError(f"panel imputation method must be one of {list(OVER_TIME)}; got {method!r}")
    func = registry.get("impute", method)
    assert func is not None
    out = data.sort_values(["uCode", "Time"]).copy()
    arr: Any
    for code in indicators:
        arr = out[code].to_numpy(dtype=float).copy()
        for idx in out.groupby("uCode", sort=False).indices.values():
            series = arr[idx]
            if np.isnan(series).any() and not np.isnan(series).all():
                arr[idx] = func(series)
        out[code] = arr
    return out.loc[data.index]
