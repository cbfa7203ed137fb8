"""Known-answer tests of the conventions on tiny hand-made data (expected values worked out
by hand in the comments), plus IPC normalisation and the synthetic generator."""

from __future__ import annotations

import duckdb
import ibis
import pyarrow as pa
import pytest

from innovindex.errors import SpecError
from innovindex.patents import measures as m
from innovindex.patents import queries as q
from innovindex.patents.concordance import normalise_ipc
from innovindex.patents.importers import run_import
from innovindex.patents.importers._sql import IPC_MACRO
from innovindex.patents.queries import PatentTables, concordance_table
from innovindex.patents.schema import APPLICATIONS, CLASSIFICATIONS, PARTIES
from innovindex.patents.synthetic import generate_patstat


@pytest.fixture(scope="module")
def tiny(concordance) -> PatentTables:  # type: ignore[no-untyped-def]
    # a1 at CN by a CN applicant; a2 at CN by a US applicant; a3 at CN, applicant without
    # country, inventor JP; a4 at US by CN; a5 at EP by DE; a6 at CN in 2021, origin unknown.
    apps = pa.table(
        {
            "appln_id": ["a1", "a2", "a3", "a4", "a5", "a6"],
            "office": ["CN", "CN", "CN", "US", "EP", "CN"],
            "filing_date": [None] * 6,
            "filing_year": [2020, 2020, 2020, 2020, 2020, 2021],
            "priority_year": [2019] * 6,
            "kind": ["A"] * 6,
            "family_id": [None] * 6,
            "granted": [None] * 6,
        },
        schema=APPLICATIONS,
    )
    cls = pa.table(
        {
            "appln_id": ["a1", "a1", "a1", "a2", "a4", "a6"],
            # a1: H04N 5/44 -> field 2, H04N 21/2 -> field 4, H01L 21/00 -> field 8: one third each
            "ipc": [
                "H04N   5/44",
                "H04N  21/20",
                "H01L  21/00",
                "H01L  21/00",
                "A61K  31/00",
                "H01L  33/00",
            ],
            "position": [1, 2, 3, 1, 1, 1],
        },
        schema=CLASSIFICATIONS,
    )
    parties = pa.table(
        {
            "appln_id": ["a1", "a2", "a3", "a3", "a4", "a5", "a1", "a1", "a1"],
            "role": [
                "applicant",
                "applicant",
                "applicant",
                "inventor",
                "applicant",
                "applicant",
                "inventor",
                "inventor",
                "inventor",
            ],
            "sequence": [1, 1, 1, 1, 1, 1, 1, 2, 3],
            "country": ["CN", "US", None, "JP", "CN", "DE", "CN", "CN", "US"],
            "name": ["HUAWEI", "APPLE", "X", "Y", "HUAWEI", "SIEMENS", "I1", "I2", "I3"],
        },
        schema=PARTIES,
    )
    con = ibis.duckdb.connect()
    return PatentTables(
        con.create_table("patent_applications", apps),
        con.create_table("patent_classifications", cls),
        con.create_table("patent_parties", parties),
        concordance_table(concordance.table),
    )


def _df(expr):  # type: ignore[no-untyped-def]
    return expr.to_pyarrow().to_pylist()


def test_origin_falls_back_to_inventor_then_unknown(tiny) -> None:  # type: ignore[no-untyped-def]
    rows = {(r["origin"], r["filing_year"]): r["applications"] for r in _df(q.by_origin(tiny))}
    assert rows == {
        ("CN", 2020): 2,
        ("US", 2020): 1,
        ("JP", 2020): 1,
        ("DE", 2020): 1,
        ("unknown", 2021): 1,
    }


def test_resident_split(tiny) -> None:  # type: ignore[no-untyped-def]
    rows = {(r["country"], r["filing_year"]): r for r in _df(m.resident(tiny))}
    cn = rows[("CN", 2020)]
    # CN 2020: a1 resident, a2 (US) and a3 (JP) non-resident; CN residents filed a4 abroad
    assert (cn["applications"], cn["resident"], cn["non_resident"], cn["abroad"]) == (3, 1, 2, 1)
    assert cn["resident_share"] == pytest.approx(1 / 3)
    cn21 = rows[("CN", 2021)]
    assert (cn21["unknown_origin"], cn21["resident_share"]) == (1, None)
    ep = rows[("EP", 2020)]
    assert (ep["office_type"], ep["resident"], ep["non_resident"]) == ("regional", None, None)
    assert rows[("DE", 2020)]["abroad"] == 1


def test_fractional_fields_and_rta(tiny) -> None:  # type: ignore[no-untyped-def]
    f = {(r["field"], r["filing_year"]): r for r in _df(q.by_field(tiny))}
    assert f[(2, 2020)]["applications_fractional"] == pytest.approx(1 / 3)
    assert f[(8, 2020)]["applications_fractional"] == pytest.approx(1 / 3 + 1)  # a1 third + a2
    assert f[(16, 2020)]["applications"] == 1
    rta = {
        (r["origin"], r["field"]): r["rta"] for r in _df(m.rta(tiny)) if r["filing_year"] == 2020
    }
    # 2020 known origin: CN has a1 (fields 2,4,8 thirds) + a4 (16) = 2; world = 3 classified
    # RTA(CN, 8) = (1/3 / 2) / ((4/3) / 3) = 0.375
    assert rta[("CN", 8)] == pytest.approx(0.375)
    assert rta[("US", 8)] == pytest.approx((1 / 1) / ((4 / 3) / 3))


def test_inventor_fractional_and_hhi(tiny) -> None:  # type: ignore[no-untyped-def]
    inv = {
        (r["country"], r["filing_year"]): r["applications_fractional"]
        for r in _df(q.inventor_fractional(tiny))
    }
    # a1: CN 2/3, US 1/3; a3: JP 1; a2, a4, a5 without inventors -> unknown 3; a6 unknown 1
    assert inv == pytest.approx(
        {
            ("CN", 2020): 2 / 3,
            ("US", 2020): 1 / 3,
            ("JP", 2020): 1.0,
            ("unknown", 2020): 3.0,
            ("unknown", 2021): 1.0,
        }
    )
    h = {(r["office"], r["filing_year"]): r["hhi"] for r in _df(m.concentration(tiny))}
    assert h[("CN", 2020)] == pytest.approx(3 * (1 / 3) ** 2)


def test_growth_fold_and_percent_are_distinct() -> None:
    t = ibis.memtable(
        {
            "office": ["CN", "CN", "CN"],
            "filing_year": [2000, 2001, 2010],
            "applications": [49_000, 60_000, 330_000],
        }
    )
    con = ibis.duckdb.connect()
    rows = con.to_pyarrow(m.growth(t)).to_pylist()
    last = rows[-1]
    assert last["fold_vs_first"] == pytest.approx(330 / 49)  # 6.73-fold
    assert last["increase_pct_vs_first"] == pytest.approx((330 / 49 - 1) * 100)  # +573%
    assert round(last["increase_pct_vs_first"]) == 573
    assert last["cagr_pct_vs_first"] == pytest.approx(((330 / 49) ** 0.1 - 1) * 100)
    assert rows[1]["applications_yoy_pct"] == pytest.approx((60 / 49 - 1) * 100)


def test_self_reliance_key_field(tiny) -> None:  # type: ignore[no-untyped-def]
    rows = {
        (r["country"], r["field"], r["filing_year"]): r
        for r in _df(m.self_reliance(tiny, key_fields=[8]))
    }
    allf = rows[("CN", 0, 2020)]
    assert allf["domestic_share"] == pytest.approx(1 / 3) and allf[
        "foreign_share"
    ] == pytest.approx(2 / 3)
    semi = rows[("CN", 8, 2020)]  # a1 (CN, weight 1/3) + a2 (US, weight 1) at CN
    assert semi["foreign_share"] == pytest.approx(1 / (4 / 3))
    assert ("EP", 0, 2020) not in rows  # regional offices are not national offices


@pytest.mark.parametrize(
    "raw",
    [
        "h04n 5/44",
        "A21D13/00",
        "A61K031426",
        "A23L",
        "A23L1",
        "A23L 1/",
        "G06F 3/0482",
        "A21D 13/00 20060101AFI20120702VHKR",
        "A23C 19/09 (2006.01)",
        "A47J0/01",
        "PIZZA",
        "",
        "B 65 D 85/36",
        "A61K 8/1",
    ],
)
def test_sql_and_python_ipc_normalisers_agree(raw: str) -> None:
    con = duckdb.connect()
    con.execute(IPC_MACRO)
    assert con.execute("SELECT norm_ipc(?)", [raw]).fetchall()[0][0] == normalise_ipc(raw)


def test_main_group_splits(concordance) -> None:  # type: ignore[no-untyped-def]
    assert [concordance.lookup(s) for s in ("H04N 5/44", "H04N 1/00", "H04N 21/20")] == [2, 3, 4]
    assert [concordance.lookup(s) for s in ("A61K 8/02", "A61K 31/00", "A61K 40/00")] == [
        14,
        16,
        13,
    ]
    assert concordance.lookup("H04N") is None  # a split subclass cannot be mapped whole
    assert concordance.fields().num_rows == 35


def test_synthetic_is_seeded_and_shaped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a = generate_patstat(20_000, tmp_path / "a", seed=3)
    b = generate_patstat(20_000, tmp_path / "b", seed=3)
    for k in a:
        assert a[k].read_bytes() == b[k].read_bytes()
    r = run_import("patstat", list(a.values()))
    assert r.read == r.imported == 20_000
    assert 2.5 < r.classifications.num_rows / 20_000 < 3.5
    assert 3.3 < r.parties.num_rows / 20_000 < 4.7


def test_filters_on_own_column_keep_world_relative_measures(tiny) -> None:  # type: ignore[no-untyped-def]
    from innovindex.patents.tables import build_table

    # by_office has an office column: the filter selects rows, shares stay shares of the world
    rows = _df(build_table("by_office", tiny, office=["CN"], shares=True))
    assert [(r["office"], r["filing_year"], r["applications"]) for r in rows] == [
        ("CN", 2020, 3),
        ("CN", 2021, 1),
    ]
    assert rows[0]["applications_share"] == pytest.approx(3 / 5)  # 2020: 5 applications in all
    # rta has an origin column: --origin / --country select rows, RTA still against the world
    full = {
        (r["origin"], r["field"]): r["rta"] for r in _df(m.rta(tiny)) if r["filing_year"] == 2020
    }
    cn = _df(build_table("rta", tiny, country=["CN"]))
    assert {r["origin"] for r in cn} == {"CN"}
    assert {(r["origin"], r["field"]): r["rta"] for r in cn if r["filing_year"] == 2020} == {
        k: v for k, v in full.items() if k[0] == "CN"
    }


def test_filters_without_the_column_restrict_the_applications(tiny) -> None:  # type: ignore[no-untyped-def]
    from innovindex.patents.tables import build_table

    # by_field has no origin column: --origin US counts a2 only (H01L 21/00 -> field 8)
    rows = _df(build_table("by_field", tiny, origin=["US"]))
    assert [(r["field"], r["applications"], r["applications_fractional"]) for r in rows] == [
        (8, 1, 1.0)
    ]
    # by_origin has no office column: --office CN counts a1, a2, a3, a6
    got = {
        (r["origin"], r["filing_year"]): r["applications"]
        for r in _df(build_table("by_origin", tiny, office=["CN"]))
    }
    assert got == {("CN", 2020): 1, ("US", 2020): 1, ("JP", 2020): 1, ("unknown", 2021): 1}
    # inventor_fractional has a country column: --country selects rows; --origin restricts
    inv = _df(build_table("inventor_fractional", tiny, origin=["CN"]))
    # CN-origin applications: a1 (inventors CN, CN, US) and a4 (no inventor -> unknown)
    assert {r["country"]: r["applications_fractional"] for r in inv} == pytest.approx(
        {"CN": 2 / 3, "US": 1 / 3, "unknown": 1.0}
    )


def test_fractional_conventions_and_unknown_inventors(tiny) -> None:  # type: ignore[no-untyped-def]
    # a1 has symbols in fields 2, 4, 8 (one each): both conventions give 1/3 per field;
    # a2 -> 8, a4 -> 16, a6 -> 8 (H01L 33/00): whole applications
    for conv in ("fields", "symbols"):
        f = {
            (r["field"], r["filing_year"]): r["applications_fractional"]
            for r in _df(q.by_field(tiny, fractional=conv))
        }
        assert f[(2, 2020)] == pytest.approx(1 / 3) and f[(8, 2020)] == pytest.approx(4 / 3)
    with pytest.raises(SpecError, match="--fractional must be one of"):
        q.by_field(tiny, fractional="claims")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="--unknown-inventors must be one of"):
        q.inventor_fractional(tiny, unknown_inventors="drop")  # type: ignore[arg-type]


def test_fields_and_symbols_differ_when_symbols_cluster(concordance) -> None:  # type: ignore[no-untyped-def]
    # one application: two symbols in field 8 (H01L 21/00, H01L 33/00) and one in field 16 (A61K 31/00)
    apps = pa.table(
        {
            "appln_id": ["b1"],
            "office": ["US"],
            "filing_date": [None],
            "filing_year": [2020],
            "priority_year": [2020],
            "kind": ["A"],
            "family_id": [None],
            "granted": [None],
        },
        schema=APPLICATIONS,
    )
    cls = pa.table(
        {
            "appln_id": ["b1"] * 3,
            "ipc": ["H01L  21/00", "H01L  33/00", "A61K  31/00"],
            "position": [1, 2, 3],
        },
        schema=CLASSIFICATIONS,
    )
    parties = pa.table(
        {
            "appln_id": ["b1", "b1", "b1"],
            "role": ["applicant", "inventor", "inventor"],
            "sequence": [1, 1, 2],
            "country": ["US", "US", None],
            "name": ["A", "I1", "I2"],
        },
        schema=PARTIES,
    )
    con = ibis.duckdb.connect()
    t = PatentTables(
        con.create_table("patent_applications", apps),
        con.create_table("patent_classifications", cls),
        con.create_table("patent_parties", parties),
        concordance_table(concordance.table),
    )
    fields = {
        r["field"]: r["applications_fractional"] for r in _df(q.by_field(t, fractional="fields"))
    }
    symbols = {
        r["field"]: r["applications_fractional"] for r in _df(q.by_field(t, fractional="symbols"))
    }
    assert fields == pytest.approx({8: 0.5, 16: 0.5})
    assert symbols == pytest.approx({8: 2 / 3, 16: 1 / 3})
    # inventors: US and one of unknown residence
    share = {r["country"]: r["applications_fractional"] for r in _df(q.inventor_fractional(t))}
    ignore = {
        r["country"]: r["applications_fractional"]
        for r in _df(q.inventor_fractional(t, unknown_inventors="ignore"))
    }
    assert share == pytest.approx({"US": 0.5, "unknown": 0.5})
    assert ignore == pytest.approx({"US": 1.0, "unknown": 0.0})


def test_self_reliance_changes_are_percentage_points(tiny) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    rows = pd.DataFrame(_df(m.self_reliance(tiny, key_fields=[8])))
    assert "domestic_share_change_pp" in rows and "domestic_share_change" not in rows
    for _, g in rows.groupby(["country", "field"]):
        g = g.sort_values("filing_year")
        exp = (g["domestic_share"].astype(float).diff() * 100.0).to_numpy()
        got = g["domestic_share_change_pp"].astype(float).to_numpy()
        assert ((pd.isna(exp) & pd.isna(got)) | (abs(exp - got) < 1e-9)).all()
