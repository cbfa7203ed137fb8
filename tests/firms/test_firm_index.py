"""Firms as units of the index engine: indicators from the firm-year layout by hand, the
firm_innovation framework through build_panel, the CLI and the SYNTHETIC world."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovindex.cli import main
from innovindex.errors import DataWarning
from innovindex.firms.data import check_firms, read_firms
from innovindex.firms.index import build_firms, firm_framework, firm_idata


def _two_firms() -> pd.DataFrame:
    return check_firms(
        pd.DataFrame(
            {
                "firm_id": ["A", "A", "B", "B", "C", "C"],
                "year": [2022, 2023] * 3,
                "revenue": [100.0, 120.0, 200.0, 180.0, 50.0, 60.0],
                "rd_total": [5.0, 6.0, 4.0, 9.0, 1.0, 3.0],
                "staff": [10, 10, 40, 40, 5, 5],
                "st_staff": [2, 3, 4, 4, 1, 1],
                "ip_class1": [1, 1, 0, 2, 0, 0],
                "ip_class2": [1, 3, 2, 2, 0, 1],
                "standards": [0, 1, 0, 0, 0, 0],
                "hightech_revenue": [50.0, 90.0, 20.0, 30.0, 10.0, 30.0],
                "transfers": [1, 2, 0, 1, 0, 0],
                "net_assets": [10.0, 12.0, 30.0, 27.0, -5.0, 5.0],
            }
        )
    )


def test_indicators_by_hand() -> None:
    d = firm_idata(_two_firms()).set_index(["uCode", "Time"])
    a = d.loc[("A", 2023)]
    assert a["rd_intensity"] == pytest.approx(6 / 120 * 100)  # 5.0
    assert a["st_share"] == pytest.approx(30.0)  # 3 of 10
    assert a["ip_per_100_staff"] == pytest.approx(40.0)  # (1 + 3) / 10 x 100
    assert a["class1_share"] == pytest.approx(25.0)  # 1 of 4
    assert a["hightech_share"] == pytest.approx(75.0)  # 90 / 120
    assert a["sales_growth"] == pytest.approx(20.0)  # 120 / 100 - 1
    assert a["net_asset_growth"] == pytest.approx(20.0)  # 12 / 10 - 1
    assert d.loc[("B", 2023), "sales_growth"] == pytest.approx(-10.0)  # 180 / 200 - 1
    assert np.isnan(d.loc[("C", 2023), "net_asset_growth"])  # negative base: no rate
    assert np.isnan(d.loc[("A", 2022), "sales_growth"])  # first year


def test_build_panel_leaves_out_the_first_year_with_a_warning() -> None:
    with pytest.warns(DataWarning, match="fiscal year 2022 left out"):
        panel = build_firms(_two_firms())
    assert sorted(panel) == [2023]
    scores = panel[2023].scores()
    assert list(scores.index) == ["A", "B", "C"]
    assert set(firm_framework().indicators) == set(firm_idata(_two_firms()).columns) - {
        "uCode",
        "uName",
        "Time",
    }
    assert scores["FII"].between(0, 100).all()
    # the index is the arithmetic mean of its four pillars (equal weights)
    assert scores["FII"].to_numpy() == pytest.approx(
        scores[["RD", "IP", "MKT", "GRW"]].mean(axis=1).to_numpy()
    )


def test_cli_synthetic_world_then_check_and_build(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    world = tmp_path / "world"
    assert main(["firms", "synthetic", "--out", str(world), "--firms", "30", "--seed", "3"]) == 0
    names = sorted(p.name for p in world.iterdir())
    assert names == [
        "README_SYNTHETIC.txt",
        "patents",
        "synthetic_applicants.csv",
        "synthetic_certificates.csv",
        "synthetic_firm_years.csv",
    ]
    assert "SYNTHETIC" in (world / "README_SYNTHETIC.txt").read_text(encoding="utf-8")
    firms = read_firms(world / "synthetic_firm_years.csv")
    assert set(pd.read_csv(world / "synthetic_firm_years.csv")["source"]) == {"SYNTHETIC"}
    assert firms["firm_id"].str.startswith("SYN-").all()
    report = tmp_path / "check.csv"
    assert (
        main(
            [
                "firms",
                "check",
                "--data",
                str(world / "synthetic_firm_years.csv"),
                "--year",
                "2024",
                "--out",
                str(report),
            ]
        )
        == 0
    )
    r = pd.read_csv(report)
    assert r[r["condition"] == "verdict"]["firm_id"].nunique() == firms["firm_id"].nunique()
    scores = tmp_path / "scores.csv"
    assert (
        main(
            [
                "firms",
                "build",
                "--data",
                str(world / "synthetic_firm_years.csv"),
                "--out",
                str(scores),
            ]
        )
        == 0
    )
    s = pd.read_csv(scores)
    assert {"uCode", "Time", "FII"} <= set(s.columns)
    counts = tmp_path / "counts.csv"
    assert (
        main(
            [
                "firms",
                "certificates",
                "--register",
                str(world / "synthetic_certificates.csv"),
                "--out",
                str(counts),
            ]
        )
        == 0
    )


def test_ip_counts_from_the_store_by_harmonised_applicant(
    tmp_path: Path, reference_data: Path
) -> None:
    from innovindex.firms.ipfill import fill_ip_counts, store_ip_counts
    from innovindex.firms.store import harmonise_store
    from innovindex.patents.importers import run_import
    from innovindex.patents.store import write_import

    lens = reference_data / "patents" / "lens_pizza_1000" / "pizza_lens_1000_raw.csv"
    result = run_import("lens", [lens])
    db = tmp_path / "s.duckdb"
    write_import(db, result)
    mapping = harmonise_store(db)
    pid = mapping.set_index("raw_name").loc["PIZZA HUT INC", "applicant_id"]
    names = set(mapping[mapping["applicant_id"] == pid]["raw_name"])
    # independent count: applications with an applicant spelled as one of Pizza Hut's names
    p = result.parties.to_pandas()
    a = result.applications.to_pandas()
    ids = set(p[(p["role"] == "applicant") & p["name"].isin(names)]["appln_id"])
    sub = a[a["appln_id"].isin(ids)]
    busiest = int(sub["filing_year"].value_counts().idxmax())
    expected = int((sub["filing_year"] == busiest).sum())
    expected_granted = int(((sub["filing_year"] == busiest) & sub["granted"].fillna(False)).sum())
    firms = check_firms(
        pd.DataFrame(
            {
                "firm_id": ["PH", "PH", "X"],
                "year": [busiest, 1800, busiest],
                "applicant_id": [pid, pid, None],
                "revenue": [1.0, 1.0, 1.0],
            }
        )
    )
    out = fill_ip_counts(firms, store_ip_counts(db)).set_index(["firm_id", "year"])
    assert out.loc[("PH", busiest), "patent_applications"] == expected
    assert out.loc[("PH", busiest), "patents_granted"] == expected_granted
    assert out.loc[("PH", 1800), "patent_applications"] == 0  # a year without applications
    assert np.isnan(out.loc[("X", busiest), "patent_applications"])  # no applicant id


def test_synthetic_world_ip_comes_from_its_patents(tmp_path: Path) -> None:
    from innovindex.firms.applicants import harmonise
    from innovindex.firms.world import write_world

    write_world(tmp_path, n_firms=40, seed=11)
    firms = pd.read_csv(tmp_path / "synthetic_firm_years.csv")
    truth = pd.read_csv(tmp_path / "synthetic_applicants.csv", keep_default_na=False)
    apps = pd.read_parquet(tmp_path / "patents" / "applications.parquet")
    parties = pd.read_parquet(tmp_path / "patents" / "parties.parquet")
    # independent: granted applications naming any spelling of the firm's entity, filed so far
    row = firms.sort_values("ip_class1").iloc[-1]
    spellings = set(truth[truth["entity_id"] == row["entity_id"]]["name"])
    ids = set(
        parties[(parties["role"] == "applicant") & parties["name"].isin(spellings)]["appln_id"]
    )
    mine = apps[apps["appln_id"].isin(ids) & apps["granted"] & (apps["filing_year"] <= row["year"])]
    assert row["ip_class1"] == len(mine) > 0
    # the labels score harmonisation and sectors on SYNTHETIC names
    names = truth[["name", "country"]].rename(columns={"name": "raw_name"})
    m = harmonise(names).merge(truth, left_on=["raw_name", "country"], right_on=["name", "country"])
    assert (m["sector_x"] == m["sector_y"]).mean() > 0.95
    same_entity = m.groupby("applicant_id")["entity_id"].nunique()
    assert (same_entity == 1).mean() > 0.95  # clusters rarely mix two entities
