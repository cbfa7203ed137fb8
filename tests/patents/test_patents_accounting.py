"""Acceptance: Lens and PATENTSCOPE exports import with imported + rejected == read, where
`read` is checked against an independent count of data rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innovindex.patents.importers import run_import

CASES = [
    ("lens", "lens_pizza_1000/pizza_lens_1000_raw.csv", 1000),
    ("patentscope", "patentscope_pizza_medium/pizza_medium.csv", 10000),
]


@pytest.mark.parametrize(("fmt", "rel", "rows"), CASES)
def test_every_row_accounted_for(patents_dir: Path, fmt: str, rel: str, rows: int) -> None:
    path = patents_dir / rel
    independent = len(pd.read_csv(path, encoding="mac_roman", dtype=str, keep_default_na=False))
    assert independent == rows
    r = run_import(fmt, [path])
    assert r.read == independent
    assert r.imported + r.rejected == r.read
    assert r.applications.num_rows == r.imported
    assert len(r.applications["appln_id"].unique()) == r.imported
    rejected_lines = [i.line for i in r.issues if i.action == "row rejected"]
    assert len(rejected_lines) == r.rejected
    assert all(isinstance(x, int) and x > 1 for x in rejected_lines)


def test_patentscope_duplicates_are_rejected_with_line_numbers(patents_dir: Path) -> None:
    path = patents_dir / "patentscope_pizza_medium/pizza_medium.csv"
    df = pd.read_csv(path, encoding="mac_roman", dtype=str, keep_default_na=False)
    dups = int(df["Publication Number"].str.upper().duplicated().sum())
    r = run_import("patentscope", [path])
    assert r.rejected == dups > 0
    assert all(
        "duplicate application id" in i.reason for i in r.issues if i.action == "row rejected"
    )


def test_lens_offices_match_jurisdiction_column(patents_dir: Path) -> None:
    path = patents_dir / "lens_pizza_1000/pizza_lens_1000_raw.csv"
    df = pd.read_csv(path, encoding="mac_roman", dtype=str, keep_default_na=False)
    r = run_import("lens", [path])
    got = r.applications.to_pandas()["office"].value_counts().sort_index()
    exp = df["Jurisdiction"].value_counts().sort_index()
    if r.rejected == 0:
        pd.testing.assert_series_equal(got, exp, check_names=False)
    assert got["US"] == 467
