"""Uploads are named as the client sent them: in error lines, warnings and the store.

The server copies each upload into a temporary folder; that path is the server's business and
must not appear in an answer (it tells a client about the server's file system) or in what is
recorded (it means nothing once the folder is gone).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from innovindex.cli import main

from .conftest import TOKEN, _build_demo, make_client

AUTH = {"Authorization": f"Bearer {TOKEN}"}
META = (
    "Level,iCode,iName,Direction,Weight,Parent,Type\n"
    "1,a1,A one,1,1,Index,Indicator\n"
    "1,a2,A two,-1,1,Index,Indicator\n"
    "2,Index,Index,1,1,,Aggregate\n"
)
DATA = "uCode,uName,Time,a1,a2\n" + "".join(
    f"U{i},Unit {i},2024,{i},{(i * 7) % 5}\n" for i in range(6)
)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    _build_demo(db, n_units=12, years=range(2022, 2024))
    return db


def _no_server_path(text: str) -> None:
    assert "innovindex-upload-" not in text and "/tmp" not in text, text


def _post(c: Any, url: str, files: dict, data: dict) -> Any:
    return c.post(url, files=files, data=data, headers=AUTH)


def test_a_bad_build_upload_is_named_as_sent(store: Path) -> None:
    dup = b"uCode,uName,Time\nA,Alpha,2020\nA,Alpha,2020\n"
    with make_client(store, token=TOKEN) as c:
        r = _post(c, "/api/builds", {"data": ("data.csv", dup)}, {"framework": "gii2019"})
        assert r.status_code == 422
        detail = r.json()["detail"]
        assert detail.startswith("data.csv, row 3, column 'uCode': duplicate unit"), detail
        _no_server_path(detail)
        # a bad meta upload too, under a client path whose folder part is dropped
        files = {"data": ("d.csv", DATA.encode()), "meta": ("../conf/meta.csv", b"Level,iCode\n")}
        r = _post(c, "/api/builds", files, {})
        assert r.status_code == 422 and r.json()["detail"].startswith("meta.csv"), r.text
        _no_server_path(r.json()["detail"])


@pytest.mark.parametrize(
    ("body", "form", "needle"),
    [
        (b"Economy;Year;Global Innovation Index\nFrance;2020;50\n", {"time_column": "Edition"},
         "gii.csv: no time column 'Edition'"),
        (b"Economy;Year;Global Innovation Index\nFrance;twenty;50\n", {"time_column": "Year"},
         "gii.csv, row 2, column 'Year'"),
        (b"\xff\xfe\x00garbage\x00", {"time": 2020}, "gii.csv"),
    ],
)  # fmt: skip
def test_a_bad_results_upload_is_named_as_sent(store: Path, body, form, needle) -> None:
    with make_client(store, token=TOKEN) as c:
        r = _post(c, "/api/results", {"file": ("gii.csv", body)}, {"framework": "gii2019", **form})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert needle in detail
    _no_server_path(detail)


def test_a_meta_upload_records_the_framework_as_the_upload(
    store: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"data": ("mydata.csv", DATA.encode()), "meta": ("my_meta.csv", META.encode())}
    with make_client(store, token=TOKEN) as c:
        r = _post(c, "/api/builds", files, {"label": "with meta"})
        assert r.status_code == 201, r.text
        run = c.get("/api/runs").json()[0]
    assert run["run_id"] == r.json()["run_id"]
    assert run["framework"] == "upload:my_meta.csv"
    with duckdb.connect(str(store), read_only=True) as con:
        fw, inputs = con.execute(
            "SELECT framework, inputs FROM index_runs WHERE run_id = ?", [run["run_id"]]
        ).fetchone()
    assert fw == "upload:my_meta.csv"
    assert json.loads(inputs)["meta"]["path"] == "upload:my_meta.csv"
    monkeypatch.setenv("COLUMNS", "300")  # a wide table: nothing wrapped
    assert main(["runs", "--db", str(store)]) == 0
    out = capsys.readouterr().out  # (the store itself lives under /tmp in tests)
    assert "upload:my_meta.csv" in out and "innovindex-upload-" not in out


def test_a_results_upload_records_and_warns_with_the_sent_name(store: Path, reference_data) -> None:
    src = reference_data / "gii" / "gii_pillars_overall_2011_2022_panel.csv"
    with make_client(store, token=TOKEN) as c:
        r = _post(
            c,
            "/api/results",
            {"file": ("gii.csv", src.read_bytes())},
            {"framework": "gii2019", "time_column": "Year"},
        )
    assert r.status_code == 201, r.text
    warned = r.json()["warnings"]
    assert warned and all(w.startswith("gii.csv") for w in warned), warned[:2]
    with duckdb.connect(str(store), read_only=True) as con:
        inputs, stored = con.execute(
            "SELECT inputs, warnings FROM index_runs WHERE run_id = ?", [r.json()["run_id"]]
        ).fetchone()
    assert json.loads(inputs)["results"]["path"] == "gii.csv"
    _no_server_path(str(stored))
