"""`dbfile.store_transaction` / `insert_frame`: the one home for "put a frame into the store"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innovindex.dbfile import connect_store, insert_frame, store_transaction


def _rows(db: Path, table: str) -> list[tuple[object, ...]]:
    con = connect_store(db, read_only=True)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        con.close()


def test_insert_replace_and_by_name(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with store_transaction(db) as con:
        insert_frame(con, "t", pd.DataFrame({"a": [1], "b": ["x"]}), replace=True)
        insert_frame(con, "t", pd.DataFrame({"b": ["y"], "a": [2]}), by_name=True)
        insert_frame(con, "t", pd.DataFrame({"a": [3], "b": ["z"]}))
    assert _rows(db, "t") == [(1, "x"), (2, "y"), (3, "z")]
    with store_transaction(db) as con:
        insert_frame(con, "t", pd.DataFrame({"a": [9], "b": ["new"]}), replace=True)
    assert _rows(db, "t") == [(9, "new")]


def test_a_failing_block_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with store_transaction(db) as con:
        insert_frame(con, "t", pd.DataFrame({"a": [1]}), replace=True)
    with pytest.raises(RuntimeError, match="midway"), store_transaction(db) as con:
        insert_frame(con, "t", pd.DataFrame({"a": [2]}))
        insert_frame(con, "u", pd.DataFrame({"a": [2]}), replace=True)
        raise RuntimeError("killed midway")
    assert _rows(db, "t") == [(1,)]
    con = connect_store(db, read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()
    assert names == {"t"}
