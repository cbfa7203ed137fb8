"""Fixtures of the patent tests: the raw Espacenet export, the WIPO concordance, engines."""

from __future__ import annotations

from pathlib import Path

import ibis
import pyarrow as pa
import pytest

from innovindex.patents.concordance import Concordance, load_concordance
from innovindex.patents.importers import ImportResult, run_import
from innovindex.patents.queries import PatentTables, concordance_table
from innovindex.patents.schema import SCHEMAS, TABLE_NAMES


@pytest.fixture(scope="session")
def patents_dir(reference_data: Path) -> Path:
    return reference_data / "patents"


@pytest.fixture(scope="session")
def espacenet_files(patents_dir: Path) -> list[Path]:
    files = sorted((patents_dir / "espacenet_pizza_2000_2014").glob("pizza_sliced_2*.csv"))
    assert len(files) == 5, "the five raw Espacenet files are expected"
    return files


@pytest.fixture(scope="session")
def concordance_path(reference_data: Path) -> Path:
    return reference_data / "wipo" / "ipc_technology_concordance.csv"


@pytest.fixture(scope="session")
def concordance(concordance_path: Path) -> Concordance:
    return load_concordance(concordance_path)


@pytest.fixture(scope="session")
def espacenet(espacenet_files: list[Path]) -> ImportResult:
    return run_import("espacenet", espacenet_files)


def _duckdb_tables(result: ImportResult, concordance: Concordance) -> PatentTables:
    con = ibis.duckdb.connect()
    t = {n: con.create_table(TABLE_NAMES[n], getattr(result, n)) for n in SCHEMAS}
    return PatentTables(
        t["applications"], t["classifications"], t["parties"], concordance_table(concordance.table)
    )


def _write_parquet(result: ImportResult, out: Path) -> Path:
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    for n in SCHEMAS:
        table: pa.Table = getattr(result, n)
        pq.write_table(table, out / f"{n}.parquet")
    return out


@pytest.fixture(scope="session")
def duckdb_tables():  # type: ignore[no-untyped-def]
    """Function: ImportResult, Concordance -> PatentTables in a fresh in-memory DuckDB."""
    return _duckdb_tables


@pytest.fixture(scope="session")
def write_parquet():  # type: ignore[no-untyped-def]
    """Function: ImportResult, directory -> directory of canonical Parquet files."""
    return _write_parquet


@pytest.fixture(scope="session")
def esp_tables(espacenet: ImportResult, concordance: Concordance) -> PatentTables:
    return _duckdb_tables(espacenet, concordance)


@pytest.fixture(scope="session")
def spark_session():  # type: ignore[no-untyped-def]
    """ONE local SparkSession for the whole test session."""
    from innovindex.patents.backends import local_spark_session

    session = local_spark_session("innovindex-tests", partitions=2)
    yield session
    session.stop()


# Ibis 12's DuckDB backend still calls DuckDB 2.0's deprecated fetch_arrow_table() (in
# get_schema); a third-party deprecation we cannot fix here, ignored for these tests only.
# Likewise Ibis's pandas conversion (used by its PySpark backend) reads pandas 3's deprecated
# 'future.infer_string' option.
_IBIS_DUCKDB_DEPRECATION = "ignore:fetch_arrow_table\\(\\) is deprecated:DeprecationWarning"
_IBIS_PANDAS_DEPRECATION = (
    "ignore:The 'future.infer_string' option is deprecated:pandas.errors.Pandas4Warning"
)


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.filterwarnings(_IBIS_DUCKDB_DEPRECATION))
            item.add_marker(pytest.mark.filterwarnings(_IBIS_PANDAS_DEPRECATION))
