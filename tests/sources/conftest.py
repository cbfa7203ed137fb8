"""Connector tests: stored response bodies, transport mocked with `responses`, no network.

Every test here runs with the base URLs pointed at fake hosts (``*.test``), a fresh
response cache in tmp_path, and the retry backoff sleep recorded instead of slept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import responses

BODIES = Path(__file__).parent / "bodies"
WB = "http://wb.test/v2"
OECD = "http://oecd.test/rest"
ESTAT = "http://estat.test/sdmx/2.1"
UIS = "http://uis.test/api/public"


def body(name: str) -> bytes:
    """A stored response body."""
    return (BODIES / name).read_bytes()


@pytest.fixture(autouse=True)
def _offline_world(monkeypatch, tmp_path):
    monkeypatch.setenv("INNOVINDEX_WORLDBANK_URL", WB)
    monkeypatch.setenv("INNOVINDEX_OECD_URL", OECD)
    monkeypatch.setenv("INNOVINDEX_EUROSTAT_URL", ESTAT)
    monkeypatch.setenv("INNOVINDEX_UIS_URL", UIS)
    monkeypatch.setenv("INNOVINDEX_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The backoff waits asked for (nothing is slept)."""
    from innovindex.sources import _http

    waits: list[float] = []
    monkeypatch.setattr(_http, "_sleep", waits.append)
    return waits


@pytest.fixture
def mocked(sleeps):
    """A `responses` mock that fails a test on any unmatched request."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rs:
        yield rs


def run(args: list[Any], capsys) -> tuple[int, str, str]:
    """Run the CLI; return exit status, stdout and stderr."""
    from innovindex.cli import main

    code = main([str(a) for a in args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def wb_page(
    code: str,
    name: str,
    obs: list[tuple[str, str, int, float | None]],
    *,
    page: int = 1,
    pages: int = 1,
    lastupdated: str = "2025-07-01",
) -> bytes:
    """A World Bank API v2 indicator page: [header, observations] (iso3, name, year, value)."""
    header = {
        "page": page,
        "pages": pages,
        "per_page": 1000,
        "total": len(obs),
        "sourceid": "2",
        "sourceName": "World Development Indicators",
        "lastupdated": lastupdated,
    }
    rows = [
        {
            "indicator": {"id": code, "value": name},
            "country": {"id": iso[:2], "value": cname},
            "countryiso3code": iso,
            "date": str(year),
            "value": value,
            "unit": "",
            "obs_status": "",
            "decimal": 0,
        }
        for iso, cname, year, value in obs
    ]
    return json.dumps([header, rows]).encode()


def add_wb_country(rs) -> None:
    rs.get(f"{WB}/country", body=body("wb_country.json"), content_type="application/json")
