"""The store file (dbfile.py): refusals, waiting for another process's lock, temporary
files under one folder removed on exit and by the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from innovindex.dbfile import (
    check_store_path,
    clean_stale_temp,
    connect_store,
    operation_temp_dir,
    store_temp_dir,
    verify_store,
)
from innovindex.errors import InputError

SRC = Path(__file__).resolve().parents[2] / "src"


def _holder(db: Path, seconds: float, *, temp: bool = False) -> subprocess.Popen[str]:
    """Another innovindex process holding the store's write lock for ``seconds``."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from innovindex.dbfile import connect_store, store_temp_dir
        con = connect_store({str(db)!r})
        con.execute("CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS x")
        if {temp!r}:
            (store_temp_dir({str(db)!r}) / "part.parquet").write_bytes(b"partial")
        print("locked", flush=True)
        time.sleep({seconds!r})
        con.close()
        """
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_second_writer_waits_for_the_lock_then_finishes(tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.duckdb"
    holder = _holder(db, 1.5)
    t0 = time.monotonic()
    con = connect_store(db, lock_timeout=30)
    waited = time.monotonic() - t0
    con.execute("INSERT INTO t VALUES (2)")
    assert sorted(con.execute("SELECT x FROM t").fetchall()) == [(1,), (2,)]
    con.close()
    holder.wait(10)
    err = capsys.readouterr().err
    assert err.count("waiting for the store lock held by another innovindex process") == 1
    assert waited > 0.3  # it really waited for the other process


def test_lock_timeout_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    db = tmp_path / "s.duckdb"
    holder = _holder(db, 5)
    monkeypatch.setenv("INNOVINDEX_LOCK_TIMEOUT", "0.3")
    try:
        with pytest.raises(
            InputError, match="locked by another innovindex process; gave up after 0.3 s"
        ):
            connect_store(db)
        with pytest.raises(InputError, match="locked"):  # readers wait for a writer too
            connect_store(db, read_only=True)
    finally:
        holder.kill()
        holder.wait(10)
    monkeypatch.setenv("INNOVINDEX_LOCK_TIMEOUT", "soon")
    with pytest.raises(InputError, match="INNOVINDEX_LOCK_TIMEOUT must be a number"):
        connect_store(db)


def test_killed_process_temp_files_are_removed_by_the_next_start(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    holder = _holder(db, 60, temp=True)
    leftovers = list((tmp_path / "s.duckdb.tmp").glob("run-*/part.parquet"))
    assert len(leftovers) == 1
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    assert leftovers[0].exists()  # a SIGKILL cannot clean up ...
    unrelated = tmp_path / "s.duckdb.tmp" / "someone-elses.txt"
    unrelated.write_text("not ours")
    connect_store(db).close()  # ... the next start does, and only what innovindex made
    assert not leftovers[0].exists() and unrelated.exists()


def test_own_temp_folder_is_marked_and_removed_at_exit(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    code = textwrap.dedent(
        f"""
        from innovindex.dbfile import store_temp_dir
        d = store_temp_dir({str(db)!r})
        (d / "x.parquet").write_bytes(b"1")
        print(d)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().startswith(str(tmp_path / "s.duckdb.tmp" / "run-"))
    assert not (tmp_path / "s.duckdb.tmp").exists()
    mine = store_temp_dir(db)  # this process: alive, so never cleaned under it
    assert (mine / ".innovindex-temp").read_text().strip() == str(os.getpid())
    assert clean_stale_temp(db) == [] and mine.is_dir()


def test_operation_temp_dir_is_fresh_marked_and_removed_whatever_the_outcome(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.duckdb"
    root = tmp_path / "s.duckdb.tmp"
    with operation_temp_dir(db) as one, operation_temp_dir(db) as two:
        assert one != two and one.parent == two.parent == root
        assert one.name.startswith(f"run-{os.getpid()}-")
        assert (one / ".innovindex-temp").read_text().strip() == str(os.getpid())
        (one / "part.parquet").write_bytes(b"1")
    assert not root.exists()  # both gone, and the emptied root with them
    with pytest.raises(RuntimeError, match="failed"), operation_temp_dir(db) as three:
        (three / "part.parquet").write_bytes(b"1")
        raise RuntimeError("failed")
    assert not root.exists()
    kept = root / "notes.txt"  # a user's file keeps the root, and is kept
    with operation_temp_dir(db) as four:
        kept.write_text("mine")
    assert not four.exists() and kept.read_text() == "mine"
    assert not (tmp_path / ".s.duckdb.tmp").exists()  # the one location, no hidden twin


def test_killed_operation_temp_dir_is_removed_by_the_next_start(tmp_path: Path) -> None:
    """An operation killed inside its folder (or before marking it: an empty folder) leaves
    it; the next start removes both, and an unmarked non-empty folder stays."""
    db = tmp_path / "s.duckdb"
    code = textwrap.dedent(
        f"""
        import time
        from innovindex.dbfile import operation_temp_dir
        with operation_temp_dir({str(db)!r}) as d:
            (d / "store.duckdb").write_bytes(b"half a copy")
            print(d, flush=True)
            time.sleep(60)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    left = Path(proc.stdout.readline().strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert left.parent == tmp_path / "s.duckdb.tmp" and (left / "store.duckdb").exists()
    unmarked = left.parent / f"run-{proc.pid}-before-marker"
    unmarked.mkdir()
    foreign = left.parent / f"run-{proc.pid}-users"
    foreign.mkdir()
    (foreign / "data.csv").write_text("a\n")
    assert sorted(clean_stale_temp(db)) == sorted([left, unmarked])
    assert (foreign / "data.csv").exists()


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (":memory:", None, "in-memory"),
        ("", None, "in-memory"),
        ("  ", None, "in-memory"),
        ("md:x", None, "remote"),
        ("https://example.org/s.duckdb", None, "remote"),
        ("data.csv", b"a,b\n1,2\n", "an existing .csv file is not a store"),
        ("book.xlsx", None, "a .xlsx file is not a store"),
        ("rows.json", None, "not a store"),
        ("empty.duckdb", b"", "empty"),
        ("foreign.duckdb", b"x" * 4096, "not a DuckDB database"),
        ("short.duckdb", b"DUCK", "not a DuckDB database"),
    ],
)
def test_refused_store_paths(
    tmp_path: Path, monkeypatch, name: str, content: bytes | None, fragment: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        Path(name).write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError, match=fragment):
        connect_store(name)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_truncated_store_is_one_line(tmp_path: Path) -> None:
    good = tmp_path / "good.duckdb"
    con = duckdb.connect(str(good))
    con.execute("CREATE TABLE t AS SELECT range AS x FROM range(100000)")
    con.close()
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    with pytest.raises(InputError, match="cannot (open|read) the store") as info:
        verify_store(bad)
    assert "\n" not in str(info.value)
    assert verify_store(good) == good
    assert check_store_path(tmp_path / "new.duckdb") == tmp_path / "new.duckdb"
    assert not (tmp_path / "new.duckdb").exists()  # checking creates nothing


def test_read_only_needs_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no store here"):
        connect_store(tmp_path / "none.duckdb", read_only=True)
    assert not (tmp_path / "none.duckdb").exists()
