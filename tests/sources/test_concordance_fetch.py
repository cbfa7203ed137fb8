"""`innovindex data fetch` without a source still downloads the WIPO concordance (moved from
the patents CLI with the same behaviour); `data fetch concordance` is its explicit name."""

from __future__ import annotations

import pytest

from innovindex.errors import InputError

from .conftest import run


@pytest.fixture
def fake_fetch(monkeypatch):
    calls = []

    def fetch(dest=None):
        calls.append(dest)
        if dest is not None and dest.name == "offline.csv":
            raise InputError(
                "cannot download the concordance from https://www.wipo.int/...: no network"
            )
        return dest or "/cache/innovindex/ipc_technology_concordance.csv"

    monkeypatch.setattr("innovindex.patents.concordance.fetch_concordance", fetch)
    return calls


@pytest.mark.parametrize("argv", [["data", "fetch"], ["data", "fetch", "concordance"]])
def test_default_destination(fake_fetch, capsys, argv):
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert out == "cached /cache/innovindex/ipc_technology_concordance.csv\n"
    assert fake_fetch == [None]


@pytest.mark.parametrize(
    "argv", [["data", "fetch", "--dest"], ["data", "fetch", "concordance", "--dest"]]
)
def test_dest_option(fake_fetch, tmp_path, capsys, argv):
    code, out, _ = run([*argv, tmp_path / "c.csv"], capsys)
    assert code == 0 and out == f"cached {tmp_path / 'c.csv'}\n"
    assert fake_fetch == [tmp_path / "c.csv"]


def test_download_failure_is_one_line(fake_fetch, tmp_path, capsys):
    code, _, err = run(["data", "fetch", "--dest", tmp_path / "offline.csv"], capsys)
    assert code == 2 and err.count("\n") == 1 and "cannot download the concordance" in err
