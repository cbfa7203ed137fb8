"""The project store: one embedded DuckDB file (``innovindex.duckdb`` by default).

Index builds and imported results are recorded as *runs* that later tools (monitoring,
profiles, reports, the REST API) read by id; patent tables live in the same file under the
``patent_`` prefix, other modules under their own prefixes.

``index_runs``        one row per run: id, time stamp, kind (``build`` / ``import``), label,
                      dataset, framework (source and iMeta as JSON), pipeline spec, reference
                      year, seed, synthetic flag, input files with SHA-256, years, warnings,
                      options (panel imputation), innovindex version
``index_scores``      run_id, time, uCode, uName, code, level, score, rank, coverage (share of
                      the element's indicators with data), dmc_flag (data-minimum coverage not
                      met)
``index_indicators``  run_id, time, uCode, code, raw (as reported: NaN where imputed, also
                      over years), treated (the value normalised: after denomination,
                      imputation and treatment), normalised, imputed
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
import pyarrow as pa

from .dbfile import connect_store, insert_frame, store_transaction
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
        "options": "VARCHAR",
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
def _melt(df: pd.DataFrame, name: str) -> dict[str, np.ndarray]:
    """Long form (uCode, code, value) of a units x codes frame, row by row, as NumPy columns."""
    n, k = df.shape
    return {
        "uCode": np.repeat(df.index.to_numpy(dtype=object), k),
        "code": np.tile(np.asarray(df.columns, dtype=object), n),
        name: df.to_numpy().ravel(),
    }


def _frame(parts: list[dict[str, Any]]) -> pd.DataFrame:
    """One frame from per-year column dicts (concatenated once: building frames per year and
    concatenating them is what makes recording slow)."""
    if not parts:
        return pd.DataFrame()
    cols = {}
    for key in parts[0]:
        arrays = [
            np.broadcast_to(
                np.asarray(p[key], dtype=object if isinstance(p[key], str | type(None)) else None),
                (len(p["uCode"]),),
            )
            for p in parts
        ]
        cols[key] = np.concatenate(arrays)
    return pd.DataFrame(cols)


def _input_stage(idx: Index) -> str:
    """The dataset that normalisation was applied to (the one before ``normalised``)."""
    names = list(idx.stages)
    if "normalised" in names:
        return names[names.index("normalised") - 1]
    return names[-1]


def _scored_stage(idx: Index) -> str:
    """The indicator dataset that aggregation used (``normalised`` in a usual pipeline)."""
    names = [n for n in idx.stages if n != "aggregated"]
    return "normalised" if "normalised" in names else names[-1]


def _membership(idx: Index) -> np.ndarray:
    """Indicators x aggregates: 1 where the indicator lies under the aggregate."""
    fw = idx.framework
    inds = {c: j for j, c in enumerate(fw.indicators)}
    M = np.zeros((len(inds), len(fw.aggregates)))
    for k, code in enumerate(fw.aggregates):
        M[[inds[c] for c in fw.descendants(code)], k] = 1.0
    return M


def observed(idx: Index) -> pd.DataFrame:
    """True where the unit reported the indicator: present in the raw data and not filled by
    imputation over years (which runs before the raw stage)."""
    raw = idx.stage("raw")
    seen = raw.notna()
    over_time = idx.provenance.get("imputed_over_time")
    if over_time is not None:
        seen &= ~over_time.reindex(index=raw.index, columns=raw.columns, fill_value=False).astype(
            bool
        )
    return seen


def _coverage(idx: Index) -> pd.DataFrame:
    """Share of each aggregate's indicators with observed (not imputed) data, per unit."""
    fw = idx.framework
    units = (
        idx.stages["aggregated"].values.index
        if "aggregated" in idx.stages
        else idx.stage("raw").index
    )
    seen = observed(idx).reindex(units).fillna(False).to_numpy(dtype=float)
    M = _membership(idx)
    return pd.DataFrame(seen @ M / M.sum(axis=0), index=units, columns=list(fw.aggregates))


def _scores_long(run_id: str, t: int | None, idx: Index) -> dict[str, Any]:
    fw = idx.framework
    S = idx.scores()
    out = _melt(S, "score")
    out["rank"] = S.rank(ascending=False, method="min").to_numpy().ravel()
    out["uName"] = np.repeat(idx.units["uName"].reindex(S.index).to_numpy(dtype=object), S.shape[1])
    levels = np.array(
        [fw.level(c) if c in fw.aggregates else np.nan for c in S.columns], dtype=float
    )
    out["level"] = np.tile(levels, len(S))
    out["coverage"] = _coverage(idx).reindex(index=S.index, columns=S.columns).to_numpy().ravel()
    try:
        flags = idx.coverage.reindex(index=S.index, columns=S.columns).to_numpy(dtype=float)
        out["dmc_flag"] = flags.ravel()
    except NotBuiltError:
        out["dmc_flag"] = np.full(S.size, np.nan)
    out["run_id"], out["time"] = run_id, np.nan if t is None else t  # type: ignore[assignment]
    return out


def _indicators_long(run_id: str, t: int | None, idx: Index) -> dict[str, Any]:
    raw = idx.stage("raw")
    out = _melt(raw, "raw")
    treated = idx.stage(_input_stage(idx)).reindex(index=raw.index, columns=raw.columns)
    norm = idx.stage(_scored_stage(idx)).reindex(index=raw.index, columns=raw.columns)
    out["treated"] = treated.to_numpy().ravel()
    out["normalised"] = norm.to_numpy().ravel()
    seen = observed(idx).reindex(index=raw.index, columns=raw.columns).to_numpy(dtype=bool).ravel()
    out["imputed"] = ~seen & ~np.isnan(out["treated"].astype(float))
    out["raw"] = np.where(seen, out["raw"], np.nan)  # what the unit reported
    out["run_id"], out["time"] = run_id, np.nan if t is None else t  # type: ignore[assignment]
    return out


def _bounds_long(run_id: str, t: int | None, idx: Index) -> pd.DataFrame:
    fw = idx.framework
    try:
        step = idx._step("normalise")
    except NotBuiltError:
        return pd.DataFrame(columns=["run_id", "time", "code"])
    params: dict[str, dict[str, Any]] = step.params_  # type: ignore[attr-defined]
    bounds: pd.DataFrame = step.bounds_  # type: ignore[attr-defined]
    codes = list(fw.indicators)
    b = bounds.reindex(codes)
    out = pd.DataFrame(
        {
            "code": codes,
            "method": ["minmax" if c in bounds.index else params[c]["method"] for c in codes],
            "lower": b["lower"].to_numpy(dtype=float),
            "upper": b["upper"].to_numpy(dtype=float),
            "range_lo": [float(params[c]["range"][0]) for c in codes],
            "range_hi": [float(params[c]["range"][1]) for c in codes],
            "direction": [int(fw.directions[c]) for c in codes],
        }
    )
    out["run_id"], out["time"] = run_id, t
    return out


def _units_long(run_id: str, t: int | None, units: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in units.columns if c not in ("Time",)]
    long = pd.DataFrame(_melt(units[extra].astype(object), "value")).rename(
        columns={"code": "attribute"}
    )
    long = long[long["value"].notna()].copy()
    long["value"] = long["value"].astype(str)
    long["run_id"], long["time"] = run_id, t
    return long


# ---------------------------------------------------------------------- writing
def _write(db: str | Path, frames: Mapping[str, pd.DataFrame]) -> None:
    with store_transaction(db) as con:
        _ensure_schema(con)
        for table, df in frames.items():
            if not df.empty:
                frame = pa.Table.from_pandas(df, preserve_index=False)
                insert_frame(con, table, frame, by_name=True)


def _run_row(
    run_id: str, *, kind: str, framework: Any, times: list[Any], **fields: Any
) -> pd.DataFrame:
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
    for key in ("inputs", "warnings", "pipeline", "options"):
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
            options={"panel_impute": first.provenance.get("panel_impute")},
        ),
        "index_scores": _frame([_scores_long(run_id, t, i) for t, i in panel.items()]),
        "index_indicators": _frame([_indicators_long(run_id, t, i) for t, i in panel.items()]),
        "index_bounds": pd.concat([_bounds_long(run_id, t, i) for t, i in panel.items()]),
        "index_units": pd.concat([_units_long(run_id, t, i.units) for t, i in panel.items()]),
    }
    sc = frames["index_scores"]
    for col in ("time", "level", "rank"):
        sc[col] = pd.array(sc[col].to_numpy(dtype=float), dtype="Int64")
    flags = sc["dmc_flag"].astype(float)
    sc["dmc_flag"] = pd.array(np.where(np.isnan(flags), None, flags == 1.0), dtype="boolean")  # type: ignore[call-overload]
    ind = frames["index_indicators"]
    ind["time"] = pd.array(ind["time"].to_numpy(dtype=float), dtype="Int64")
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
        have = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if table not in have:
            raise InputError(
                "the store has no index runs yet: run a build or an import with --db", file=db
            )
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


def run_frames(
    db: str | Path, run_id: str, times: list[int] | None = None
) -> dict[str, pd.DataFrame]:
    """Every table's rows of one run (optionally some years), in one connection."""
    import duckdb

    con = connect_store(db, read_only=True)
    try:
        out = {}
        for table in TABLES:
            sql = f"SELECT * FROM {table} WHERE run_id = ?"
            params: list[Any] = [run_id]
            if times is not None and table != "index_runs":
                sql += f" AND time IN ({', '.join('?' for _ in times)})"
                params += [int(t) for t in times]
            try:
                out[table] = con.execute(sql, params).df()
            except duckdb.CatalogException:  # a store written before the table existed
                out[table] = pd.DataFrame()
        return out
    finally:
        con.close()


def run_units(db: str | Path, run_id: str) -> dict[str, str]:
    """uCode -> uName of every unit of a run."""
    con = connect_store(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT DISTINCT uCode, uName FROM index_scores WHERE run_id = ?", [run_id]
        ).fetchall()
    finally:
        con.close()
    return {str(c): str(n) for c, n in rows}
