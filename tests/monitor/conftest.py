"""Fixtures of the monitoring tests: the ASEM panel (COINr's example data, read from the shared
reference data at test time) built in both normalisation modes, and stores holding them."""

from __future__ import annotations

from pathlib import Path

import pytest

import innovindex as ii

ARITH = {
    "treat": {"winmax": 5},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic"},
}
# Geometric means need positive values: COINr's convention is min-max onto [1, 100]. In
# reference-year mode later years fall below the reference minimum (that is the point of the
# mode), so the range starts at 20 to keep every normalised value positive on ASEM.
GEO = {
    "treat": {"winmax": 5},
    "normalise": {"method": "minmax", "range": [1, 100]},
    "aggregate": {"method": "geometric"},
}
GEO_REF = {**GEO, "normalise": {"method": "minmax", "range": [20, 100]}}


@pytest.fixture(scope="session")
def asem_files(reference_data: Path) -> dict[str, Path]:
    d = reference_data / "coinr_asem"
    return {
        "panel": d / "ASEM_iData_p.csv",
        "meta": d / "ASEM_iMeta.csv",
        "expected": d / "EXPECTED.md",
    }


@pytest.fixture(scope="session")
def asem_fw(asem_files: dict[str, Path]) -> ii.Framework:
    return ii.Framework.read(asem_files["meta"])


@pytest.fixture(scope="session")
def asem_panels(
    asem_files: dict[str, Path], asem_fw: ii.Framework
) -> dict[tuple[str, int | None], ii.monitor.Panel]:
    """(aggregation, reference year) -> panel, for arithmetic and geometric, both modes."""
    out = {}
    for name, spec, ref in (
        ("arithmetic", ARITH, None),
        ("arithmetic", ARITH, 2018),
        ("geometric", GEO, None),
        ("geometric", GEO_REF, 2018),
    ):
        out[(name, ref)] = ii.panel(asem_files["panel"], asem_fw, spec, reference_year=ref)
    return out


@pytest.fixture(scope="session")
def asem_store(tmp_path_factory: pytest.TempPathFactory, asem_panels: dict) -> tuple[Path, str]:
    """A store holding the arithmetic ASEM panel (default mode); returns (db, run id)."""
    db = tmp_path_factory.mktemp("store") / "asem.duckdb"
    run_id = asem_panels[("arithmetic", None)].record(db, dataset="ASEM_iData_p")
    return db, run_id


@pytest.fixture(scope="session")
def arith() -> dict:
    """COINr's usual treatment, min-max 0-100 and arithmetic means."""
    return ARITH
