"""The project store: one embedded DuckDB file (``innovindex.duckdb`` by default).

Index builds and imported results are recorded as *runs* that later tools (monitoring,
profiles, reports, the REST API) read by id; patent tables live in the same file under the
``patent_`` prefix, other modules under their own prefixes.

``index_runs``        one row per run: id, time stamp, kind (``build`` / ``import``), label,
                      dataset, framework (source and iMeta as JSON), pipeline spec, reference
                      year, seed, synthetic flag, input files with SHA-256, years, warnings,
                      innovindex version
``index_scores``      run_id, time, uCode, uName, code, level, score, rank, coverage (share of
                      the element's indicators with data), dmc_flag (data-minimum coverage not
                      met)
``index_indicators``  run_id, time, uCode, code, raw, treated (the value normalised: after
                      denomination, imputation and treatment), normalised, imputed
``index_bounds``      run_id, time, code, method, lower, upper, range_lo, range_hi, direction:
                      what normalisation applied to each indicator in each year
``index_units``       run_id, time, uCode, attribute, value: groups and other unit metadata

Every write is one transaction: a failed build or import leaves the store as it was. The
store is opened only through :func:`innovindex.dbfile.connect_store`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .dbfile import connect_store
from .errors import InputError, NotBuiltError
from .index import Index

__all__ = [
    "TABLES",
    "record_build",
    "record_results",
    "read_runs",
    "read_scores",
    "read_table",
    "run_frames",
]

TABLES = ("index_runs", "index_scores", "index_indicators", "index_bounds", "index_units")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS index_runs (
    run_id VARCHAR PRIMARY KEY, created TIMESTAMP, label VARCHAR, framework VARCHAR,
    pipeline VARCHAR, seed BIGINT, synthetic BOOLEAN, innovindex_version VARCHAR);
CREATE TABLE IF NOT EXISTS index_scores (
    run_id VARCHAR, time INTEGER, uCode VARCHAR, uName VARCHAR, code VARCHAR, level INTEGER,
    score DOUBLE, rank INTEGER);
CREATE TABLE IF NOT EXISTS index_indicators (
    run_id VARCHAR, time INTEGER, uCode VARCHAR, code VARCHAR, raw DOUBLE, normalised DOUBLE);
CREATE TABLE IF NOT EXISTS index_bounds (
    run_id VARCHAR, time INTEGER, code VARCHAR, method VARCHAR, lower DOUBLE, upper DOUBLE,
    range_lo DOUBLE, range_hi DOUBLE, direction INTEGER);
CREATE TABLE IF NOT EXISTS index_units (
    run_id VARCHAR, time INTEGER, uCode VARCHAR, attribute VARCHAR, value VARCHAR);
"""

#: Columns added since the first store layout (older files are upgraded in place).
_ADDED = {
    "index_runs": {
        "kind": "VARCHAR",
        "dataset": "VARCHAR",
        "framework_meta": "VARCHAR",
        "reference_year": "INTEGER",
        "inputs": "VARCHAR",
        "times": "VARCHAR",
        "warnings": "VARCHAR",
    },
    "index_scores": {"coverage": "DOUBLE", "dmc_flag": "BOOLEAN"},
    "index_indicators": {"treated": "DOUBLE", "imputed": "BOOLEAN"},
}


def _ensure_schema(con: Any) -> None:
    con.execute(_SCHEMA)
    for table, cols in _ADDED.items():
        for col, typ in cols.items():
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {col} {typ}")


# ---------------------------------------------------------------------- long tables of a build
def _melt(df: pd.DataFrame, name: str) -> pd.DataFrame:
    return df.rename_axis("uCode").reset_index().melt("uCode", var_name="code", value_name=name)


def _input_stage(idx: Index) -> str:
    """The dataset that normalisation was applied to (the one before ``normalised``)."""
    names = list(idx.stages)
    if "normalised" in names:
        return names[names.index("normalised") - 1]
    return names[-1]


def _coverage(idx: Index) -> pd.DataFrame:
    """Share of each aggregate's indicators with observed (not imputed) data, per unit."""
    fw = idx.framework
    units = idx.scores().index
    observed = idx.stage("raw").reindex(units).notna()
    cols = {}
    for code in fw.aggregates:
        kids = fw.descendants(code)
        cols[code] = observed[kids].mean(axis=1)
    return pd.DataFrame(cols, index=units)


def _scores_long(run_id: str, t: int | None, idx: Index) -> pd.DataFrame:
    fw = idx.framework
    out = _melt(idx.scores(), "score").merge(_melt(idx.ranks(), "rank"), on=["uCode", "code"])
    out["uName"] = out["uCode"].map(idx.units["uName"])
    out["level"] = out["code"].map({c: fw.level(c) for c in fw.aggregates})
    cov = _melt(_coverage(idx), "coverage")
    out = out.merge(cov, on=["uCode", "code"], how="left")
    try:
        flags = _melt(idx.coverage.astype(float), "dmc_flag")
        out = out.merge(flags, on=["uCode", "code"], how="left")
        out["dmc_flag"] = out["dmc_flag"].map({1.0: True, 0.0: False})
    except NotBuiltError:
        out["dmc_flag"] = None
    out["run_id"], out["time"] = run_id, t
    out["rank"] = out["rank"].astype("float")
    return out


def _indicators_long(run_id: str, t: int | None, idx: Index) -> pd.DataFrame:
    raw = _melt(idx.stage("raw"), "raw")
    treated = _melt(idx.stage(_input_stage(idx)), "treated")
    last = "normalised" if "normalised" in idx.stages else "raw"
    norm = _melt(idx.stage(last), "normalised")
    out = raw.merge(treated, on=["uCode", "code"], how="left").merge(
        norm, on=["uCode", "code"], how="left"
    )
    out["imputed"] = out["raw"].isna() & out["treated"].notna()
    out["run_id"], out["time"] = run_id, t
    return out


def _bounds_long(run_id: str, t: int | None, idx: Index) -> pd.DataFrame:
    fw = idx.framework
    try:
        step = idx._step("normalise")
    except NotBuiltError:
        return pd.DataFrame(columns=["run_id", "time", "code"])
    params: dict[str, dict[str, Any]] = step.params_  # type: ignore[attr-defined]
    bounds: pd.DataFrame = step.bounds_  # type: ignore[attr-defined]
    rows = []
    for code in fw.indicators:
        p = params[code]
        lo, hi = (bounds.loc[code, "lower"], bounds.loc[code, "upper"]) if code in bounds.index else (None, None)
        rows.append(
            {
                "code": code,
                "method": "minmax" if code in bounds.index else p["method"],
                "lower": lo,
                "upper": hi,
                "range_lo": float(p["range"][0]),
                "range_hi": float(p["range"][1]),
                "direction": int(fw.directions[code]),
            }
        )
    out = pd.DataFrame(rows)
    out["run_id"], out["time"] = run_id, t
    return out


def _units_long(run_id: str, t: int | None, units: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in units.columns if c not in ("Time",)]
    long = units[extra].rename_axis("uCode").reset_index().melt(
        "uCode", var_name="attribute", value_name="value"
    )
    long = long[long["value"].notna()].copy()
    long["value"] = long["value"].astype(str)
    long["run_id"], long["time"] = run_id, t
    return long


# ---------------------------------------------------------------------- writing
def _write(db: str | Path, frames: Mapping[str, pd.DataFrame]) -> None:
    con = connect_store(db)
    try:
        _ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        try:
            for table, df in frames.items():
                if df.empty:
                    continue
                con.register("_frame", df)
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
                con.unregister("_frame")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


def _run_row(run_id: str, *, kind: str, framework: Any, times: list[Any], **fields: Any) -> pd.DataFrame:
    from . import __version__

    row = {
        "run_id": run_id,
        "created": datetime.now(UTC).replace(tzinfo=None),
        "kind": kind,
        "framework": framework.source,
        "framework_meta": framework.meta.to_json(orient="records"),
        "times": json.dumps([None if t is None else int(t) for t in times]),
        "innovindex_version": __version__,
        **fields,
    }
    for key in ("inputs", "warnings", "pipeline"):
        if key in row and not isinstance(row[key], str):
            row[key] = json.dumps(row[key], default=str)
    return pd.DataFrame([row])


def record_build(
    db: str | Path,
    panel: Mapping[int | None, Index],
    *,
    label: str = "build",
    synthetic: bool = False,
    seed: int | None = None,
    dataset: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    reference_year: int | None = None,
    warnings: list[str] | None = None,
) -> str:
    """Record every year of a build in the store, in one transaction; returns the run id."""
    first = next(iter(panel.values()))
    run_id = uuid.uuid4().hex[:12]
    frames = {
        "index_runs": _run_row(
            run_id,
            kind="build",
            framework=first.framework,
            times=list(panel),
            label=label,
            dataset=dataset or label,
            pipeline=first.spec,
            seed=seed,
            synthetic=synthetic,
            inputs=dict(inputs or {}),
            reference_year=reference_year,
            warnings=list(warnings or []),
        ),
        "index_scores": pd.concat([_scores_long(run_id, t, i) for t, i in panel.items()]),
        "index_indicators": pd.concat([_indicators_long(run_id, t, i) for t, i in panel.items()]),
        "index_bounds": pd.concat([_bounds_long(run_id, t, i) for t, i in panel.items()]),
        "index_units": pd.concat([_units_long(run_id, t, i.units) for t, i in panel.items()]),
    }
    _write(db, frames)
    return run_id


def record_results(
    db: str | Path,
    scores: pd.DataFrame,
    units: pd.DataFrame,
    *,
    framework: Any,
    dataset: str,
    inputs: Mapping[str, Any],
    warnings: list[str],
) -> str:
    """Record imported published results (no indicator data) as a run; returns its id.

    ``scores`` is tidy (``time, uCode, uName, code, level, score``); ranks are derived here,
    per year and code, 1 = highest with ties sharing the minimum rank. ``units`` is tidy
    metadata (``time, uCode, attribute, value``).
    """
    run_id = uuid.uuid4().hex[:12]
    s = scores.copy()
    s["rank"] = s.groupby(["time", "code"])["score"].rank(ascending=False, method="min")
    s["run_id"] = run_id
    u = units.copy()
    u["run_id"] = run_id
    times = sorted(int(t) for t in s["time"].unique())
    frames = {
        "index_runs": _run_row(
            run_id,
            kind="import",
            framework=framework,
            times=times,
            label="import",
            dataset=dataset,
            pipeline=None,
            synthetic=False,
            inputs=dict(inputs),
            warnings=warnings,
        ),
        "index_scores": s,
        "index_units": u,
    }
    _write(db, frames)
    return run_id


# ---------------------------------------------------------------------- reading
def read_table(db: str | Path, table: str, run_id: str | None = None, **where: Any) -> pd.DataFrame:
    """Rows of one store table, optionally of one run and with equality filters."""
    if table not in TABLES:
        raise InputError(f"unknown store table {table!r}; tables: {list(TABLES)}")
    clauses, params = [], []
    if run_id is not None:
        clauses.append("run_id = ?")
        params.append(run_id)
    for col, value in where.items():
        if value is not None:
            clauses.append(f'"{col}" = ?')
            params.append(value)
    sql = f"SELECT * FROM {table}" + (" WHERE " + " AND ".join(clauses) if clauses else "")
    con = connect_store(db, read_only=True)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if table not in have:
            raise InputError("the store has no index runs yet: run a build or an import with --db", file=db)
        return con.execute(sql, params).df()
    finally:
        con.close()


def read_runs(db: str | Path) -> pd.DataFrame:
    """Every recorded run, newest first."""
    runs = read_table(db, "index_runs")
    return runs.sort_values("created", ascending=False, kind="stable").reset_index(drop=True)


def read_scores(db: str | Path, run_id: str, code: str | None = None) -> pd.DataFrame:
    """Scores and ranks of one recorded run (optionally one aggregate code)."""
    out = read_table(db, "index_scores", run_id, code=code)
    return out.sort_values(["time", "code", "rank"]).reset_index(drop=True)


def run_frames(db: str | Path, run_id: str) -> dict[str, pd.DataFrame]:
    """Every table's rows of one run (for reconstructing it in memory), in one connection."""
    con = connect_store(db, read_only=True)
    try:
        out = {}
        for table in TABLES:
            try:
                out[table] = con.execute(f"SELECT * FROM {table} WHERE run_id = ?", [run_id]).df()
            except Exception:  # a store written before the table existed
                out[table] = pd.DataFrame()
        return out
    finally:
        con.close()


def _nan_to_none(v: Any) -> Any:
    return None if isinstance(v, float) and np.isnan(v) else v
