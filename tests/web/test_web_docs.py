"""docs/web.md runs: its `$ innovindex ...` lines and Python blocks, in order, in a fresh
folder (the `text` blocks show the server and curl, which a test cannot leave running)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from innovindex.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_web_guide_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (REPO / "docs" / "web.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(python|console)\n(.*?)```", text, flags=re.S)
    assert [k for k, _ in blocks] == ["console", "python"]
    namespace: dict[str, object] = {}
    for kind, body in blocks:
        if kind == "python":
            exec(compile(body, "docs/web.md", "exec"), namespace)  # noqa: S102 - our own docs
            continue
        for line in body.splitlines():
            if line.startswith("$ innovindex "):
                rc = main(shlex.split(line[len("$ innovindex ") :]))
                assert rc == 0, (line, capsys.readouterr().err)
    for out in (
        "demo/workbook.xlsx",
        "demo/report.html",
        "report-from-python.html",
        "workbook-from-python.xlsx",
    ):
        assert (tmp_path / out).stat().st_size > 10_000, out
