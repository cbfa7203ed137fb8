"""Fixtures of the web tests: a small SYNTHETIC store, the real GII panel imported as
published results, and an HTTP client on the app (FastAPI's TestClient)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TOKEN = "test-token-0123456789"


def _build_demo(db: Path, n_units: int = 24, years: range = range(2019, 2024)) -> str:
    from innovindex.building import build_panel
    from innovindex.demo.world import demo_world
    from innovindex.framework import Framework
    from innovindex.store import record_build

    fw = Framework.builtin("gii2019")
    world = demo_world(seed=7, n_units=n_units, years=years, framework=fw)
    panel = build_panel(world, fw)
    return record_build(db, panel, label="demo", synthetic=True, seed=7)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store with one synthetic build of 24 economies over 5 years: (path, run id)."""
    db = tmp_path_factory.mktemp("web-demo") / "store.duckdb"
    return db, _build_demo(db)


@pytest.fixture(scope="session")
def gii_store(tmp_path_factory: pytest.TempPathFactory, reference_data: Path) -> tuple[Path, str]:
    """The real GII panel 2011-2022 imported as published results: (path, run id)."""
    from innovindex.errors import DataWarning
    from innovindex.monitor import import_results

    db = tmp_path_factory.mktemp("web-gii") / "store.duckdb"
    src = reference_data / "gii" / "gii_pillars_overall_2011_2022_panel.csv"
    with warnings.catch_warnings():
        # The published file breaks the aggregation identity in a few 2011-12 rows (rounding).
        warnings.simplefilter("ignore", DataWarning)
        run_id = import_results(src, framework="gii2019", db=db, time_column="Year")
    return db, run_id


def make_client(db: Path, *, raise_server_exceptions: bool = True, **kwargs: Any) -> Any:
    """A TestClient on a fresh app (Starlette warns that its client wants httpx2: not ours)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient
    from innovindex.web.app import create_app

    return TestClient(create_app(db, **kwargs), raise_server_exceptions=raise_server_exceptions)


@pytest.fixture
def client(demo_store: tuple[Path, str]) -> Iterator[Any]:
    """A read client on the synthetic store (no token configured)."""
    with make_client(demo_store[0], token="") as c:
        yield c
