"""Shared fixtures. Reference data is third-party and never copied into the repository: the
tests find it only at ``$INNOVINDEX_REFERENCE_DATA`` (``make test`` sets it to ../shared/data
beside the checkout). Without it, every test that needs it is skipped, and the run ends with
one line saying how many."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV = "INNOVINDEX_REFERENCE_DATA"
_ABSENT = "reference data absent"


def _find_reference_data() -> Path | None:
    env = os.environ.get(ENV)
    if not env:
        return None
    root = Path(env)
    if (root / "gii").is_dir() and (root / "coinr_asem").is_dir():
        return root
    return None


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """Root of the shared reference data (GII, COINr ASEM, WIPO, patent exports)."""
    found = _find_reference_data()
    if found is None:
        where = os.environ.get(ENV)
        why = f"${ENV}={where} has no gii/ and coinr_asem/" if where else f"${ENV} is not set"
        pytest.skip(f"{_ABSENT}: {why}")
    return found


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line counting the tests skipped for want of the reference data."""
    skipped = terminalreporter.stats.get("skipped", [])
    n = sum(1 for rep in skipped if _ABSENT in str(getattr(rep, "longrepr", "")))
    if n:
        terminalreporter.write_line(
            f"{_ABSENT}: {n} tests skipped (set ${ENV} to the shared data folder to run them)"
        )
