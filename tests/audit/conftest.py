"""Fixtures of the audit tests: COINr's example coin (pipeline B of EXPECTED.md) and its
uncertainty set-up (EXPECTED.md sections C and D)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import innovindex as ii

PIPELINE_B: dict[str, Any] = {
    "denominate": True,
    "impute": {"method": "group_mean", "group": "EurAsia_group"},
    "screen": {"min_availability": 0.9},
    "treat": {"winmax": 5},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic"},
}

COINR_SPEC: dict[str, Any] = {
    "seed": 1,
    "assumptions": {
        "winmax": {"values": [1, 2, 3, 4, 5]},
        "normalise": {
            "values": [
                {"method": "minmax", "range": [1, 100]},
                {"method": "zscore", "mean": 10, "sd": 2},
            ]
        },
        "weights": {"noise": 0.25, "levels": [2, 3], "sets": 100},
        "aggregate": {"values": [{"method": "arithmetic"}, {"method": "geometric"}]},
    },
}


@pytest.fixture(scope="session")
def asem_dir(reference_data: Path) -> Path:
    return reference_data / "coinr_asem"


@pytest.fixture(scope="session")
def asem_framework(asem_dir: Path) -> ii.Framework:
    return ii.Framework.read(asem_dir / "ASEM_iMeta.csv")


@pytest.fixture(scope="session")
def example_coin(asem_dir: Path, asem_framework: ii.Framework) -> ii.Index:
    """COINr's build_example_coin() (pipeline B)."""
    return ii.build(asem_dir / "ASEM_iData.csv", asem_framework, copy.deepcopy(PIPELINE_B))


@pytest.fixture()
def coinr_spec() -> dict[str, Any]:
    return copy.deepcopy(COINR_SPEC)
