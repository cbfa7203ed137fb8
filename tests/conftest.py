"""Shared fixtures. Reference data is third-party and never copied into the repository:
it is found at ../shared/data beside the checkout, or at $INNOVINDEX_REFERENCE_DATA."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_reference_data() -> Path | None:
    env = os.environ.get("INNOVINDEX_REFERENCE_DATA")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data"]
    for c in candidates:
        if (c / "gii").is_dir() and (c / "coinr_asem").is_dir():
            return c
    return None


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """Root of the shared reference data (GII, COINr ASEM, WIPO, patent exports)."""
    found = _find_reference_data()
    if found is None:
        pytest.skip(
            "reference data not found: expected ../shared/data beside the checkout "
            "or $INNOVINDEX_REFERENCE_DATA"
        )
    return found
