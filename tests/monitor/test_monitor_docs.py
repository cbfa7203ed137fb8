"""docs/monitor.md runs: its Python blocks and `$ innovindex ...` lines, in order, in a fresh
folder; and the monitor modules' docstring examples."""

from __future__ import annotations

import doctest
import importlib
import re
import shlex
from pathlib import Path

import pytest

from innovindex.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "name", ["innovindex.monitor.changes", "innovindex.monitor.impute", "innovindex.monitor.panel"]
)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(
        importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0 and result.attempted > 0


def test_monitor_guide_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (REPO / "docs" / "monitor.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(python|console)\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 4
    namespace: dict[str, object] = {}
    for kind, body in blocks:
        if kind == "python":
            exec(compile(body, "docs/monitor.md", "exec"), namespace)  # noqa: S102 - our own docs
            continue
        for line in body.splitlines():
            if line.startswith("$ innovindex "):
                rc = main(shlex.split(line[len("$ innovindex ") :]))
                assert rc == 0, (line, capsys.readouterr().err)
