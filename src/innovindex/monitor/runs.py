"""Reading recorded runs from the store: which runs exist, their scores, one unit's series."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._identity import canonical
from ..errors import InputError
from ..store import read_runs, read_table
from .changes import change_measures

__all__ = [
    "list_runs",
    "resolve_run",
    "is_synthetic",
    "scores",
    "timeseries",
    "unit_series",
    "element_names",
]

DbLike = str | Path

SCORE_COLUMNS = [
    "run_id",
    "time",
    "uCode",
    "uName",
    "code",
    "name",
    "level",
    "score",
    "rank",
    "coverage",
]


def resolve_run(db: DbLike, run: str = "latest") -> str:
    """The id of a recorded run: ``"latest"`` (the newest) or an id (a unique prefix works).

    Raises
    ------
    InputError
        When the store has no runs, or no run has that id (the message names it).
    """
    runs = read_runs(db)
    if runs.empty:
        raise InputError(
            "the store has no index runs yet: run a build or an import with --db", file=db
        )
    run = canonical(str(run)).strip()
    if run == "latest":
        return str(runs["run_id"].iloc[0])
    ids = runs["run_id"].astype(str)
    if (ids == run).any():
        return run
    hits = ids[ids.str.startswith(run)] if run else ids.iloc[:0]
    if len(hits) == 1:
        return str(hits.iloc[0])
    what = "is ambiguous (several runs start with it)" if len(hits) > 1 else "does not exist"
    raise InputError(
        f"run {run!r} {what}; recorded runs: {list(ids[:5])}{' ...' if len(ids) > 5 else ''} "
        "(or 'latest')",
        file=db,
    )


def is_synthetic(db: DbLike, run: str = "latest") -> bool:
    """Whether a recorded run holds SYNTHETIC data (``index_runs.synthetic``, set by the demo),
    so every command showing it can say so."""
    runs = read_runs(db)
    run_id = resolve_run(db, run)
    flag = runs.loc[runs["run_id"] == run_id, "synthetic"].dropna()  # NULL: an older store
    return bool(len(flag)) and bool(flag.iloc[0])


def list_runs(db: DbLike) -> pd.DataFrame:
    """Every recorded run, newest first.

    Columns: ``run_id``, ``created``, ``kind`` (``build`` or ``import``), ``label``,
    ``dataset``, ``framework``, ``reference_year``, ``synthetic``, ``times`` (list of years),
    ``n_units``, ``innovindex_version``.
    """
    runs = read_runs(db)
    counts = read_table(db, "index_scores").groupby("run_id")["uCode"].nunique()
    runs["n_units"] = runs["run_id"].map(counts).fillna(0).astype(int)
    runs["times"] = runs["times"].map(lambda s: json.loads(s) if isinstance(s, str) else [])
    cols = ["run_id", "created", "kind", "label", "dataset", "framework", "reference_year",
            "synthetic", "times", "n_units", "innovindex_version"]  # fmt: skip
    return runs[cols]


def element_names(db: DbLike, run_id: str) -> dict[str, str]:
    """Code -> name of every element of the run's framework."""
    runs = read_runs(db)
    row = runs[runs["run_id"] == run_id]
    meta = row["framework_meta"].iloc[0] if len(row) else None
    if not isinstance(meta, str):
        return {}
    return {str(r["iCode"]): str(r["iName"]) for r in json.loads(meta)}


def _check_unit(frame: pd.DataFrame, unit: str, source: str) -> str:
    unit = canonical(str(unit)).strip()
    codes = frame["uCode"].astype(str)
    if (codes == unit).any():
        return unit
    upper = codes[codes.str.upper() == unit.upper()]
    if len(upper):
        return str(upper.iloc[0])
    names = frame.drop_duplicates("uCode")
    by_name = names[names["uName"].astype(str).str.casefold() == unit.casefold()]
    if len(by_name) == 1:
        return str(by_name["uCode"].iloc[0])
    raise InputError(
        f"unknown unit {unit!r} in {source}; it has {codes.nunique()} units, e.g. {sorted(codes.unique())[:5]}"
    )


def _check_time(frame: pd.DataFrame, time: int | None, source: str) -> None:
    if time is None:
        return
    have = sorted(int(t) for t in frame["time"].dropna().unique())
    if int(time) not in have:
        raise InputError(f"year {time} is not in {source}; it has {have}")


def scores(
    db: DbLike,
    run: str = "latest",
    *,
    level: int | None = None,
    code: str | None = None,
    time: int | None = None,
) -> pd.DataFrame:
    """Scores and ranks of one run, tidy: one row per unit, aggregate and year.

    Columns: ``run_id``, ``time``, ``uCode``, ``uName``, ``code``, ``name``, ``level``,
    ``score``, ``rank`` (1 = highest, ties share the minimum rank), ``coverage`` (share of the
    aggregate's indicators with data, NaN for imported results).

    Raises
    ------
    InputError
        Unknown run, a ``code`` not in the run, or a ``time`` the run does not have.
    """
    run_id = resolve_run(db, run)
    out = read_table(db, "index_scores", run_id)
    source = f"run {run_id}"
    _check_time(out, time, source)
    if code is not None and not (out["code"] == code).any():
        raise InputError(f"no element {code!r} in {source}; it has {sorted(out['code'].unique())}")
    if level is not None and not (out["level"] == level).any():
        raise InputError(
            f"no level {level} in {source}; it has {sorted(out['level'].dropna().unique().astype(int))}"
        )
    keep = np.ones(len(out), dtype=bool)
    for col, value in (("time", time), ("code", code), ("level", level)):
        if value is not None:
            keep &= (out[col] == value).to_numpy()
    out = out[keep].copy()
    out["name"] = out["code"].map(element_names(db, run_id))
    out["rank"] = out["rank"].astype("Int64")
    return (
        out[SCORE_COLUMNS]
        .sort_values(["time", "code", "rank"], kind="stable")
        .reset_index(drop=True)
    )


def unit_series(frame: pd.DataFrame, unit: str, code: str | None, *, source: str) -> pd.DataFrame:
    """One unit's rows of a tidy score table, with changes from the previous year."""
    unit = _check_unit(frame, unit, source)
    if code is not None and not (frame["code"] == code).any():
        raise InputError(
            f"no element {code!r} in {source}; it has {sorted(frame['code'].unique())}"
        )
    n_units = (
        frame.dropna(subset=["score"])
        .groupby(["time", "code"])["uCode"]
        .nunique()
        .rename("n_units")
    )
    rows = frame[(frame["uCode"] == unit) & ((frame["code"] == code) if code else True)]
    rows = rows.merge(n_units.reset_index(), on=["time", "code"], how="left")
    rows = rows.sort_values(["code", "time"]).reset_index(drop=True)
    prev_score = rows.groupby("code")["score"].shift()
    prev_rank = rows.groupby("code")["rank"].shift()
    prev_time = rows.groupby("code")["time"].shift()
    ch = change_measures(prev_score, rows["score"], rows["time"] - prev_time)
    rows["change_abs"], rows["change_pct"] = (
        ch["change_abs"].to_numpy(),
        ch["change_pct"].to_numpy(),
    )
    rows["rank_change"] = (prev_rank.astype(float) - rows["rank"].astype(float)).astype("Int64")
    rows["rank"] = rows["rank"].astype("Int64")
    cols = ["time", "uCode", "code", "name", "level", "score", "rank", "n_units",
            "change_abs", "change_pct", "rank_change"]  # fmt: skip
    return (
        rows[cols]
        .sort_values(["time", "level", "code"], ascending=[True, False, True])
        .reset_index(drop=True)
    )


def timeseries(db: DbLike, run: str, unit: str, code: str | None = None) -> pd.DataFrame:
    """One unit's scores and ranks over every year of a run.

    Parameters
    ----------
    code
        One aggregate code (default: every aggregate).

    Returns
    -------
    pandas.DataFrame
        ``time``, ``uCode``, ``code``, ``name``, ``level``, ``score``, ``rank``, ``n_units``
        (units ranked that year), and the change from the previous year: ``change_abs``,
        ``change_pct``, ``rank_change`` (positive = moved up).
    """
    frame = scores(db, run)
    return unit_series(
        frame, unit, code, source=f"run {frame['run_id'].iloc[0] if len(frame) else run}"
    )
