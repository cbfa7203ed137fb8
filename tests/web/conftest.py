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


@pytest.fixture(scope="session")
def demo_audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An `innovindex audit` output folder for the demo store's data in 2023 (20 replications)."""
    from innovindex.cli import main
    from innovindex.demo.world import demo_world

    root = tmp_path_factory.mktemp("web-audit")
    data = root / "idata.csv"
    demo_world(seed=7, n_units=24, years=range(2019, 2024)).to_csv(data, index=False)
    spec = root / "spec.yaml"
    spec.write_text(
        "seed: 1\nassumptions:\n  winmax: {values: [1, 3, 5]}\n"
        "  weights: {noise: 0.25, levels: [2, 3], sets: 10}\n",
        encoding="utf-8",
    )
    out = root / "audit"
    rc = main(
        ["audit", "--data", str(data), "--framework", "gii2019", "--uncertainty", str(spec),
         "--n", "20", "--time", "2023", "--out", str(out), "--no-png"]
    )  # fmt: skip
    assert rc == 0
    return out


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
