"""A bug (an exception that is not the user's bad input) still ends in one line, never a
traceback, with exit status 1 so that it is not mistaken for a refusal of the input (2)."""

from __future__ import annotations

import pytest

import innovindex.building
from innovindex.cli import main


def _boom(*args: object, **kwargs: object) -> None:
    raise KeyError("a bug somewhere")


def test_a_bug_is_one_line_and_exit_1(tiny, capsys, monkeypatch):
    monkeypatch.setattr(innovindex.building, "build_panel", _boom)
    monkeypatch.delenv("INNOVINDEX_DEBUG", raising=False)
    argv = ["build", "--data", str(tiny["data"]), "--meta", str(tiny["meta"]), "--out", "out"]
    code = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith("internal error: KeyError:"), err
    assert "Traceback" not in err[0]


def test_debug_shows_the_traceback(tiny, monkeypatch):
    monkeypatch.setattr(innovindex.building, "build_panel", _boom)
    monkeypatch.setenv("INNOVINDEX_DEBUG", "1")
    argv = ["build", "--data", str(tiny["data"]), "--meta", str(tiny["meta"]), "--out", "out"]
    with pytest.raises(KeyError):
        main(argv)
