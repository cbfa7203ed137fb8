"""One recorded run, read from the store once and kept in memory for the views.

The workbook, the HTML report and the web app all show the same things (a ranking, an
economy's profile, a time series, the framework tree), so they read them here. A run is
loaded by :class:`innovindex.report.reader.StoreReader` with one read-only connection and then
served from pandas frames: the web app's read endpoints never rebuild an index and never hold
the store open between requests.

Profiles use the monitoring API's strength/weakness rule and explanations its exact
attribution (see :mod:`innovindex.report._monitor`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError

__all__ = ["RunData", "RunNotFound", "clean"]


class RunNotFound(InputError):
    """The run id (or ``latest``) names no recorded run."""


def clean(value: Any) -> Any:
    """A JSON-safe Python value: NaN/NA -> None, numpy scalars -> Python scalars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if getattr(value, "ndim", 0) == 1:  # a numpy array (DuckDB LIST columns)
        return [clean(v) for v in value.tolist()]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


@dataclass(eq=False)
class RunData:
    """Everything the views show about one run.

    Attributes
    ----------
    info : dict
        The ``index_runs`` row (``pipeline`` parsed from JSON).
    scores : pandas.DataFrame
        ``time, uCode, uName, code, level, score, rank`` for aggregates and ratios.
    indicators : pandas.DataFrame
        ``time, uCode, code, raw, [treated,] normalised``: the indicator data at each stored
        stage (treated = the values normalised, after denomination, imputation and
        treatment); empty for imported results.
    tree : pandas.DataFrame
        ``code, name, level, parent, weight, type`` of the framework's tree elements.
    db : pathlib.Path
        The store the run was read from (the monitoring API reads it for explanations).
    groups : pandas.DataFrame
        ``time, uCode, attribute, value``: unit metadata other than names (income groups...),
        empty when the run records none.
    uncertainty : pandas.DataFrame | None
        Rank intervals per unit when the run has an audit (``uCode, code, nominal, median,
        low, high``), else None.
    """

    info: dict[str, Any]
    scores: pd.DataFrame
    indicators: pd.DataFrame
    tree: pd.DataFrame
    db: Path
    groups: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())
    uncertainty: pd.DataFrame | None = None

    # ------------------------------------------------------------------ structure
    @property
    def run_id(self) -> str:
        """The run id."""
        return str(self.info["run_id"])

    @property
    def synthetic(self) -> bool:
        """Whether the run's data is synthetic."""
        return bool(self.info.get("synthetic"))

    @cached_property
    def years(self) -> list[int]:
        """Years of the run, ascending."""
        return sorted(int(t) for t in self.scores["time"].dropna().unique())

    @cached_property
    def latest_year(self) -> int:
        """The most recent year of the run."""
        return self.years[-1]

    @cached_property
    def headline(self) -> str:
        """The top aggregate code (the highest level)."""
        levels = self.scores.dropna(subset=["level"])
        top = levels[levels["level"] == levels["level"].max()]
        return str(top["code"].iloc[0])

    def codes_at(self, level: int) -> list[str]:
        """Aggregate codes at ``level`` in framework order."""
        cache = self.__dict__.setdefault("_codes_at_cache", {})
        if level not in cache:
            cache[level] = self._codes_at(level)
        return list(cache[level])

    def _codes_at(self, level: int) -> list[str]:
        present = {str(c) for c in self.scores.loc[self.scores["level"] == level, "code"].unique()}
        in_tree = [
            str(c) for c in self.tree.loc[self.tree["level"] == level, "code"] if c in present
        ]
        return in_tree + sorted(present - set(in_tree))

    @cached_property
    def levels(self) -> list[int]:
        """Aggregate levels present in the scores, top first."""
        return sorted((int(v) for v in self.scores["level"].dropna().unique()), reverse=True)

    @cached_property
    def all_levels(self) -> list[int]:
        """Levels with data, indicators (1) included when the run stores them, top first."""
        out = list(self.levels)
        if len(self.indicators) and 1 not in out:
            out.append(1)
        return out

    def code_order(self, code: str) -> int:
        """Position of ``code`` in the framework (codes outside it last)."""
        return self._order.get(code, 10**9)

    @cached_property
    def pillar_level(self) -> int:
        """The level drawn on a radar: the one just below the sub-indices (or the lowest)."""
        levels = self.levels
        for lev in levels:
            if len(self.codes_at(lev)) >= 3:
                return lev
        return levels[-1]

    @cached_property
    def group_attribute(self) -> str | None:
        """The unit attribute used as the group filter: one naming an income group, else the
        first with at most 12 distinct values; None when the run records none."""
        g = self.groups
        if not len(g):
            return None
        attrs = [str(a) for a in g["attribute"].unique() if str(a) not in ("uName", "ID", "Time")]
        for a in attrs:
            if "income" in a.lower() and g.loc[g["attribute"] == a, "value"].nunique() <= 12:
                return a
        for a in attrs:
            if g.loc[g["attribute"] == a, "value"].nunique() <= 12:
                return a
        return None

    def unit_groups(self, year: int) -> pd.Series:
        """Each unit's group in ``year``: the latest value recorded up to that year (published
        files often lack the newest edition's income groups), else the earliest one."""
        cache = self.__dict__.setdefault("_groups_cache", {})
        if year not in cache:
            g = self.groups[self.groups["attribute"] == self.group_attribute]
            g = g.assign(_late=g["time"] > year).sort_values(["_late", "time"])
            past = g[~g["_late"]].drop_duplicates("uCode", keep="last")
            future = g[g["_late"]].drop_duplicates("uCode", keep="first")
            both = pd.concat([future, past]).drop_duplicates("uCode", keep="last")
            cache[year] = both.set_index("uCode")["value"].astype(str)
        out: pd.Series = cache[year]
        return out

    def name_of(self, code: str) -> str:
        """The element name of ``code`` (the code when unknown)."""
        return self._names.get(code, code)

    @cached_property
    def _names(self) -> dict[str, str]:
        return {
            str(c): (n if isinstance(n, str) and n else str(c))
            for c, n in zip(self.tree["code"], self.tree["name"], strict=True)
        }

    @cached_property
    def _by_unit(self) -> dict[str, pd.DataFrame]:
        return {str(u): df for u, df in self.scores.groupby("uCode", sort=False)}

    @cached_property
    def _counts(self) -> dict[tuple[int, str], int]:
        n = self.scores.groupby(["time", "code"])["rank"].count()
        keys: list[Any] = list(n.index)
        return {(int(k[0]), str(k[1])): int(v) for k, v in zip(keys, n.to_numpy(), strict=True)}

    @cached_property
    def _order(self) -> dict[str, int]:
        return {str(c): i for i, c in enumerate(self.tree["code"])}

    def unit_name(self, unit: str) -> str:
        """The name of a unit (its code when the run has no name for it)."""
        df = self._by_unit.get(unit)
        if df is None or not len(df) or not isinstance(df["uName"].iloc[0], str):
            return unit
        return str(df["uName"].iloc[0])

    def units(self, year: int | None = None) -> pd.DataFrame:
        """``uCode, uName`` of the units scored in ``year`` (every year when None)."""
        df = self.scores if year is None else self.scores[self.scores["time"] == year]
        return df[["uCode", "uName"]].drop_duplicates("uCode").sort_values("uCode")

    def check_unit(self, unit: str) -> str:
        """``unit`` if the run has it; RunNotFound naming the run otherwise."""
        if unit not in self._by_unit:
            raise RunNotFound(f"run {self.run_id} has no unit {unit!r}")
        return unit

    def check_year(self, year: int | None) -> int:
        """``year`` (the latest when None) if the run has it."""
        if year is None:
            return self.latest_year
        if year not in self.years:
            raise RunNotFound(f"run {self.run_id} has no year {year}; it has {self.years}")
        return year

    # ------------------------------------------------------------------ views
    def ranking(
        self, year: int | None = None, code: str | None = None, level: int | None = None
    ) -> pd.DataFrame:
        """Scores and ranks of every unit in ``year``: one row per unit, one score column per
        code (``code`` alone, or every code at ``level``, or headline + next level)."""
        year = self.check_year(year)
        df = self.scores[self.scores["time"] == year]
        if code is not None:
            codes = [code]
        elif level is not None:
            codes = self.codes_at(level)
        else:
            below = self.codes_at(self.levels[1]) if len(self.levels) > 1 else []
            codes = [self.headline] + below
        wide = df[df["code"].isin(codes)].pivot_table(
            index=["uCode", "uName"], columns="code", values="score", aggfunc="first"
        )
        wide = wide.reindex(columns=[c for c in codes if c in wide.columns]).reset_index()
        key = code or (codes[0] if codes else self.headline)
        rank = df[df["code"] == key].set_index("uCode")["rank"]
        wide.insert(2, "rank", wide["uCode"].map(rank))
        if self.group_attribute is not None:
            wide.insert(3, "group", wide["uCode"].map(self.unit_groups(year)))
        return wide.sort_values(["rank", "uCode"], na_position="last").reset_index(drop=True)

    def unit_scores(self, unit: str, year: int) -> pd.DataFrame:
        """``code, name, level, score, rank, n`` for one unit and year (n = units ranked),
        top level first, framework order within a level."""
        df = self._by_unit.get(unit, self.scores.iloc[:0])
        df = df[df["time"] == year]
        out = df[["code", "level", "score", "rank"]].copy()
        out.insert(1, "name", [self.name_of(c) for c in out["code"]])
        out["n"] = [self._counts.get((year, c), 0) for c in out["code"]]
        key = [
            (-(int(lv) if pd.notna(lv) else -1), self._order.get(c, 10**9))
            for c, lv in zip(out["code"], out["level"], strict=True)
        ]
        out["_o"] = key
        return out.sort_values("_o").drop(columns="_o").reset_index(drop=True)

    def timeseries(self, unit: str, code: str | None = None) -> pd.DataFrame:
        """``time, code, score, rank`` of one unit over the years (one code or all)."""
        df = self._by_unit.get(unit, self.scores.iloc[:0])
        if code is not None:
            df = df[df["code"] == code]
        return (
            df[["time", "code", "score", "rank"]]
            .sort_values(["code", "time"])
            .reset_index(drop=True)
        )

    def correlations(self, year: int | None = None, level: int | None = None) -> pd.DataFrame:
        """Pearson correlations between the codes of ``level`` (pillars by default) and the
        headline in ``year``."""
        year = self.check_year(year)
        codes = [self.headline] + self.codes_at(self.pillar_level if level is None else level)
        df = self.scores[(self.scores["time"] == year) & self.scores["code"].isin(codes)]
        wide = df.pivot_table(index="uCode", columns="code", values="score", aggfunc="first")
        wide = wide.reindex(columns=[c for c in dict.fromkeys(codes) if c in wide.columns])
        return wide.corr()

    def profile(self, unit: str, year: int | None = None) -> dict[str, Any]:
        """An economy's profile: scores and ranks at every level, strengths and weaknesses."""
        self.check_unit(unit)
        year = self.check_year(year)
        from . import _monitor

        return _monitor.profile(self, unit, year)

    def explain(self, unit: str, start: int | None, end: int | None) -> dict[str, Any]:
        """Why ``unit``'s headline score changed between two years."""
        self.check_unit(unit)
        years = self.years
        end = self.check_year(end)
        if start is None:
            earlier = [y for y in years if y < end]
            start = earlier[-1] if earlier else end
        start = self.check_year(start)
        from . import _monitor

        return _monitor.explain(self, unit, start, end)
