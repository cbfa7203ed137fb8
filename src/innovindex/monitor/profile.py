"""Economy profiles: scores and ranks at every level, coverage, strengths and weaknesses,
income-group comparison, and peers.

Strengths and weaknesses follow the GII 2019 economy profiles (rule recovered from the
published ``sw_overall`` flags; see docs/monitor.md):

1. each element's **percentile rank** among all economies with a score for it: the share of
   those economies with a strictly lower score, ``below / (n - 1)`` (Excel's PERCENTRANK.INC:
   tied economies share the lower value), rounded to a whole percent;
2. the economy's own distribution of these percentile ranks over its indicators, sub-pillars
   and pillars (every element below the sub-indices that has a score);
3. **strength**: percentile rank at or above the economy's 90th percentile (the order statistic
   at or below the 90% position), or rank 1 worldwide; **weakness**: at or below its 10th
   percentile. Elements without a score get no flag.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, SpecError
from ._rundata import NO_TIME, RunData, YearData, load_run
from .panel import Panel

__all__ = ["profile", "peers", "strengths_weaknesses", "flag_levels"]

SourceLike = str | Path | Panel

PROFILE_COLUMNS = [
    "time", "uCode", "level", "code", "name", "score", "rank", "n_units", "percentile", "flag",
    "coverage", "dmc_flag", "group", "group_mean", "group_sd", "group_flag",
]  # fmt: skip


def strengths_weaknesses(
    scores: pd.DataFrame, *, levels: tuple[int, ...] | None = None, upper: float = 0.9
) -> pd.Series:
    """Strength / weakness flags by the GII 2019 rule (see the module docstring).

    Parameters
    ----------
    scores
        Tidy scores of ONE year: ``uCode``, ``code``, ``level``, ``score``; every unit of the
        edition must be present so that percentile ranks are among all economies.
    levels
        Levels taking part (default: every level present).
    upper
        The upper cut-off as a quantile of the economy's own percentile ranks (0.9); the lower
        one is ``1 - upper``.

    Returns
    -------
    pandas.Series
        Aligned with ``scores``: ``"Strength"``, ``"Weakness"`` or ``""``.
    """
    s = scores[["uCode", "code", "level", "score"]].copy()
    part = s["score"].notna() & (s["level"].isin(levels) if levels is not None else True)
    x = s[part].copy()
    n = x.groupby("code")["score"].transform("count")
    below = x.groupby("code")["score"].rank(method="min") - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        x["pr"] = np.round(100.0 * below / (n - 1).where(n > 1)) / 100.0
    top = x.groupby("code")["score"].rank(ascending=False, method="min") == 1
    hi = x.groupby("uCode")["pr"].transform(lambda v: v.quantile(upper, interpolation="lower"))
    lo = x.groupby("uCode")["pr"].transform(lambda v: v.quantile(1 - upper, interpolation="lower"))
    flag = np.where((x["pr"] >= hi) | top, "Strength", np.where(x["pr"] <= lo, "Weakness", ""))
    out = pd.Series("", index=scores.index, dtype=object)
    out[x.index] = flag
    return out


def flag_levels(run: RunData) -> tuple[int, ...]:
    """Levels whose elements are flagged: everything below the children of the top aggregate
    (GII: indicators, sub-pillars, pillars; not the sub-indices and the index)."""
    fw = run.framework
    top = fw.aggregates[-1]
    kid_level = fw.level(fw.children(top)[0])
    return tuple(lev for lev in fw.levels if lev < kid_level) or (kid_level,)


def _year_table(run: RunData, t: int) -> pd.DataFrame:
    """Every unit's every element in year ``t``: uCode, code, level, score, rank."""
    fw = run.framework
    y = run.year(t)
    parts = []
    aggs = [c for c in fw.aggregates if c in y.scores.columns]
    sc = (
        y.scores[aggs]
        .rename_axis("uCode")
        .reset_index()
        .melt("uCode", var_name="code", value_name="score")
    )
    parts.append(sc)
    if y.normalised.notna().to_numpy().any():
        ind = (
            y.normalised.rename_axis("uCode")
            .reset_index()
            .melt("uCode", var_name="code", value_name="score")
        )
        parts.append(ind)
    out = pd.concat(parts, ignore_index=True)
    out["level"] = out["code"].map(lambda c: fw.level(c))
    out["rank"] = out.groupby("code")["score"].rank(ascending=False, method="min")
    out["n_units"] = out.groupby("code")["score"].transform("count")
    return out


def _group_column(y: YearData, group: str | None) -> str | None:
    cols = [c for c in y.units.columns if c not in ("uName", "Time")]
    if group is not None:
        if group not in cols:
            raise InputError(f"no unit group {group!r}; groups in the data: {cols}")
        return group
    for c in cols:
        if "income" in c.lower():
            return c
    return None


def _row(frame: pd.DataFrame, unit: str) -> dict[str, float]:
    """One unit's row of a units x codes frame as ``{code: value}``."""
    return dict(zip(map(str, frame.columns), frame.loc[unit].to_numpy(dtype=float), strict=True))


def _profile_year(run: RunData, t: int, unit: str, group: str | None) -> pd.DataFrame:
    y = run.year(t)
    table = _year_table(run, t)
    levels = flag_levels(run)
    table["flag"] = strengths_weaknesses(table, levels=levels)
    n = table["n_units"]
    below = table.groupby("code")["score"].rank(method="min") - 1
    table["percentile"] = (100.0 * below / (n - 1).where(n > 1)).round(1)
    gcol = _group_column(y, group)
    if gcol is not None:
        g = y.units[gcol].astype(str)
        table["group"] = table["uCode"].map(g)
        stats = (
            table.groupby(["code", "group"])["score"]
            .agg(["mean", "std"])
            .rename(columns={"mean": "group_mean", "std": "group_sd"})
        )
        table = table.merge(stats.reset_index(), on=["code", "group"], how="left")
        up = table["score"] > table["group_mean"] + table["group_sd"]
        down = table["score"] < table["group_mean"] - table["group_sd"]
        table["group_flag"] = np.where(up, "above", np.where(down, "below", ""))
    else:
        table["group"], table["group_mean"], table["group_sd"], table["group_flag"] = (
            None,
            np.nan,
            np.nan,
            "",
        )
    mine = table[table["uCode"] == unit].copy()
    if mine["score"].isna().all():
        raise InputError(f"unit {unit!r} has no scores in {t} in {run.source}")
    mine["time"] = t
    mine["name"] = mine["code"].map(run.names())
    cov: dict[str, float] = {}
    if y.coverage is not None and unit in y.coverage.index:
        cov.update(_row(y.coverage, unit))
    if unit in y.observed.index and y.normalised.notna().to_numpy().any():
        cov.update(_row(y.observed, unit))
    mine["coverage"] = mine["code"].map(cov).astype(float)
    dmc: dict[str, bool] = {}
    if y.dmc is not None and unit in y.dmc.index:
        dmc = {str(k): bool(v) for k, v in y.dmc.loc[unit].items()}
    mine["dmc_flag"] = [dmc.get(c) for c in mine["code"]]
    mine["rank"] = mine["rank"].astype("Int64")
    return mine


def profile(
    source: SourceLike,
    unit: str,
    *,
    run: str = "latest",
    time: int | None = None,
    group: str | None = None,
) -> pd.DataFrame:
    """An economy profile, tidy: one row per year and element.

    Columns: ``time``, ``uCode``, ``level``, ``code``, ``name``, ``score``, ``rank``,
    ``n_units``, ``percentile`` (share of economies with a lower score, in percent), ``flag``
    (``Strength`` / ``Weakness`` / ``""``, GII 2019 rule), ``coverage`` (share of the element's
    indicators with observed data; for an indicator 1 or 0), ``dmc_flag`` (data-minimum
    coverage not met: the GII shows such ranks in brackets), ``group``, ``group_mean``,
    ``group_sd`` and ``group_flag`` (``above`` / ``below`` the group mean by more than one
    standard deviation). ``group`` defaults to a unit column whose name contains "income".

    Without ``time`` every year of the run is profiled.
    """
    data = load_run(source, run)
    code = data.unit(unit)
    if time is None:
        data.preload()
        times = data.times
    else:
        data.year(time)  # a year the run does not have: InputError naming it
        times = [int(time)]
    parts = []
    for t in times:
        y = data.year(t)
        if code in y.scores.index:
            parts.append(_profile_year(data, t, code, group))
    if not parts:
        raise InputError(f"unit {code!r} has no scores in {data.source}")
    out = pd.concat(parts, ignore_index=True)
    if data.times == [NO_TIME]:  # data without a Time column: one cross-section, no year
        out["time"] = pd.array([pd.NA] * len(out), dtype="Int64")
    if data.times == [NO_TIME]:  # data without a Time column: one cross-section, no year
        out["time"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out = out.sort_values(["time", "level", "code"], ascending=[True, False, True], kind="stable")
    return out[PROFILE_COLUMNS].reset_index(drop=True)


def peers(
    source: SourceLike,
    unit: str,
    *,
    run: str = "latest",
    time: int | None = None,
    n: int = 5,
    by: str = "score",
) -> pd.DataFrame:
    """The ``n`` nearest units to ``unit`` in one year (default: the latest).

    ``by="score"``: absolute difference of the top score. ``by="profile"``: Euclidean distance
    between the pillar score vectors after centring each on its unit's mean (the *shape* of the
    profile, not its level). Columns: ``uCode``, ``uName``, ``distance``, ``score``, ``rank``.
    """
    if by not in ("score", "profile"):
        raise SpecError(f"peers 'by' must be 'score' or 'profile'; got {by!r}")
    data = load_run(source, run)
    code = data.unit(unit)
    t = max(data.times) if time is None else int(time)
    y = data.year(t)
    fw = data.framework
    top = fw.aggregates[-1]
    if code not in y.scores.index:
        raise InputError(f"unit {code!r} has no scores in {t} in {data.source}")
    if by == "score":
        s = y.scores[top]
        dist = (s - s[code]).abs()
    else:
        level = max(2, fw.level(top) - 2)
        P = y.scores[[c for c in fw.codes_at(level) if c in y.scores.columns]]
        C = P.sub(P.mean(axis=1), axis=0)
        dist = np.sqrt(((C - C.loc[code]) ** 2).sum(axis=1, min_count=1))
    dist = dist.drop(code).dropna().sort_values(kind="stable").head(n)
    out = pd.DataFrame(
        {
            "uCode": dist.index,
            "uName": y.units["uName"].reindex(dist.index).to_numpy(),
            "distance": dist.to_numpy(),
            "score": y.scores[top].reindex(dist.index).to_numpy(),
            "rank": y.ranks[top].reindex(dist.index).astype("Int64").to_numpy(),
        }
    )
    return out.reset_index(drop=True)
