"""Ctrl-C (SIGINT) during ``patents import``: one ``interrupted`` line, exit status 130 and
the store byte for byte as it was, whichever moment the signal lands (Python code, or a
DuckDB query, where the DuckDB client reports it as ``RuntimeError: Query interrupted``)."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from innovindex.patents.synthetic import generate_patstat

SRC = str(Path(__file__).resolve().parents[2] / "src")
N_APPLICATIONS = 50_000  # a couple of seconds of import, most of it in DuckDB queries


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _import(db: Path, files: list[str], dataset: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "innovindex", "patents", "import", "--format", "patstat"]
    return subprocess.Popen(
        [*cmd, *files, "--db", str(db), "--dataset", dataset],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _datasets(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT dataset FROM patent_datasets").fetchall())
    finally:
        con.close()


@pytest.mark.slow
def test_ctrl_c_during_an_import_is_one_line_exit_130_and_the_store_unchanged(
    tmp_path: Path,
) -> None:
    files = [str(p) for p in generate_patstat(N_APPLICATIONS, tmp_path / "syn", seed=5).values()]
    db = tmp_path / "store.duckdb"
    t0 = time.monotonic()
    base = _import(db, files, "base")
    _out, err = base.communicate(timeout=600)
    duration = time.monotonic() - t0
    assert base.returncode == 0, err
    rng = random.Random(20261202)
    interrupted = 0
    for i in range(6):
        before = _sha(db)
        proc = _import(db, files, f"i{i}")
        # from after start-up (~0.5 s of module imports) to near the end: mostly inside the
        # DuckDB queries that validate and reshape the tables
        time.sleep(rng.uniform(0.45, 0.9) * duration)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=600)
        if proc.returncode == 0:  # finished before the signal arrived
            assert f"i{i}" in _datasets(db)
            continue
        interrupted += 1
        assert proc.returncode == 130, f"round {i}: {err}"
        assert err.splitlines() == ["interrupted (Ctrl-C)"], f"round {i}: {err}"
        assert _sha(db) == before, f"round {i}: an interrupted import changed the store"
        assert f"i{i}" not in _datasets(db)
    assert interrupted >= 4, f"only {interrupted} of 6 imports were interrupted"
