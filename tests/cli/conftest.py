"""A tiny valid framework and data set written to tmp files, for CLI contract tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

META = pd.DataFrame(
    {
        "Level": [1, 1, 1, 1, 2, 2, 3],
        "iCode": ["a1", "a2", "b1", "b2", "A", "B", "Index"],
        "iName": ["A one", "A two", "B one", "B two", "Pillar A", "Pillar B", "Index"],
        "Direction": [1, -1, 1, 1, 1, 1, 1],
        "Weight": [1, 1, 1, 0.5, 1, 1, 1],
        "Parent": ["A", "A", "B", "B", "Index", "Index", None],
        "Type": ["Indicator"] * 4 + ["Aggregate"] * 3,
    }
)


def make_data(n: int = 8) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uCode": [f"U{i}" for i in range(n)],
            "uName": [f"Unit {i}" for i in range(n)],
            "Time": 2024,
            "a1": [float(i) for i in range(n)],
            "a2": [float(i * i) for i in range(n)],
            "b1": [float(n - i) for i in range(n)],
            "b2": [1.0 + (i % 3) for i in range(n)],
        }
    )


@pytest.fixture
def tiny(tmp_path: Path) -> dict:
    meta, data = tmp_path / "meta.csv", tmp_path / "data.csv"
    META.to_csv(meta, index=False)
    make_data().to_csv(data, index=False)
    return {
        "meta": meta,
        "data": data,
        "dir": tmp_path,
        "out": tmp_path / "out",
        "META": META,
        "make_data": make_data,
    }


@pytest.fixture(autouse=True)
def _own_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every CLI test in its own folder: `build` records runs in ./innovindex.duckdb by
    default, which must land in the test's folder, never in the checkout."""
    monkeypatch.chdir(tmp_path)
