"""Fixtures of the firm tests: the Espacenet sample and concordance as in tests/patents,
one local SparkSession, and the third-party deprecation filters of the patent tests."""

from __future__ import annotations

from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from innovindex.patents.concordance import Concordance, load_concordance
from innovindex.patents.importers import ImportResult, run_import
from innovindex.patents.queries import PatentTables, concordance_table
from innovindex.patents.schema import SCHEMAS, TABLE_NAMES


@pytest.fixture(scope="session")
def concordance(reference_data: Path) -> Concordance:
    return load_concordance(reference_data / "wipo" / "ipc_technology_concordance.csv")


@pytest.fixture(scope="session")
def espacenet(reference_data: Path) -> ImportResult:
    files = sorted(
        (reference_data / "patents" / "espacenet_pizza_2000_2014").glob("pizza_sliced_2*.csv")
    )
    assert len(files) == 5, "the five raw Espacenet files are expected"
    return run_import("espacenet", files)


def duckdb_tables(result: ImportResult, concordance: Concordance) -> PatentTables:
    con = ibis.duckdb.connect()
    t = {n: con.create_table(TABLE_NAMES[n], getattr(result, n)) for n in SCHEMAS}
    return PatentTables(
        t["applications"], t["classifications"], t["parties"], concordance_table(concordance.table)
    )


def write_parquet(result: ImportResult, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for n in SCHEMAS:
        table: pa.Table = getattr(result, n)
        pq.write_table(table, out / f"{n}.parquet")
    return out


@pytest.fixture(scope="session")
def spark_session():  # type: ignore[no-untyped-def]
    from innovindex.patents.backends import local_spark_session

    session = local_spark_session("innovindex-firm-tests", partitions=2)
    yield session
    session.stop()


_IGNORE = (
    "ignore:fetch_arrow_table\\(\\) is deprecated:DeprecationWarning",
    "ignore:The 'future.infer_string' option is deprecated:pandas.errors.Pandas4Warning",
)


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            for f in _IGNORE:
                item.add_marker(pytest.mark.filterwarnings(f))
