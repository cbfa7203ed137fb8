"""The REST API, endpoint by endpoint, checked against the store read independently
(DuckDB through innovindex.store, the monitoring API) rather than against the app's own
reader."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from innovindex.store import read_scores

from .conftest import TOKEN, _build_demo, make_client


def _counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall() if r[0].startswith("index_")]
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_runs_lists_the_recorded_run(client: Any, demo_store: tuple[Path, str]) -> None:
    db, run_id = demo_store
    body = client.get("/api/runs").json()
    assert [r["run_id"] for r in body] == [run_id]
    assert body[0]["synthetic"] is True
    assert body[0]["years"] == [2019, 2020, 2021, 2022, 2023]
    assert body[0]["n_units"] == 24


def test_run_detail_by_latest_prefix_and_unknown(client: Any, demo_store: tuple[Path, str]) -> None:
    _, run_id = demo_store
    latest = client.get("/api/runs/latest").json()
    assert latest["run_id"] == run_id
    assert client.get(f"/api/runs/{run_id[:6]}").json()["run_id"] == run_id
    assert latest["headline"] == "GII"
    assert latest["levels"] == [5, 4, 3, 2]
    assert latest["codes"]["3"] == ["1", "2", "3", "4", "5", "6", "7"]
    r = client.get("/api/runs/nosuchrun")
    assert r.status_code == 404
    assert "nosuchrun" in r.json()["detail"] and "\n" not in r.json()["detail"]


def test_scores_equal_the_store(client: Any, demo_store: tuple[Path, str]) -> None:
    db, run_id = demo_store
    body = client.get("/api/runs/latest/scores", params={"level": 3, "time": 2021}).json()
    assert body["time"] == 2021 and body["level"] == 3
    got = pd.DataFrame(body["rows"]).set_index(["uCode", "code"])
    want = read_scores(db, run_id)
    want = want[(want["time"] == 2021) & (want["level"] == 3)].set_index(["uCode", "code"])
    assert len(got) == len(want) == 24 * 7
    pd.testing.assert_series_equal(
        got["score"].sort_index(), want["score"].sort_index(), check_names=False
    )
    assert (got["rank"].sort_index() == want["rank"].sort_index()).all()
    # default year is the latest; ranks of one code run 1..n
    latest = client.get("/api/runs/latest/scores", params={"code": "GII"}).json()
    assert latest["time"] == 2023
    assert sorted(r["rank"] for r in latest["rows"]) == list(range(1, 25))


def test_scores_refuse_unknown_year_level_and_bad_types(client: Any) -> None:
    assert client.get("/api/runs/latest/scores", params={"time": 1999}).status_code == 404
    assert client.get("/api/runs/latest/scores", params={"level": 9}).status_code == 404
    r = client.get("/api/runs/latest/scores", params={"time": "soon"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("query.time:")


def test_timeseries_of_one_unit(client: Any, demo_store: tuple[Path, str]) -> None:
    db, run_id = demo_store
    body = client.get("/api/runs/latest/timeseries", params={"unit": "S003", "code": "GII"}).json()
    want = read_scores(db, run_id, code="GII")
    want = want[want["uCode"] == "S003"].sort_values("time")
    assert [r["time"] for r in body["rows"]] == list(want["time"])
    assert [r["score"] for r in body["rows"]] == pytest.approx(list(want["score"]))
    assert client.get("/api/runs/latest/timeseries", params={"unit": "ZZZ"}).status_code == 404
    assert client.get("/api/runs/latest/timeseries").status_code == 422


def test_profile_matches_the_monitoring_api(client: Any, demo_store: tuple[Path, str]) -> None:
    from innovindex import monitor

    db, run_id = demo_store
    body = client.get("/api/runs/latest/units/S005/profile", params={"time": 2022}).json()
    want = monitor.profile(db, "S005", run=run_id, time=2022)
    head = want[want["code"] == "GII"].iloc[0]
    assert body["headline"]["score"] == pytest.approx(head["score"])
    assert body["headline"]["rank"] == head["rank"]
    flags = want[want["flag"] != ""]
    assert {r["code"] for r in body["strengths"]} == set(
        flags.loc[flags["flag"] == "Strength", "code"]
    )
    assert {r["code"] for r in body["weaknesses"]} == set(
        flags.loc[flags["flag"] == "Weakness", "code"]
    )
    assert [p["code"] for p in body["pillars"]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [p["time"] for p in body["timeseries"]] == [2019, 2020, 2021, 2022, 2023]
    assert client.get("/api/runs/latest/units/NOPE/profile").status_code == 404


def test_explain_adds_up_and_matches_the_monitoring_api(
    client: Any, demo_store: tuple[Path, str]
) -> None:
    from innovindex import monitor

    db, run_id = demo_store
    body = client.get(
        "/api/runs/latest/units/S002/explain", params={"from": 2020, "to": 2023}
    ).json()
    want = monitor.explain(db, "S002", 2020, 2023, run=run_id).summary.iloc[0]
    assert body["from"] == 2020 and body["to"] == 2023
    assert body["change"] == pytest.approx(want["change_abs"])
    total = sum(c["contribution"] for c in body["contributions"])
    assert total + body["residual"] == pytest.approx(body["change"], abs=1e-9)
    assert body["to_rank"] == want["rank_to"]
    # the default compares the latest year with the one before
    default = client.get("/api/runs/latest/units/S002/explain").json()
    assert (default["from"], default["to"]) == (2022, 2023)


def test_framework_tree(client: Any) -> None:
    from innovindex.framework import Framework

    fw = Framework.builtin("gii2019")
    nodes = client.get("/api/runs/latest/framework").json()["nodes"]
    assert len(nodes) == len(fw.indicators) + len(fw.aggregates) + len(fw.ratios)
    by = {n["code"]: n for n in nodes}
    assert by["GII"]["parent"] is None and by["IN"]["parent"] == "GII"
    assert by["1.1.1"]["level"] == 1 and by["1.1.1"]["parent"] == "1.1"


def test_uncertainty_is_404_without_an_audit(client: Any) -> None:
    r = client.get("/api/runs/latest/uncertainty")
    assert r.status_code == 404 and "audit" in r.json()["detail"]


def test_openapi_documents_every_endpoint(client: Any) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) >= {
        "/api/runs", "/api/runs/{run}", "/api/runs/{run}/scores", "/api/runs/{run}/timeseries",
        "/api/runs/{run}/units/{code}/profile", "/api/runs/{run}/units/{code}/explain",
        "/api/runs/{run}/framework", "/api/runs/{run}/uncertainty", "/api/builds", "/api/results",
    }  # fmt: skip


def test_no_path_escape_through_the_run_id(client: Any) -> None:
    for bad in ("..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..", "latest%00"):
        r = client.get(f"/api/runs/{bad}/scores")
        assert r.status_code in (404, 422), bad


# ---------------------------------------------------------------------- writes
def _demo_csv(tmp_path: Path) -> bytes:
    from innovindex.demo.world import demo_world

    df = demo_world(seed=3, n_units=15, years=[2022, 2023])
    return df.to_csv(index=False).encode()


@pytest.fixture
def write_store(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    _build_demo(db, n_units=12, years=range(2022, 2024))
    return db


def test_writes_are_refused_without_a_configured_token(write_store: Path) -> None:
    with make_client(write_store, token="") as c:
        r = c.post("/api/builds", files={"data": ("d.csv", b"x")}, data={"framework": "gii2019"})
    assert r.status_code == 403 and "INNOVINDEX_TOKEN" in r.json()["detail"]


def test_tokenless_and_wrong_token_uploads_get_401(write_store: Path) -> None:
    with make_client(write_store, token=TOKEN) as c:
        r = c.post("/api/builds", files={"data": ("d.csv", b"x")}, data={"framework": "gii2019"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        r = c.post(
            "/api/builds",
            files={"data": ("d.csv", b"x")},
            data={"framework": "gii2019"},
            headers={"Authorization": "Bearer wrong"},
        )
        assert r.status_code == 401
        r = c.post(
            "/api/builds",
            files={"data": ("d.csv", b"x")},
            data={"framework": "gii2019"},
            headers={"Authorization": "Bearer caf\u00e9".encode("latin-1")},
        )
        assert r.status_code == 401


def test_too_large_upload_gets_413_and_writes_nothing(write_store: Path, tmp_path: Path) -> None:
    before = _counts(write_store)
    with make_client(write_store, token=TOKEN, max_upload=10_000) as c:
        r = c.post(
            "/api/builds",
            files={"data": ("d.csv", _demo_csv(tmp_path))},
            data={"framework": "gii2019"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    assert _counts(write_store) == before


def test_malformed_upload_gets_422_with_the_engine_line(write_store: Path) -> None:
    before = _counts(write_store)
    bad = b"uCode,uName,Time\nA,Alpha,2020\n"
    with make_client(write_store, token=TOKEN) as c:
        r = c.post(
            "/api/builds",
            files={"data": ("data.csv", bad)},
            data={"framework": "gii2019"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 422
        detail = r.json()["detail"]
        assert "\n" not in detail and "data" in detail
        r = c.post(
            "/api/builds",
            files={"data": ("data.exe", b"MZ")},
            data={"framework": "gii2019"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 422 and ".csv" in r.json()["detail"]
        r = c.post(
            "/api/builds",
            files={"data": ("data.csv", b"a,b\n1,2\n")},
            data={"framework": "../../etc/passwd"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 422 and "unknown built-in framework" in r.json()["detail"]
    assert _counts(write_store) == before


def test_build_upload_records_a_run(write_store: Path, tmp_path: Path) -> None:
    with make_client(write_store, token=TOKEN) as c:
        r = c.post(
            "/api/builds",
            files={"data": ("../../escape.csv", _demo_csv(tmp_path))},
            data={"framework": "gii2019", "label": "uploaded"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 201, r.text
        made = r.json()
        assert made["years"] == [2022, 2023] and made["n_units"] == 15
        runs = c.get("/api/runs").json()
        assert runs[0]["run_id"] == made["run_id"] and runs[0]["label"] == "uploaded"
        assert c.get("/api/runs/latest/scores", params={"code": "GII"}).json()["time"] == 2023
    assert not (tmp_path.parent / "escape.csv").exists()
    assert not Path("escape.csv").exists()


def test_a_build_failing_midway_leaves_the_store_unchanged(
    write_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import innovindex.store as store

    before = _counts(write_store)
    real = store._units_long

    def broken(*args: Any, **kwargs: Any) -> pd.DataFrame:
        # A column index_units does not have: the INSERT of the last table fails after the
        # runs, scores, indicators and bounds rows were inserted in the same transaction.
        return real(*args, **kwargs).assign(not_a_column=1)

    monkeypatch.setattr(store, "_units_long", broken)
    with make_client(write_store, token=TOKEN, raise_server_exceptions=False) as c:
        r = c.post(
            "/api/builds",
            files={"data": ("data.csv", _demo_csv(tmp_path))},
            data={"framework": "gii2019"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 500 and "\n" not in r.json()["detail"]
        assert len(c.get("/api/runs").json()) == 1
    assert _counts(write_store) == before


def test_results_upload_imports_published_scores(write_store: Path, reference_data: Path) -> None:
    src = reference_data / "gii" / "gii_pillars_overall_2011_2022_panel.csv"
    with make_client(write_store, token=TOKEN) as c:
        r = c.post(
            "/api/results",
            files={"file": ("gii.csv", io.BytesIO(src.read_bytes()))},
            data={"framework": "gii2019", "time_column": "Year"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 201, r.text
        made = r.json()
        assert made["years"] == list(range(2011, 2023))
        assert made["warnings"]  # the 2011-12 rounding rows are reported, not hidden
        # China's rank by GII score in 2022, as SOURCES.md derives it from the same file: 11
        chn = c.get(f"/api/runs/{made['run_id']}/units/CHN/profile", params={"time": 2022}).json()
        assert chn["headline"]["rank"] == 11 and chn["headline"]["score"] == pytest.approx(55.3)
        r = c.post(
            "/api/results",
            files={
                "file": ("gii.csv", b"Economy;Year;Global Innovation Index\nAtlantis;2020;50\n")
            },
            data={"framework": "gii2019", "time_column": "Year"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 422 and "Atlantis" in r.json()["detail"]


def test_malformed_multipart_gets_422(write_store: Path) -> None:
    with make_client(write_store, token=TOKEN) as c:
        r = c.post(
            "/api/builds",
            content=b"--xyz\r\nnot a part\r\n--xyz--\r\n",
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "Content-Type": "multipart/form-data; boundary=xyz",
            },
        )
    assert r.status_code == 422 and "\n" not in r.json()["detail"]


def test_an_empty_store_serves_no_runs(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    with make_client(db, token="") as c:
        assert c.get("/api/runs").json() == []
        r = c.get("/api/runs/latest")
        assert r.status_code == 404 and "no recorded run" in r.json()["detail"]
        page = c.get("/")
        assert page.status_code == 200 and "innovindex demo" in page.text
    assert not db.exists()  # reading never creates the store


def test_dashboard_pages_answer_on_both_stores(client: Any, gii_store: tuple[Path, str]) -> None:
    for path in ("/rankings", "/map", "/economy/S001", "/compare", "/framework", "/runs"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "SYNTHETIC DATA" in r.text
    assert client.get("/economy/NOPE").status_code == 404
    assert client.get("/rankings?year=1900").status_code == 404
    with make_client(gii_store[0], token="") as c:
        for path in (
            "/rankings?year=2011",
            "/map",
            "/economy/IND?year=2015",
            "/compare?units=IND,CHN,BRA",
        ):
            r = c.get(path)
            assert r.status_code == 200, path
            assert "SYNTHETIC DATA" not in r.text


def test_nothing_served_loads_from_another_host(client: Any) -> None:
    # FastAPI's /docs and /redoc would load Swagger UI / ReDoc from a CDN: they are off.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    for path in ("/rankings", "/map", "/economy/S001", "/compare", "/framework", "/runs"):
        html = client.get(path).text
        assert not re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", html), path
