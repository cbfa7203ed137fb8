"""The stored applicant mapping travels with a data set exported to Parquet: Spark (which
reads the store through such an export) and DuckDB over ``--parquet`` give the same
enterprise tables as DuckDB over the store, overrides included.

Before the fix the export held only the patent tables, so both paths silently recomputed
the mapping from the raw names and lost the overrides: the merged applicant below and the
sector correction vanished from ``top_applicants`` and ``by_sector``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from innovindex.cli import main
from innovindex.dbfile import connect_store
from innovindex.errors import DataWarning
from innovindex.firms.applicants import STORE_TABLE
from innovindex.firms.store import harmonise_store, stored_mapping
from innovindex.patents.backends import _parquet_label, connect, open_tables, session
from innovindex.patents.concordance import load_concordance
from innovindex.patents.export import SIDE_TABLES, export_parquet
from innovindex.patents.importers import run_import
from innovindex.patents.store import write_import
from innovindex.patents.tables import build_table

sys.path.insert(0, str(Path(__file__).parent))
from test_enterprise_engines import _compare  # noqa: E402

MERGED_ID, MERGED_NAME = "OV-MERGED", "MERGED PIZZA GROUP"
# two unrelated firms of the Espacenet sample merged into one, and a sector correction
OVERRIDES = (
    "raw_name,country,applicant_id,applicant_name,sector\n"
    f"GEN MILLS INC,,{MERGED_ID},{MERGED_NAME},\n"
    f"LITTLE CAESAR ENTPR INC,,{MERGED_ID},{MERGED_NAME},\n"
    "NESTEC SA,,,,nonprofit\n"
)
TABLES = [
    ("top_applicants", {"by": ["office"]}),
    ("top_applicants", {}),
    ("by_sector", {}),
    ("self_reliance_firms", {}),
]


@pytest.fixture
def concordance_file(reference_data: Path) -> Path:
    return reference_data / "wipo" / "ipc_technology_concordance.csv"


@pytest.fixture
def store(tmp_path: Path, reference_data: Path) -> Path:
    """A store with the Espacenet sample as data set ``esp`` and its mapping with overrides."""
    files = sorted(
        (reference_data / "patents" / "espacenet_pizza_2000_2014").glob("pizza_sliced_2*.csv")
    )
    db = tmp_path / "s.duckdb"
    write_import(db, run_import("espacenet", files), dataset="esp", files=files)
    ov = tmp_path / "overrides.csv"
    ov.write_text(OVERRIDES, encoding="utf-8")
    mapping = harmonise_store(db, overrides=ov)
    assert set(mapping.loc[mapping["applicant_id"] == MERGED_ID, "raw_name"]) == {
        "GEN MILLS INC",
        "LITTLE CAESAR ENTPR INC",
    }
    return db


def _tables(engine: str, concordance_file: Path, **where: object) -> dict[str, pa.Table]:
    conc = load_concordance(concordance_file).table
    with session(engine, concordance=conc, **where) as t:  # type: ignore[arg-type]
        return {f"{n} {o}": build_table(n, t, **o).to_pyarrow() for n, o in TABLES}


def _check_override_effect(tables: dict[str, pa.Table]) -> None:
    """The overrides show: the merged firm leads US filings in some year with the two
    firms' applications together, and the corrected firm counts as non-profit."""
    top = tables["top_applicants {'by': ['office']}"].to_pandas()
    merged = top[top["applicant_id"] == MERGED_ID]
    assert len(merged) > 0 and set(merged["applicant_name"]) == {MERGED_NAME}
    assert not top["applicant_name"].isin(["GEN MILLS INC", "LITTLE CAESAR ENTPR INC"]).any()
    sectors = tables["by_sector {}"].to_pandas()
    assert sectors.loc[sectors["sector"] == "nonprofit", "applications_fractional"].sum() > 0


def test_the_export_carries_the_mapping_rows_of_its_data_set(
    store: Path, tmp_path: Path, reference_data: Path
) -> None:
    # a second data set with a mapping of its own: its rows stay out of esp's export
    lens = reference_data / "patents" / "lens_pizza_1000" / "pizza_lens_1000_raw.csv"
    write_import(store, run_import("lens", [lens]), dataset="lens", files=[lens])
    harmonise_store(store, dataset="lens")
    con = connect_store(store, read_only=True)
    try:
        want = con.execute(
            f"SELECT * FROM {STORE_TABLE} WHERE dataset = 'esp' ORDER BY raw_name, country"
        ).df()
        datasets = {r[0] for r in con.execute(f"SELECT dataset FROM {STORE_TABLE}").fetchall()}
    finally:
        con.close()
    assert datasets == {"esp", "lens"}
    out = export_parquet(store, tmp_path / "export", dataset="esp")
    got = pq.read_table(out / f"{STORE_TABLE}.parquet").to_pandas()
    got = got.sort_values(["raw_name", "country"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert STORE_TABLE in SIDE_TABLES  # the firms table is one the export carries


def test_duckdb_over_an_export_uses_the_stored_mapping(
    store: Path, tmp_path: Path, concordance_file: Path
) -> None:
    out = export_parquet(store, tmp_path / "export", dataset="esp")
    from_store = _tables("duckdb", concordance_file, db=store)
    _check_override_effect(from_store)
    from_export = _tables("duckdb", concordance_file, parquet_dir=out)
    for label, table in from_store.items():
        _compare(table, from_export[label], label)
    # and through the CLI: --parquet DIR gives the --db table
    for where, csv in (["--db", str(store)], "db.csv"), (["--parquet", str(out)], "pq.csv"):
        args = ["patents", "table", "top_applicants", *where, "--by", "office"]
        conc = ["--concordance", str(concordance_file)]
        assert main([*args, *conc, "--out", str(tmp_path / csv)]) == 0
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "db.csv"), pd.read_csv(tmp_path / "pq.csv")
    )


def test_an_export_of_a_mapping_without_data_sets_is_ignored_with_a_warning(
    store: Path, tmp_path: Path, concordance_file: Path
) -> None:
    """A ``firm_applicants`` written before mappings recorded their data set: exported as
    it is, and ignored with the store's DataWarning (the names are harmonised afresh)."""
    con = connect_store(store)
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {STORE_TABLE} AS SELECT raw_name, country, "
            f"applicant_id, applicant_name, sector, method, score FROM {STORE_TABLE}"
        )
    finally:
        con.close()
    out = export_parquet(store, tmp_path / "export", dataset="esp")
    with pytest.warns(DataWarning, match="predates data sets"):
        from_export = _tables("duckdb", concordance_file, parquet_dir=out)
    top = from_export["top_applicants {'by': ['office']}"].to_pandas()
    assert MERGED_ID not in set(top["applicant_id"])


@pytest.mark.spark
def test_spark_through_the_store_uses_the_stored_mapping(
    store: Path, concordance_file: Path, spark_session
) -> None:  # type: ignore[no-untyped-def]
    duck = _tables("duckdb", concordance_file, db=store)
    _check_override_effect(duck)
    spark = _tables("spark", concordance_file, db=store, spark=spark_session)
    for label, table in duck.items():
        _compare(table, spark[label], label)


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_folder_without_the_mapping_does_not_see_an_earlier_one(
    store: Path, tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    """Engines keep views between folders (a SparkSession outlives them): a folder without
    ``firm_applicants.parquet`` must not read the view an earlier folder left behind."""
    spark = request.getfixturevalue("spark_session") if engine == "spark" else None
    con = connect(engine, spark=spark)
    with_map = export_parquet(store, tmp_path / "with", dataset="esp")
    without = export_parquet(store, tmp_path / "without", dataset="esp")
    (without / f"{STORE_TABLE}.parquet").unlink()
    label = _parquet_label(with_map, None)
    assert label.name == "esp"
    first = stored_mapping(open_tables(con, None, parquet_dir=with_map, dataset=label))
    assert first is not None and MERGED_ID in set(first.to_pandas()["applicant_id"])
    assert stored_mapping(open_tables(con, None, parquet_dir=without, dataset=label)) is None


def test_out_never_overwrites_the_mapping_of_the_folder_read(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = export_parquet(store, tmp_path / "export", dataset="esp")
    before = (out / f"{STORE_TABLE}.parquet").read_bytes()
    capsys.readouterr()
    args = ["patents", "table", "by_sector", "--parquet", str(out)]
    assert main([*args, "--out", str(out / f"{STORE_TABLE}.parquet")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and STORE_TABLE in err[0]
    assert (out / f"{STORE_TABLE}.parquet").read_bytes() == before
