"""Look at results without pandas: one tidy table of scores and ranks, and views of it.

:func:`read_output` reads an output folder written by ``innovindex build`` into the same long
shape the project store keeps (``index_scores``: time, uCode, uName, code, level, score, rank),
and :func:`view` picks what ``innovindex show`` prints: the top N units at one level, or one
unit's scores and ranks at every level.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._identity import canonical
from .errors import InputError, SpecError

__all__ = ["LONG_COLUMNS", "View", "read_output", "view"]

LONG_COLUMNS = ["time", "uCode", "uName", "code", "level", "score", "rank"]


@dataclass(frozen=True)
class View:
    """What to print: a title and a table (columns in display order)."""

    title: str
    table: pd.DataFrame


def _table(folder: Path, name: str) -> pd.DataFrame:
    for suffix in (".csv", ".parquet"):
        p = folder / f"{name}{suffix}"
        if p.is_file():
            if suffix == ".csv":
                return pd.read_csv(p, dtype={"uCode": str, "uName": str}, keep_default_na=False,
                                   na_values=[""])  # fmt: skip
            return pd.read_parquet(p)
    book = folder / "results.xlsx"
    if book.is_file():
        return pd.read_excel(book, sheet_name=name, dtype={"uCode": str, "uName": str})
    raise InputError(
        f"no {name}.csv, {name}.parquet or results.xlsx: expected a folder written by "
        "`innovindex build`",
        file=folder,
    )


def _levels(folder: Path) -> dict[str, int]:
    """Level of each code, from the framework named in run.json (when it can be found)."""
    from .building import resolve_framework

    run = folder / "run.json"
    try:
        source = json.loads(run.read_text(encoding="utf-8"))["framework"]
        name = source.split(":", 1)[1] if source.startswith("builtin:") else source
        fw = resolve_framework(name)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return {c: fw.level(c) for c in fw.aggregates}


def read_output(folder: str | Path) -> pd.DataFrame:
    """Scores and ranks of an output folder, long: one row per time, unit and aggregate.

    Raises
    ------
    InputError
        If the folder is missing or holds no scores and ranks.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            "not a folder: expected the --out folder of `innovindex build`", file=folder
        )
    scores, ranks = _table(folder, "scores"), _table(folder, "ranks")
    keys = [c for c in ("uCode", "uName", "Time") if c in scores.columns]
    if "uCode" not in keys:
        raise InputError("no uCode column in the scores table", file=folder)
    s = scores.melt(keys, var_name="code", value_name="score")
    r = ranks.drop(columns=[c for c in ("uName",) if c in ranks.columns]).melt(
        [k for k in keys if k != "uName"], var_name="code", value_name="rank"
    )
    out = s.merge(r, on=[k for k in keys if k != "uName"] + ["code"], how="left")
    out = out.rename(columns={"Time": "time"})
    for col in ("time", "uName"):
        if col not in out.columns:
            out[col] = pd.NA if col == "time" else out["uCode"]
    out["level"] = out["code"].map(_levels(folder))
    return out[LONG_COLUMNS]


def view(
    scores: pd.DataFrame,
    *,
    top: int = 10,
    unit: str | None = None,
    level: int | None = None,
    time: int | None = None,
) -> View:
    """The table ``innovindex show`` prints, from long scores (:func:`read_output` or the
    store's ``index_scores``).

    Parameters
    ----------
    top
        With no ``unit``: the number of units, best first by the top aggregate.
    unit
        A unit code (or name): its score and rank for every aggregate instead.
    level
        Only the aggregates of this level (default for the top-N table: the top level).
    time
        The year (default: the latest).

    Raises
    ------
    SpecError
        On a year, level or unit the results do not have, or ``top < 1``.
    """
    if top < 1:
        raise SpecError(f"--top must be >= 1; got {top}")
    df = scores.copy()
    df["time"] = df["time"].astype("Int64")
    times = sorted(int(t) for t in df["time"].dropna().unique())
    if time is not None:
        if time not in times:
            raise SpecError(f"no results for time {time}; the results have {times or 'no Time'}")
        df = df[df["time"] == time]
    elif times:
        time = times[-1]
        df = df[df["time"] == time]
    when = f" ({time})" if time is not None else ""
    levels = sorted(int(v) for v in df["level"].dropna().unique())
    if level is not None:
        if not levels:
            raise SpecError(
                "--level needs the framework's levels, which these results do not record"
            )
        if level not in levels:
            raise SpecError(f"no aggregates at level {level}; levels: {levels}")
    if unit is not None:
        return _one_unit(df, unit, level, when)
    top_code = _top_code(df, levels)
    order = df[df["code"] == top_code].sort_values(["rank", "uCode"]).head(top)
    # default: the top two levels (e.g. GII, IN, OUT) and the ratios (EFF)
    shown = [level] if level is not None else levels[::-1][:2]
    if not shown:
        codes = list(dict.fromkeys(df["code"]))
    else:
        codes = [c for lev in shown for c in dict.fromkeys(df.loc[df["level"] == lev, "code"])]
        if levels and levels[-1] in shown:
            codes += list(dict.fromkeys(df.loc[df["level"].isna(), "code"]))  # ratios
    wide = df[df["code"].isin(codes)].pivot(index="uCode", columns="code", values="score")
    table = pd.DataFrame(
        {
            "rank": order["rank"].astype("Int64").to_numpy(),
            "uCode": order["uCode"].to_numpy(),
            "uName": order["uName"].to_numpy(),
        }  # fmt: skip
    )
    for c in codes:
        table[c] = wide[c].reindex(order["uCode"]).to_numpy()
    what = f"level {', '.join(map(str, shown))}" if shown else "every aggregate"
    return View(f"Top {len(table)} by {top_code}{when}: {what}", table)


def _top_code(df: pd.DataFrame, levels: list[int]) -> str:
    if levels:
        return str(df.loc[df["level"] == levels[-1], "code"].iloc[0])
    codes = list(dict.fromkeys(df["code"]))
    # without levels: the last aggregate column before ratios is the root in our tables
    return str(codes[-1])


def _one_unit(df: pd.DataFrame, unit: str, level: int | None, when: str) -> View:
    key = canonical(unit)
    rows = df[df["uCode"] == key]
    if rows.empty:
        rows = df[df["uName"].astype(str).str.casefold() == key.casefold()]
    if rows.empty:
        some = sorted(df["uCode"].unique())[:8]
        raise SpecError(f"unit {unit!r} is not in the results{when}; units include {some}")
    if level is not None:
        rows = rows[rows["level"] == level]
    rows = rows.sort_values("level", ascending=False, na_position="last", kind="stable")
    table = pd.DataFrame(
        {
            "code": rows["code"].to_numpy(),
            "level": rows["level"].astype("Int64").to_numpy(),
            "score": rows["score"].to_numpy(),
            "rank": rows["rank"].astype("Int64").to_numpy(),
        }  # fmt: skip
    )
    name = rows["uName"].iloc[0]
    return View(f"{name} ({rows['uCode'].iloc[0]}){when}", table)
