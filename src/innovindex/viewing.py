"""Look at results without pandas: one tidy table of scores and ranks, and views of it.

:func:`read_output` reads an output folder written by ``innovindex build`` into the same long
shape the project store keeps (``index_scores``: time, uCode, uName, code, level, score, rank),
and :func:`view` picks what ``innovindex show`` prints: the top N units at one level, or one
unit's scores and ranks at every level.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._identity import canonical
from .errors import DataWarning, InputError, SpecError

__all__ = ["LONG_COLUMNS", "View", "is_synthetic_output", "read_output", "view"]

LONG_COLUMNS = ["time", "uCode", "uName", "code", "level", "score", "rank"]


@dataclass(frozen=True)
class View:
    """What to print: a title and a table (columns in display order)."""

    title: str
    table: pd.DataFrame


def _table(folder: Path, name: str) -> pd.DataFrame:
    """One output table (CSV, Parquet or the sheet of results.xlsx), checked: a file that is
    empty, not of its format, or without a ``uCode`` column is one :class:`InputError` naming it.
    """
    for suffix in (".csv", ".parquet"):
        p = folder / f"{name}{suffix}"
        if p.is_file():
            return _checked(_read(p, name), p, name)
    book = folder / "results.xlsx"
    if book.is_file():
        return _checked(_read(book, name), book, name)
    raise InputError(
        f"no {name}.csv, {name}.parquet or results.xlsx: expected a folder written by "
        "`innovindex build`",
        file=folder,
    )


def _read(p: Path, name: str) -> pd.DataFrame:
    what = {".csv": "a UTF-8 CSV", ".parquet": "a Parquet file"}.get(
        p.suffix, f"an Excel workbook with a {name!r} sheet"
    )
    if p.stat().st_size == 0:
        raise InputError(
            f"the file is empty; expected {what} written by `innovindex build`", file=p
        )
    try:
        if p.suffix == ".csv":
            return pd.read_csv(p, dtype={"uCode": str, "uName": str}, keep_default_na=False,
                               na_values=[""])  # fmt: skip
        if p.suffix == ".parquet":
            return pd.read_parquet(p)
        return pd.read_excel(p, sheet_name=name, dtype={"uCode": str, "uName": str})
    except Exception as exc:  # noqa: BLE001 - pandas, pyarrow and openpyxl raise many types
        text = str(exc).replace(str(p), p.name)
        reason = text.splitlines()[0][:120] if text else type(exc).__name__
        raise InputError(
            f"cannot be read ({reason}); expected {what} written by `innovindex build`", file=p
        ) from None


def _checked(df: pd.DataFrame, p: Path, name: str) -> pd.DataFrame:
    """Key columns present, at least one row, and every score or rank a number."""
    from .io.layout import numeric_column

    if "uCode" not in df.columns:
        raise InputError(
            f"no uCode column; expected the {name} table written by `innovindex build`",
            file=p,
            row=1,
        )
    if df.empty:
        raise InputError(f"the {name} table has a header but no rows", file=p)
    for col in df.columns:
        if col not in ("uCode", "uName"):
            df[col] = numeric_column(df[col], file=str(p), column=str(col))
    return df


def _levels(folder: Path) -> dict[str, int]:
    """Level of each code, from the framework named in run.json (when it can be found)."""
    from .building import resolve_framework

    run = folder / "run.json"
    if not run.is_file():
        return {}
    try:
        source = json.loads(run.read_text(encoding="utf-8"))["framework"]
        if not isinstance(source, str):
            raise TypeError(source)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why = (
            "has no 'framework' entry (text)"
            if isinstance(exc, KeyError | TypeError)
            else "cannot be read as JSON"
        )
        warnings.warn(
            f"{run}: {why}; scores are shown without the framework's levels",
            DataWarning,
            stacklevel=3,
        )
        return {}
    try:
        name = source.split(":", 1)[1] if source.startswith("builtin:") else source
        fw = resolve_framework(name)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # the framework file moved since the build: levels are optional
    return {c: fw.level(c) for c in fw.aggregates}


def is_synthetic_output(folder: str | Path) -> bool:
    """Whether an output folder's run.json marks its data as synthetic (``innovindex demo``);
    an unreadable run.json is not (read_output already warned about it)."""
    try:
        info = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("synthetic") is True


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
    if ("Time" in scores.columns) != ("Time" in ranks.columns):
        has, lacks = ("scores", "ranks") if "Time" in scores.columns else ("ranks", "scores")
        raise InputError(
            f"the {has} table has a Time column and the {lacks} table has none; "
            "expected both from the same `innovindex build`",
            file=folder,
        )
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
