"""Kill test (issue 8): builds interrupted with SIGKILL at random points leave every output
folder absent or complete, and the next run removes every temporary folder they left.

Each worker rebuilds into the same two folders: ``keep`` always holds an earlier output (so
kills land during a replacement) and ``fresh`` is removed before each run (so kills land
during a first write). Kill times are drawn from a seeded generator over the span of a full
run measured first, or (every other run) from the moment its temporary output folder
appears, so that many kills land while the outputs are being written and swapped in.
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from innovindex.io.writers import MARKER

from .conftest import META, say

SRC = Path(__file__).resolve().parents[2] / "src"
N_KILLS = int(os.environ.get("INNOVINDEX_KILLS", "50"))
WORKERS = 3
N_UNITS = 400


def _data(n: int) -> pd.DataFrame:
    rng = random.Random(7)
    df = pd.DataFrame({"uCode": [f"U{i:04d}" for i in range(n)], "Time": 2024})
    for code in ("a1", "a2", "b1", "b2"):
        df[code] = [rng.uniform(0, 100) for _ in range(n)]
    return pd.concat([df.assign(Time=t) for t in range(2015, 2025)], ignore_index=True)


def _argv(root: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "innovindex",
        "build",
        "--data",
        str(root / "data.csv"),
        "--meta",
        str(root / "meta.csv"),
        "--out",
        str(out),
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC)}


def complete(out: Path) -> bool:
    """An output folder innovindex finished: its marker lists every file and they are there."""
    record = json.loads((out / MARKER).read_text())
    if record.get("state") != "complete":
        return False
    files = set(record["files"])
    on_disk = {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MARKER
    }
    if files != on_disk or "scores.csv" not in files:
        return False
    json.loads((out / "run.json").read_text())
    return len(pd.read_csv(out / "scores.csv")) == N_UNITS * 10


def _hidden(out: Path) -> bool:
    return any(p.name.startswith(f".{out.name}.") for p in out.parent.iterdir())


def _interrupt(root: Path, out: Path, delay: float, mode: str) -> str:
    """Run a build into ``out`` and SIGKILL it: ``delay`` seconds after the start
    (``mode="any"``) or after its temporary output folder appears (``mode="writing"``)."""
    before = (out / "run.json").read_text() if out.exists() else None
    proc = subprocess.Popen(
        _argv(root, out), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if mode == "writing":
        while proc.poll() is None and not _hidden(out):
            time.sleep(0.002)
    try:
        proc.wait(timeout=delay)
        outcome = "finished before the kill"
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        outcome = "killed"
    if _hidden(out):
        outcome += " while writing"  # its hidden temporary folder is still there
    if not out.exists():
        return f"{outcome}, output absent"
    assert complete(out), f"{out} is neither absent nor complete after a kill at {delay:.2f} s"
    which = "previous" if (out / "run.json").read_text() == before else "new"
    return f"{outcome}, {which} output complete"


@pytest.mark.slow
def test_killed_builds_leave_outputs_absent_or_complete(tmp_path: Path, pytestconfig) -> None:
    META.to_csv(tmp_path / "meta.csv", index=False)
    _data(N_UNITS).to_csv(tmp_path / "data.csv", index=False)
    t0 = time.monotonic()
    subprocess.run(
        _argv(tmp_path, tmp_path / "w0" / "keep"), env=_env(), check=True, capture_output=True
    )
    full = time.monotonic() - t0
    for k in range(1, WORKERS):
        subprocess.run(
            _argv(tmp_path, tmp_path / f"w{k}" / "keep"),
            env=_env(),
            check=True,
            capture_output=True,
        )
    rng = random.Random(2026)
    plans = [
        (
            k % WORKERS,
            "keep" if (k // WORKERS) % 2 == 0 else "fresh",
            *(
                ("any", rng.uniform(0.3 * full, 1.3 * full))
                if k % 2
                else ("writing", rng.uniform(0, 0.8))
            ),
        )
        for k in range(N_KILLS)
    ]
    outcomes: collections.Counter[str] = collections.Counter()

    def worker(w: int) -> list[str]:
        done = []
        for k, which, mode, delay in plans:
            if k != w:
                continue
            out = tmp_path / f"w{w}" / which
            if which == "fresh" and out.exists():
                import shutil

                shutil.rmtree(out)
            done.append(f"{which}: {_interrupt(tmp_path, out, delay, mode)}")
        return done

    with ThreadPoolExecutor(WORKERS) as pool:
        for result in pool.map(worker, range(WORKERS)):
            outcomes.update(result)
    killed = sum(v for k, v in outcomes.items() if ": killed" in k)
    writing = sum(v for k, v in outcomes.items() if "while writing" in k)
    # Leftovers of the killed runs are removed by the next run into the same folder.
    for w in range(WORKERS):
        for which in ("keep", "fresh"):
            subprocess.run(
                _argv(tmp_path, tmp_path / f"w{w}" / which),
                env=_env(),
                check=True,
                capture_output=True,
            )
            assert complete(tmp_path / f"w{w}" / which)
        hidden = [p.name for p in (tmp_path / f"w{w}").iterdir() if p.name.startswith(".")]
        assert hidden == [], f"temporary folders left behind: {hidden}"
    lines = [
        f"kill test: {N_KILLS} interrupted builds ({killed} killed mid-run, {writing} of them "
        f"while writing; a full run took {full:.2f} s alone)"
    ]
    lines += [f"  {k}: {v}" for k, v in sorted(outcomes.items())]
    say(pytestconfig, lines)
    assert sum(outcomes.values()) == N_KILLS
    assert killed >= N_KILLS // 2, "most interruptions must land before the run ends"
