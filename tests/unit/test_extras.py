"""A missing optional dependency is one line naming the extra to install, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from innovindex._extras import MissingExtraError, available, ensure, require
from innovindex.cli import main


def _hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``import <module>`` fail as it does when the package is not installed, and forget
    every innovindex module that imported it."""
    for name in list(sys.modules):
        if any(name == m or name.startswith(m + ".") for m in modules) or name.startswith(
            ("innovindex.patents", "innovindex.audit")
        ):
            monkeypatch.delitem(sys.modules, name)
    for m in modules:
        monkeypatch.setitem(sys.modules, m, None)  # import m -> ImportError


def test_patents_without_ibis_say_which_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _hide(monkeypatch, "ibis")
    assert not available("patents")
    export = tmp_path / "export.csv"
    export.write_text("x\n1\n")
    code = main(["patents", "import", "--format", "espacenet", str(export), "--db",
                 str(tmp_path / "s.duckdb")])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err == (
        "error: patents need the 'patents' extra: pip install 'innovindex[patents]' "
        "(missing module 'ibis')"
    )
    with pytest.raises(MissingExtraError) as exc:
        import innovindex.patents.queries  # noqa: F401
    assert isinstance(exc.value, ImportError)


def test_sobol_and_charts_without_the_audit_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "SALib", "plotly")
    with pytest.raises(MissingExtraError, match=r"^Sobol sensitivity needs the 'audit' extra: "
                       r"pip install 'innovindex\[audit\]' \(missing module 'SALib"):  # fmt: skip
        require("SALib.sample.sobol", "audit", "Sobol sensitivity")
    from innovindex.audit.charts import write_chart

    with pytest.raises(MissingExtraError, match=r"charts need the 'audit' extra"):
        write_chart({"data": [], "layout": {}}, Path("."), "x")


def test_installed_extras_pass() -> None:
    ensure("patents", "patents")
    assert require("numpy", "core", "numbers").__name__ == "numpy"
