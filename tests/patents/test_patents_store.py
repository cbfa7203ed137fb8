"""Acceptance: the store keeps data sets apart, imports are all-or-nothing (also under
SIGKILL), concurrent imports both finish, and temporary files never stay behind."""

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
import pandas as pd
import pyarrow.csv as pacsv
import pytest

from innovindex.cli import main
from innovindex.patents.synthetic import generate_patstat

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _datasets(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT dataset, count(*) FROM patent_applications GROUP BY 1"
        ).fetchall()
        listed = dict(con.execute("SELECT dataset, applications FROM patent_datasets").fetchall())
    finally:
        con.close()
    got = {str(k): int(v) for k, v in rows}
    assert got == listed, "patent_datasets disagrees with the stored rows"
    return got


def _leftovers(folder: Path, db: Path) -> list[str]:
    """Files next to the store that are not the store: its temporary folder
    ``<store>.tmp``, WAL files, and anything of the retired ``.<store>.tmp`` layout."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name.startswith((f"{db.name}.", f".{db.name}")) or p.name.endswith(".wal")
    )


def _only_marked_temp(folder: Path, db: Path) -> None:
    """What a killed import may leave is only in ``<store>.tmp/``, in marked
    ``run-<pid>-...`` folders (or an empty one, killed before its marker was written)."""
    assert not (folder / f".{db.name}.tmp").exists()
    root = folder / f"{db.name}.tmp"
    for sub in root.iterdir() if root.exists() else []:
        assert sub.is_dir() and sub.name.startswith("run-"), sub
        assert (sub / ".innovindex-temp").is_file() or not any(sub.iterdir()), sub


@pytest.fixture(scope="module")
def synthetic_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("syn")
    return [str(p) for p in generate_patstat(4_000, out / "synthetic", seed=11).values()]


def _table(
    db: Path, name: str, out: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> list[dict[str, str]]:
    assert main(["patents", "table", name, "--db", str(db), "--out", str(out), *extra]) == 0, (
        capsys.readouterr().err
    )
    return pacsv.read_csv(out).to_pylist()


def test_second_data_set_needs_a_name_and_tables_never_mix(  # type: ignore[no-untyped-def]
    tmp_path: Path, espacenet_files, synthetic_files, capsys
) -> None:
    esp = [str(f) for f in espacenet_files]
    both, only_esp, only_syn = (
        tmp_path / "both.duckdb",
        tmp_path / "esp.duckdb",
        tmp_path / "syn.duckdb",
    )
    assert main(["patents", "import", "--format", "espacenet", *esp, "--db", str(both)]) == 0
    assert main(["patents", "import", "--format", "espacenet", *esp, "--db", str(only_esp)]) == 0
    assert (
        main(
            [
                "patents",
                "import",
                "--format",
                "patstat",
                *synthetic_files,
                "--db",
                str(only_syn),
                "--dataset",
                "syn",
            ]
        )
        == 0
    )
    capsys.readouterr()
    before = _sha(both)
    # a second data set without --dataset: refused, one line, the store byte for byte unchanged
    code = main(["patents", "import", "--format", "patstat", *synthetic_files, "--db", str(both)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--dataset" in err[0] and "pizza_sliced" in err[0]
    assert _sha(both) == before and _datasets(both) == {"pizza_sliced": 1707}
    assert _leftovers(tmp_path, both) == []
    assert (
        main(
            [
                "patents",
                "import",
                "--format",
                "patstat",
                *synthetic_files,
                "--db",
                str(both),
                "--dataset",
                "syn",
            ]
        )
        == 0
    )
    assert _datasets(both) == {"pizza_sliced": 1707, "syn": 4000}
    # without --dataset the tables refuse (and list the data sets) rather than mix them
    code = main(
        ["patents", "table", "by_office", "--db", str(both), "--out", str(tmp_path / "x.csv")]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "'pizza_sliced', 'syn'" in err[0]
    assert not (tmp_path / "x.csv").exists()
    for name, alone in (("pizza_sliced", only_esp), ("syn", only_syn)):
        for table, extra in (
            ("by_office", []),
            ("by_origin", ["--by", "office"]),
            ("resident", []),
            ("inventor_fractional", []),
        ):
            mixed = _table(both, table, tmp_path / "m.csv", capsys, "--dataset", name, *extra)
            single = _table(alone, table, tmp_path / "s.csv", capsys, *extra)
            # equal, floats up to the order of additions
            pd.testing.assert_frame_equal(
                pd.DataFrame(mixed), pd.DataFrame(single), rtol=1e-12, obj=table
            )
            assert {r["dataset"] for r in mixed} == {name}
            assert {r["synthetic"] for r in mixed} == {name == "syn"}
    total = sum(
        r["applications"]
        for r in _table(both, "by_office", tmp_path / "t.csv", capsys, "--dataset", "syn")
    )
    assert total == 4000


def test_import_into_memory_or_folder_is_refused(tmp_path: Path, espacenet_files, capsys) -> None:  # type: ignore[no-untyped-def]
    for db in (":memory:", ":memory:x", str(tmp_path)):
        code = main(
            ["patents", "import", "--format", "espacenet", str(espacenet_files[0]), "--db", db]
        )
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1, (db, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _import_cmd(db: Path, files: list[str], dataset: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "innovindex",
        "patents",
        "import",
        "--format",
        "patstat",
        *files,
        "--db",
        str(db),
        "--dataset",
        dataset,
    ]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.slow
def test_two_concurrent_imports_both_finish(tmp_path: Path, synthetic_files) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "store.duckdb"
    procs = [
        subprocess.Popen(
            _import_cmd(db, synthetic_files, name),
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err and "Could not set lock" not in err
    assert _datasets(db) == {"first": 4000, "second": 4000}
    assert _leftovers(tmp_path, db) == []


@pytest.mark.slow
def test_killed_imports_leave_the_store_as_it_was_or_complete(
    tmp_path: Path, synthetic_files
) -> None:  # type: ignore[no-untyped-def]
    """20 imports killed (SIGKILL) at random moments: after each, the store opens and holds
    exactly its previous data sets or those plus the new one; the next command removes the
    killed import's temporary files.

    The moments are drawn within the shortest import seen so far (a timing run first, then
    every import that finished), so a machine whose load changes during the test still
    gets its kills; rounds continue until 20 kills (at most 60 rounds)."""
    rng = random.Random(20261201)
    db = tmp_path / "store.duckdb"
    assert (
        subprocess.run(
            _import_cmd(db, synthetic_files, "base"), env=_env(), capture_output=True
        ).returncode
        == 0
    )
    t0 = time.monotonic()
    full = subprocess.run(
        _import_cmd(db, synthetic_files, "timing"), env=_env(), capture_output=True
    )
    duration = time.monotonic() - t0
    assert full.returncode == 0
    expected = {"base": 4000, "timing": 4000}
    kills = completed = leftovers_seen = 0
    for i in range(60):
        if kills >= 20:
            break
        before = _sha(db)
        started = time.monotonic()
        proc = subprocess.Popen(
            _import_cmd(db, synthetic_files, f"k{i}"),
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, max(0.3, duration * 0.95)))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        elif proc.returncode == 0:
            duration = min(duration, time.monotonic() - started)
        proc.wait(timeout=120)
        got = _datasets(db)  # openable, and consistent with patent_datasets
        if proc.returncode == 0 or got.get(f"k{i}") == 4000:
            expected[f"k{i}"] = 4000
            completed += 1
        else:
            assert _sha(db) == before, f"round {i}: a killed import changed the store"
        assert got == expected, f"round {i}"
        leftovers_seen += bool(_leftovers(tmp_path, db))
        _only_marked_temp(tmp_path, db)
    # the next command on the store sweeps what killed imports left behind
    assert (
        main(
            [
                "patents",
                "table",
                "by_office",
                "--db",
                str(db),
                "--dataset",
                "base",
                "--out",
                str(tmp_path / "t.csv"),
            ]
        )
        == 0
    )
    assert _leftovers(tmp_path, db) == []
    print(
        f"kill test: {kills} imports killed, {completed} completed, "
        f"{leftovers_seen} rounds left temporary files (all swept); store size {db.stat().st_size} bytes"
    )
    assert kills >= 20


def test_a_users_file_in_the_temporary_folder_survives_imports_and_sweeps(
    tmp_path: Path, espacenet_files, capsys
) -> None:  # type: ignore[no-untyped-def]
    """Only what innovindex marked as its own is ever removed from ``<store>.tmp/``: a
    user's file, a folder named like the retired ``<pid>-<random>`` layout and an unmarked,
    non-empty ``run-<dead pid>-...`` folder all survive an import, a table (which sweeps
    killed imports' leftovers) and an explicit sweep; a marked folder of a dead process
    goes."""
    from innovindex.dbfile import clean_stale_temp

    db = tmp_path / "store.duckdb"
    root = tmp_path / "store.duckdb.tmp"
    dead = _dead_pid()
    mine = [root / "notes.txt", root / f"{dead}-abcd" / "x.txt", root / f"run-{dead}-1" / "y"]
    for f in mine:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("the user's")
    stale = root / f"run-{dead}-2"
    stale.mkdir()
    (stale / ".innovindex-temp").write_text(f"{dead}\n")
    (stale / "part.parquet").write_bytes(b"partial")
    esp = str(espacenet_files[0])
    assert main(["patents", "import", "--format", "espacenet", esp, "--db", str(db)]) == 0
    assert not stale.exists()  # the import swept the killed process's folder first
    _table(db, "by_office", tmp_path / "t.csv", capsys)
    assert clean_stale_temp(db) == []
    assert all(f.read_text() == "the user's" for f in mine)
    assert sorted(p.name for p in root.iterdir()) == sorted(
        ["notes.txt", f"{dead}-abcd", f"run-{dead}-1"]
    )  # and nothing of innovindex's own is left
    assert not (tmp_path / ".store.duckdb.tmp").exists()


def _dead_pid() -> int:
    """The id of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_held_lock_makes_the_import_wait_then_give_up_in_one_line(
    tmp_path: Path, espacenet_files
) -> None:  # type: ignore[no-untyped-def]
    """Another process holds the store: the import says once that it waits, then gives up
    after --wait seconds with one error line, the store unchanged."""
    db = tmp_path / "store.duckdb"
    assert (
        main(
            ["patents", "import", "--format", "espacenet", str(espacenet_files[0]), "--db", str(db)]
        )
        == 0
    )
    before = _sha(db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        cmd = [
            "patents",
            "import",
            "--format",
            "espacenet",
            str(espacenet_files[1]),
            "--db",
            str(db),
            "--dataset",
            "second",
            "--wait",
            "1",
        ]
        t0 = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "innovindex", *cmd],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        waited = time.monotonic() - t0
    finally:
        holder.kill()
        holder.wait()
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert (
        len(lines) == 2
        and lines[0].startswith("waiting for the store lock held by another innovindex process")
        and lines[1].startswith("error: ")
    )
    assert "gave up after 1 s" in lines[1]
    assert waited >= 1.0
    assert _sha(db) == before and _leftovers(tmp_path, db) == []
