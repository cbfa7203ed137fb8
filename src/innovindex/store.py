"""The project store: one embedded DuckDB file (``innovindex.duckdb`` by default).

Index builds are recorded in three tables that later tools (monitoring, reports, the API)
read; patent tables live in the same file under the ``patent_`` prefix.

``index_runs``        one row per recorded build: id, time stamp, label, framework, pipeline spec,
                      seed, whether the data is synthetic, innovindex version
``index_scores``      run_id, time, uCode, uName, code, level, score, rank (aggregates and ratios)
``index_indicators``  run_id, time, uCode, code, raw, normalised (indicator level)
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .index import Index

__all__ = ["record_build", "read_runs", "read_scores"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS index_runs (
    run_id VARCHAR PRIMARY KEY, created TIMESTAMP, label VARCHAR, framework VARCHAR,
    pipeline VARCHAR, seed BIGINT, synthetic BOOLEAN, innovindex_version VARCHAR);
CREATE TABLE IF NOT EXISTS index_scores (
    run_id VARCHAR, time INTEGER, uCode VARCHAR, uName VARCHAR, code VARCHAR, level INTEGER,
    score DOUBLE, rank INTEGER);
CREATE TABLE IF NOT EXISTS index_indicators (
    run_id VARCHAR, time INTEGER, uCode VARCHAR, code VARCHAR, raw DOUBLE, normalised DOUBLE);
"""


def _long_scores(run_id: str, t: int | None, idx: Index) -> pd.DataFrame:
    fw = idx.framework
    scores = (
        idx.scores()
        .rename_axis("uCode")
        .reset_index()
        .melt("uCode", var_name="code", value_name="score")
    )
    ranks = (
        idx.ranks()
        .rename_axis("uCode")
        .reset_index()
        .melt("uCode", var_name="code", value_name="rank")
    )
    out = scores.merge(ranks, on=["uCode", "code"])
    names = idx.units["uName"]
    out["uName"] = out["uCode"].map(names)
    levels = {c: fw.level(c) for c in fw.aggregates}
    out["level"] = out["code"].map(levels)  # ratios have no level
    out["run_id"], out["time"] = run_id, t
    out["rank"] = out["rank"].astype("float")
    return out[["run_id", "time", "uCode", "uName", "code", "level", "score", "rank"]]


def _long_indicators(run_id: str, t: int | None, idx: Index) -> pd.DataFrame:
    raw = (
        idx.stage("raw")
        .rename_axis("uCode")
        .reset_index()
        .melt("uCode", var_name="code", value_name="raw")
    )
    last = "normalised" if "normalised" in idx.stages else "raw"
    norm = (
        idx.stage(last)
        .rename_axis("uCode")
        .reset_index()
        .melt("uCode", var_name="code", value_name="normalised")
    )
    out = raw.merge(norm, on=["uCode", "code"], how="left")
    out["run_id"], out["time"] = run_id, t
    return out[["run_id", "time", "uCode", "code", "raw", "normalised"]]


def record_build(
    db: str | Path,
    panel: Mapping[int | None, Index],
    *,
    label: str,
    synthetic: bool,
    seed: int | None = None,
) -> str:
    """Record every year of a build in the store, in one transaction; returns the run id."""
    from . import __version__

    first = next(iter(panel.values()))
    run_id = uuid.uuid4().hex[:12]
    scores = pd.concat([_long_scores(run_id, t, i) for t, i in panel.items()], ignore_index=True)
    inds = pd.concat([_long_indicators(run_id, t, i) for t, i in panel.items()], ignore_index=True)
    runs = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "created": datetime.now(UTC).replace(tzinfo=None),
                "label": label,
                "framework": first.framework.source,
                "pipeline": json.dumps(first.spec),
                "seed": seed,
                "synthetic": synthetic,
                "innovindex_version": __version__,
            }
        ]
    )
    con = duckdb.connect(str(db))
    try:
        con.execute(_SCHEMA)
        con.execute("BEGIN TRANSACTION")
        for table, df in (
            ("index_runs", runs),
            ("index_scores", scores),
            ("index_indicators", inds),
        ):
            con.register("_frame", df)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
            con.unregister("_frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return run_id


def read_runs(db: str | Path) -> pd.DataFrame:
    """Every recorded build, newest first."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT * FROM index_runs ORDER BY created DESC").df()


def read_scores(db: str | Path, run_id: str, code: str | None = None) -> pd.DataFrame:
    """Scores and ranks of one recorded run (optionally one aggregate code)."""
    sql = "SELECT * FROM index_scores WHERE run_id = ?"
    params: list[Any] = [run_id]
    if code is not None:
        sql += " AND code = ?"
        params.append(code)
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql + " ORDER BY time, rank", params).df()
