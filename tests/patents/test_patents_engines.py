"""Acceptance: DuckDB and Spark (local mode) give identical tables for every indicator, on
the Espacenet sample and on a 100,000-application synthetic set.

"Identical": same columns, types, row order and keys; integers equal exactly; floats equal to
1e-12 relative, or 1e-9 absolute for percentages that are differences of near-equal sums (the
engines add fractional weights in different orders)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from innovindex.patents.backends import connect, open_tables
from innovindex.patents.datasets import Dataset
from innovindex.patents.importers import run_import
from innovindex.patents.queries import release_cache, with_cache
from innovindex.patents.synthetic import generate_patstat
from innovindex.patents.tables import TABLES, build_table

VARIANTS = [(name, {}) for name in TABLES] + [
    ("by_origin", {"by": ["office"]}),
    ("by_field", {"by": ["office", "origin"]}),
    ("by_field", {"by": ["sector"], "year": "priority"}),
    ("inventor_fractional", {"by": ["office"], "years": (2005, 2012)}),
    ("by_office", {"growth": True, "shares": True}),
    ("rta", {"growth": True}),
    # counting conventions (issue 7)
    ("by_field", {"fractional": "symbols"}),
    ("rta", {"fractional": "symbols"}),
    ("self_reliance", {"fractional": "symbols", "key_fields": [16, 18, 20]}),
    ("inventor_fractional", {"unknown_inventors": "ignore", "by": ["office"]}),
    # filters: on a table's own column, or restricting the applications counted
    ("by_office", {"office": ["US", "KR"], "shares": True}),
    ("by_field", {"origin": ["US"]}),
    ("by_field", {"office": ["KR"], "by": ["origin"]}),
    ("rta", {"country": ["US", "DE"]}),
    ("resident", {"country": ["US"], "office": ["US", "EP"]}),
    ("inventor_fractional", {"origin": ["KR"]}),
    ("concentration", {"origin": ["US"]}),
    ("self_reliance", {"country": ["KR"]}),
]
# The 100k set is the one big Spark job: every table once, plus growth and shares.
BASIC = [(name, {}) for name in TABLES] + [("by_office", {"growth": True, "shares": True})]


def _compare(duck: pa.Table, spark: pa.Table, label: str) -> None:
    assert duck.schema.names == spark.schema.names, label
    for f_d, f_s in zip(duck.schema, spark.schema, strict=True):
        assert f_d.type == f_s.type, f"{label}: column {f_d.name} {f_d.type} vs {f_s.type}"
    assert duck.num_rows == spark.num_rows, label
    d, s = duck.to_pandas(), spark.to_pandas()
    floats = [c for c in d.columns if pa.types.is_floating(duck.schema.field(c).type)]
    others = [c for c in d.columns if c not in floats]
    pd.testing.assert_frame_equal(d[others], s[others], obj=label)
    pd.testing.assert_frame_equal(d[floats], s[floats], rtol=1e-12, atol=1e-9, obj=label)


def _all_identical(
    pq_dir: Path, concordance, spark_session, variants=VARIANTS, cached=False
) -> int:  # type: ignore[no-untyped-def]
    label = Dataset("engines", "parquet", False, -1)  # tables then carry dataset/synthetic columns
    duck = open_tables(connect("duckdb"), concordance.table, parquet_dir=pq_dir, dataset=label)
    spark = open_tables(
        connect("spark", spark=spark_session), concordance.table, parquet_dir=pq_dir, dataset=label
    )
    if cached:  # the whole-indicator-set path (materialised origins and field weights)
        duck, spark = with_cache(duck), with_cache(spark)
    rows = 0
    try:
        for name, opts in variants:
            a = build_table(name, duck, **opts).to_pyarrow()
            b = build_table(name, spark, **opts).to_pyarrow()
            _compare(a, b, f"{name} {opts}")
            rows += a.num_rows
    finally:
        release_cache(duck)
        release_cache(spark)
    return rows


def test_cached_and_plain_expressions_agree(esp_tables) -> None:  # type: ignore[no-untyped-def]
    cached = with_cache(esp_tables)
    try:
        for name, opts in VARIANTS:
            a = build_table(name, esp_tables, **opts).to_pyarrow()
            b = build_table(name, cached, **opts).to_pyarrow()
            _compare(a, b, f"cached {name} {opts}")
    finally:
        release_cache(cached)


@pytest.mark.spark
def test_engines_agree_on_espacenet_sample(
    espacenet, concordance, spark_session, write_parquet, tmp_path
):  # type: ignore[no-untyped-def]
    pq_dir = write_parquet(espacenet, tmp_path / "esp")
    assert _all_identical(pq_dir, concordance, spark_session) > 1000


@pytest.mark.spark
@pytest.mark.slow
def test_engines_agree_on_100k_synthetic(concordance, spark_session, write_parquet, tmp_path):  # type: ignore[no-untyped-def]
    files = generate_patstat(100_000, tmp_path / "raw", seed=7)
    result = run_import("patstat", list(files.values()))
    assert result.imported == 100_000
    pq_dir = write_parquet(result, tmp_path / "canon")
    assert _all_identical(pq_dir, concordance, spark_session, BASIC, cached=True) > 5000
