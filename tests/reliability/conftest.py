"""Shared helpers of the reliability tests (issue 8): a tiny valid world written to a temp
folder, and the contract every refusal must meet: exit 2, one stderr line starting
``error:``, no traceback, nothing written, the store unchanged."""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from innovindex.cli import MAX_ERROR_LINE, main

META = pd.DataFrame(
    {
        "Level": [1, 1, 1, 1, 2, 2, 3],
        "iCode": ["a1", "a2", "b1", "b2", "A", "B", "Index"],
        "iName": ["A one", "A two", "B one", "B two", "Pillar A", "Pillar B", "Index"],
        "Direction": [1, -1, 1, 1, 1, 1, 1],
        "Weight": [1, 1, 1, 0.5, 1, 1, 1],
        "Parent": ["A", "A", "B", "B", "Index", "Index", None],
        "Type": ["Indicator"] * 4 + ["Aggregate"] * 3,
    }
)

SPEC = "seed: 1\nassumptions:\n  winmax: {values: [1, 3]}\n  weights: {noise: 0.2, levels: [2]}\n"

ESP_HEADER = (
    "Title,Publication number,Publication date,Inventor(s),Applicant(s),International "
    "classification,Cooperative Patent Classification,Application number,Date of application,"
    "Priority number(s)"
)


def esp_row(appln: str = "US20010001", date: str = "20010105", ipc: str = "A21D13/00") -> str:
    """One Espacenet export row (the flat format the patents importer reads)."""
    return (
        f'PIZZA,US2002001 (A1),01/01/2002,"DOE JOHN [US]","ACME INC [US]",{ipc},,{appln},'
        f"{date},US20000001 20000101"
    )


def make_data(n: int = 8) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uCode": [f"U{i}" for i in range(n)],
            "uName": [f"Unit {i}" for i in range(n)],
            "Time": 2024,
            "a1": [float(i) for i in range(n)],
            "a2": [float(i * i) for i in range(n)],
            "b1": [float(n - i) for i in range(n)],
            "b2": [1.0 + (i % 3) for i in range(n)],
        }
    )


def write_world(root: Path) -> dict[str, Path]:
    """meta.csv, data.csv, pipeline.yaml, spec.yaml and a valid store in ``root``."""
    from innovindex.dbfile import connect_store

    root.mkdir(parents=True, exist_ok=True)
    paths = {
        "dir": root,
        "meta": root / "meta.csv",
        "data": root / "data.csv",
        "pipeline": root / "pipeline.yaml",
        "spec": root / "spec.yaml",
        "store": root / "store.duckdb",
        "esp": root / "esp.csv",
        "out": root / "out",
    }
    META.to_csv(paths["meta"], index=False)
    make_data().to_csv(paths["data"], index=False)
    paths["pipeline"].write_text("treat: {winmax: 5}\nnormalise: {method: minmax}\naggregate: {}\n")
    paths["spec"].write_text(SPEC)
    paths["esp"].write_text("\r".join([ESP_HEADER, esp_row()]), encoding="utf-8")
    con = connect_store(paths["store"])
    con.execute("CREATE TABLE kept AS SELECT 42 AS answer")
    con.close()
    return paths


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    return write_world(tmp_path / "w")


def snapshot(root: Path) -> dict[str, Any]:
    """Every path under ``root`` with its type, size and content hash (symlinks by target)."""
    out: dict[str, Any] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = ("link", str(p.readlink()))
        elif p.is_dir():
            out[rel] = ("dir",)
        else:
            out[rel] = ("file", hashlib.sha256(p.read_bytes()).hexdigest())
    return out


def run_cli(argv: list[Any]) -> tuple[int | None, str, BaseException | None]:
    """Run the CLI in-process: (exit status, stderr, exception that escaped main)."""
    err, out = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main([str(a) for a in argv])
    except BaseException as exc:  # noqa: BLE001 - a traceback is exactly what we count
        return None, err.getvalue(), exc
    return code, err.getvalue(), None


def refusal_problem(code: int | None, err: str, exc: BaseException | None) -> str | None:
    """Why this run is not a clean refusal (None when it is)."""
    if exc is not None:
        return f"traceback: {type(exc).__name__}: {str(exc)[:200]}"
    if "Traceback" in err:
        return "traceback text on stderr"
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("waiting for")]
    if code != 2:
        return f"exit status {code}, expected 2 (stderr {err[:200]!r})"
    if len(lines) != 1 or not lines[0].startswith("error: "):
        return f"expected one 'error:' line, got {len(lines)}: {err[:300]!r}"
    if len(lines[0]) > MAX_ERROR_LINE:
        return f"error line of {len(lines[0])} characters"
    return None


def assert_refused(
    argv: list[Any],
    root: Path,
    fragment: str | None = None,
    *,
    prepare: Callable[[], None] | None = None,
) -> str:
    """Run ``argv``; assert a clean refusal that leaves ``root`` exactly as it was."""
    if prepare is not None:
        prepare()
    before = snapshot(root)
    code, err, exc = run_cli(argv)
    problem = refusal_problem(code, err, exc)
    assert problem is None, f"{argv}: {problem}"
    assert snapshot(root) == before, f"{argv}: something was written or changed"
    if fragment is not None:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    return err


def say(config: pytest.Config, lines: list[str]) -> None:
    """Print figures the issue asks for (fuzz and kill counts) past pytest's capture."""
    capture = config.pluginmanager.getplugin("capturemanager")
    tr = config.pluginmanager.getplugin("terminalreporter")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        for line in lines:
            if tr is not None:
                tr.write_line(line)
            else:  # pragma: no cover - without the terminal reporter
                print(line)
