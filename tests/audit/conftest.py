"""Fixtures of the audit tests: COINr's example coin (pipeline B of EXPECTED.md) and its
uncertainty set-up (EXPECTED.md sections C and D)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import innovindex as ii
from innovindex.audit.spec import COINR_EXAMPLE_UNCERTAINTY as COINR_SPEC
from innovindex.pipeline import COINR_EXAMPLE_SPEC as PIPELINE_B


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
