"""The per-application summary an import stores (patents/summary.py): what it holds is
right (against pandas, computed from the stored party rows), it stays in step with its
data sets (replace, several data sets, a store written before it existed), and every
indicator is the same with it, without it, and from an exported Parquet folder."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from innovindex.errors import DataWarning, InputError
from innovindex.patents.backends import session
from innovindex.patents.concordance import Concordance
from innovindex.patents.export import export_parquet
from innovindex.patents.facts import TABLE_FACTS
from innovindex.patents.store import import_files
from innovindex.patents.summary import SUMMARY_FILE, SUMMARY_TABLE
from innovindex.patents.synthetic import generate_patstat
from innovindex.patents.tables import build_table


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, espacenet_files: list[Path]) -> Path:
    root = tmp_path_factory.mktemp("summary")
    syn = [str(p) for p in generate_patstat(3_000, root / "syn", seed=5).values()]
    db = root / "two.duckdb"
    import_files(db, "espacenet", espacenet_files, dataset="esp")
    import_files(db, "patstat", syn, dataset="syn")
    return db


def _oracle(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Origin and counts per stored application, in pandas from the raw stored rows."""
    apps = con.execute("SELECT appln_key, dataset FROM patent_applications").df()
    p = con.execute("SELECT appln_key, role, sequence, country, name FROM patent_parties").df()
    first = p[p.sequence == 1]

    def first_country(role: str) -> pd.Series:
        return first[first.role == role].set_index("appln_key")["country"]

    inv = p[p.role == "inventor"]
    app = p[(p.role == "applicant") & p.name.notna()]
    out = apps.set_index("appln_key")
    origin = out.index.map(first_country("applicant")).to_series(index=out.index)
    origin = origin.fillna(out.index.to_series().map(first_country("inventor")))
    out["origin"] = origin.fillna("unknown")
    out["inventors"] = inv.groupby("appln_key").size().reindex(out.index, fill_value=0)
    known = inv[inv.country.notna()].groupby("appln_key").size()
    out["known_inventors"] = known.reindex(out.index, fill_value=0)
    out["applicants"] = app.groupby("appln_key").size().reindex(out.index, fill_value=0)
    return out.reset_index().sort_values("appln_key").reset_index(drop=True)


def _stored(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    s = con.execute(
        f"SELECT appln_key, dataset, origin, inventors, known_inventors, applicants "
        f"FROM {SUMMARY_TABLE} ORDER BY appln_key"
    ).df()
    return s.astype({c: "int64" for c in ("inventors", "known_inventors", "applicants")})


def _check_summary(db: Path) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored, oracle = _stored(con), _oracle(con)
    finally:
        con.close()
    assert len(stored) == len(oracle), "one summary row per stored application"
    pd.testing.assert_frame_equal(
        stored, oracle[list(stored.columns)].astype(stored.dtypes.to_dict()), check_dtype=False
    )
    return stored


def test_the_stored_summary_is_what_pandas_computes_from_the_party_rows(store: Path) -> None:
    s = _check_summary(store)
    assert set(s.dataset) == {"esp", "syn"}
    # the synthetic set has applications with several inventors and unknown residences
    assert (s.inventors > s.known_inventors).any() and (s.inventors > 1).any()


def _all_tables(
    db: Path, dataset: str, conc: Concordance, **where: Path
) -> dict[str, pd.DataFrame]:
    out = {}
    kw = {"parquet_dir": where["parquet"]} if "parquet" in where else {"db": db}
    with session("duckdb", concordance=conc.table, dataset=dataset, **kw) as t:  # type: ignore[arg-type]
        for name in TABLE_FACTS:
            out[name] = build_table(name, t).to_pandas()
    return out


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert len(a[name]) > 0, name
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=False, rtol=1e-9, obj=name)


def test_every_indicator_is_the_same_with_the_summary_without_it_and_from_parquet(
    store: Path, tmp_path: Path, concordance: Concordance
) -> None:
    bare = tmp_path / "bare.duckdb"
    shutil.copyfile(store, bare)
    con = duckdb.connect(str(bare))
    con.execute(f"DROP TABLE {SUMMARY_TABLE}")
    con.close()
    for dataset in ("esp", "syn"):
        with_summary = _all_tables(store, dataset, concordance)
        _same(with_summary, _all_tables(bare, dataset, concordance))
        folder = export_parquet(store, tmp_path / dataset, dataset=dataset)
        assert (folder / SUMMARY_FILE).is_file()
        _same(with_summary, _all_tables(store, dataset, concordance, parquet=folder))


def test_replacing_a_data_set_and_importing_into_an_earlier_store_keep_it_complete(
    store: Path, tmp_path: Path, espacenet_files: list[Path]
) -> None:
    db = tmp_path / "old.duckdb"
    shutil.copyfile(store, db)
    con = duckdb.connect(str(db))
    con.execute(f"DROP TABLE {SUMMARY_TABLE}")  # as a store written before the summary
    con.close()
    syn = [str(p) for p in generate_patstat(500, tmp_path / "more", seed=8).values()]
    import_files(db, "patstat", syn, dataset="more")  # fills it for every data set
    assert set(_check_summary(db).dataset) == {"esp", "syn", "more"}
    import_files(db, "espacenet", espacenet_files[:2], dataset="esp", replace=True)
    s = _check_summary(db)
    con = duckdb.connect(str(db), read_only=True)
    n_esp = con.execute(
        "SELECT count(*) FROM patent_applications WHERE dataset = 'esp'"
    ).fetchall()[0][0]
    con.close()
    assert (s.dataset == "esp").sum() == n_esp < 1_707  # only the replaced set's rows


def _shift_keys(db: Path, dataset: str, by: int) -> None:
    """What a program that does not maintain the summary does to it: the data set's
    records get new keys (as a replace by an earlier innovindex would give them)."""
    con = duckdb.connect(str(db))
    for table in ("applications", "classifications", "parties"):
        con.execute(
            f"UPDATE patent_{table} SET appln_key = appln_key + {by} WHERE dataset = ?", [dataset]
        )
    con.close()


def test_a_summary_that_no_longer_matches_is_not_used_and_the_next_import_rebuilds_it(
    store: Path, tmp_path: Path, concordance: Concordance
) -> None:
    expected = _all_tables(store, "syn", concordance)
    db = tmp_path / "changed.duckdb"
    shutil.copyfile(store, db)
    _shift_keys(db, "syn", 10_000_000)  # stale: the summary names keys that are gone
    con = duckdb.connect(str(db))
    con.execute(f"DELETE FROM {SUMMARY_TABLE} WHERE dataset = 'esp' AND appln_key % 7 = 0")
    con.close()
    for dataset in ("syn", "esp"):
        with pytest.warns(DataWarning, match=f"summary of data set '{dataset}' does not match"):
            got = _all_tables(db, dataset, concordance)
        if dataset == "syn":
            _same(expected, got)
    more = [str(p) for p in generate_patstat(300, tmp_path / "more", seed=3).values()]
    import_files(db, "patstat", more, dataset="more")
    assert set(_check_summary(db).dataset) == {"esp", "syn", "more"}  # rebuilt, as pandas says
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", DataWarning)
        _same(expected, _all_tables(db, "syn", concordance))
    assert not [w for w in seen if issubclass(w.category, DataWarning)]  # none once rebuilt


def test_an_edited_parquet_folder_does_not_use_its_old_summary(
    store: Path, tmp_path: Path, concordance: Concordance
) -> None:
    folder = export_parquet(store, tmp_path / "pq", dataset="esp")
    apps = pq.read_table(folder / "applications.parquet")
    recent = apps.filter(pc.greater_equal(apps["filing_year"], 2010))
    assert 0 < recent.num_rows < apps.num_rows
    pq.write_table(recent, folder / "applications.parquet")
    with pytest.warns(DataWarning, match="does not match its applications"):
        got = _all_tables(store, "esp", concordance, parquet=folder)
    (folder / SUMMARY_FILE).unlink()
    _same(_all_tables(store, "esp", concordance, parquet=folder), got)
    years = got["by_office"]["filing_year"].dropna()
    assert len(years) and years.min() >= 2010


def test_an_export_of_a_store_with_several_data_sets_must_name_one(
    store: Path, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="several patent data sets"):
        export_parquet(store, tmp_path / "all")
    assert not (tmp_path / "all").exists()


def test_changing_a_data_set_removes_its_derived_applicant_mapping(
    store: Path, tmp_path: Path, espacenet_files: list[Path]
) -> None:
    from innovindex.firms.store import harmonise_store

    db = tmp_path / "mapped.duckdb"
    shutil.copyfile(store, db)
    harmonise_store(db, dataset="esp")
    harmonise_store(db, dataset="syn")

    def mapped() -> dict[str, int]:
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute("SELECT dataset, count(*) FROM firm_applicants GROUP BY 1").fetchall()
        con.close()
        return {str(k): int(v) for k, v in rows}

    assert set(mapped()) == {"esp", "syn"}
    with pytest.warns(DataWarning, match="data set 'esp' changed.*firm_applicants"):
        import_files(db, "espacenet", espacenet_files[:1], dataset="esp", replace=True)
    assert set(mapped()) == {"syn"}  # the other data set's mapping stays
