"""Locate the shared reference data for benchmarks (same rule as the test fixture)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def reference_data() -> Path:
    """../shared/data beside the checkout, or $INNOVINDEX_REFERENCE_DATA."""
    env = os.environ.get("INNOVINDEX_REFERENCE_DATA")
    for c in ([Path(env)] if env else []) + [
        REPO.parent / "shared" / "data",
        REPO.parent.parent / "shared" / "data",
    ]:
        if (c / "coinr_asem").is_dir():
            return c
    sys.exit(
        "reference data not found: set INNOVINDEX_REFERENCE_DATA or place it at ../shared/data"
    )


def gii2019_idata(root: Path, column: str = "value"):  # type: ignore[no-untyped-def]
    """The GII 2019 indicator table in iData layout, reshaped in memory from the long CSV."""
    import pandas as pd

    long = pd.read_csv(root / "gii" / "gii2019_full_database_long.csv")
    ind = long[long["level"] == "indicator"]
    wide = ind.pivot(index="economy", columns="code", values=column).reset_index()
    wide.columns.name = None
    return wide.rename(columns={"economy": "uCode"}).assign(uName=lambda d: d["uCode"], Time=2019)
