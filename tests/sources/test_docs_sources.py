"""docs/sources.md: its Python blocks and its console blocks not marked `not-run` run, in order,
in one empty folder (the network ones are marked and skipped by design)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from .conftest import run

DOC = Path(__file__).resolve().parents[2] / "docs" / "sources.md"
BLOCK = re.compile(r"(<!-- not-run:[^>]*-->\n)?```(python|console)\n(.*?)```", re.S)


def test_sources_guide_examples_run(tmp_path, monkeypatch, capsys, mocked):
    monkeypatch.chdir(tmp_path)
    text = DOC.read_text(encoding="utf-8")
    ran = {"python": 0, "console": 0}
    namespace: dict[str, object] = {}
    for marker, kind, code in BLOCK.findall(text):
        if marker:
            assert "needs the network" in marker
            continue
        if kind == "python":
            exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
        else:
            for line in code.splitlines():
                assert line.startswith("$ innovindex "), line
                status, _, err = run(shlex.split(line)[2:], capsys)
                assert status == 0, (line, err)
        ran[kind] += 1
    assert ran["python"] >= 3 and ran["console"] >= 2
    assert len(mocked.calls) == 0
    assert (tmp_path / "patents_idata.csv").is_file() and (tmp_path / "wipo.duckdb").is_file()
