"""Sector allocation against the hand-labelled sample of real applicant names, the CJK
rules, the inventor rule and PATSTAT's psn_sector."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innovindex.firms.applicants import application_sectors
from innovindex.firms.sectors import SECTORS, from_psn_sector, is_inventor, sector_of

SAMPLE = Path(__file__).parent / "data" / "sector_sample.csv"


def test_agreement_with_hand_labels_at_least_95_percent() -> None:
    s = pd.read_csv(SAMPLE, keep_default_na=False)
    assert len(s) >= 300 and set(s["label"]) <= set(SECTORS)
    s["pred"] = [sector_of(n)[0] for n in s["name"]]
    agree = float((s["pred"] == s["label"]).mean())
    print(f"\nsector agreement: {agree:.3f} on {len(s)} names")
    print(f"{'sector':<12} {'n':>4} {'precision':>9} {'recall':>7}")
    for sec in SECTORS:
        tp = int(((s["pred"] == sec) & (s["label"] == sec)).sum())
        npred, ntrue = int((s["pred"] == sec).sum()), int((s["label"] == sec).sum())
        prec = f"{tp / npred:.3f}" if npred else "-"
        rec = f"{tp / ntrue:.3f}" if ntrue else "-"
        print(f"{sec:<12} {ntrue:>4} {prec:>9} {rec:>7}")
    assert agree >= 0.95


@pytest.mark.parametrize(
    ("name", "sector"),
    [
        ("北京华为技术有限公司", "company"),
        ("株式会社東芝", "company"),
        ("삼성전자 주식회사", "company"),
        ("(주)한국식품", "company"),
        ("서울대학교 산학협력단", "university"),
        ("東京大学", "university"),
        ("清华大学", "university"),
        ("中国科学院化学研究所", "government"),
        ("独立行政法人産業技術総合研究所", "government"),
        ("한국전자통신연구원", "government"),
        ("北京协和医院", "hospital"),
        ("東京女子医科大学病院", "hospital"),
        ("서울대학교병원", "hospital"),
        ("财团法人工业技术研究院", "nonprofit"),
        ("王小明", "individual"),
        ("Seoul National University Hospital", "hospital"),
        ("Assistance Publique - Hôpitaux de Paris", "hospital"),
        ("Universitätsklinikum Heidelberg", "hospital"),
        ("Technische Universität München", "university"),
        ("Université Paris-Saclay", "university"),
        ("Centre National de la Recherche Scientifique (CNRS)", "government"),
        ("Commissariat à l'énergie atomique et aux énergies alternatives", "government"),
        ("Stichting Deltares", "nonprofit"),
        ("Fundación Tecnalia Research & Innovation", "nonprofit"),
        ("Siemens Aktiengesellschaft", "company"),
        ("NESTEC S.A.", "company"),
        ("Kabushiki Kaisha Toshiba", "company"),
        ("SUNG YOUNG OK", "individual"),  # OK is a legal form, but not on a person-like name
        ("", "unknown"),
    ],
)
def test_multilingual_rules(name: str, sector: str) -> None:
    assert sector_of(name)[0] == sector, sector_of(name)


def test_inventor_rule_makes_an_applicant_an_individual() -> None:
    # "DEPOORTERE, Thomas" applies and invents (WO2002014184 in the PATENTSCOPE sample); the
    # keyword rules alone cannot tell a one-person "THOMAS DESIGN" from a person, the inventor
    # rule can: the same tokens in another order and case are the same person
    assert is_inventor("DEPOORTERE, Thomas", ["Thomas Depoortere"])
    assert not is_inventor("DEPOORTERE, Thomas", ["Depoortere Anne"])
    parties = pd.DataFrame(
        {
            "appln_id": ["A1", "A1", "A1", "A2", "A2"],
            "role": ["applicant", "applicant", "inventor", "applicant", "inventor"],
            "name": ["LEO BRAND", "ACME PIZZA LTD", "Brand Leo", "LEO BRAND", "Someone Else"],
        }
    )
    out = application_sectors(parties).set_index(["appln_id", "name"])
    # A1: LEO BRAND is also an inventor there -> individual by the inventor rule
    assert out.loc[("A1", "LEO BRAND"), "sector"] == "individual"
    assert out.loc[("A1", "LEO BRAND"), "method"] == "inventor rule"
    assert out.loc[("A1", "ACME PIZZA LTD"), "sector"] == "company"
    # A2: not an inventor there: the name rules decide (person-like -> individual by name)
    assert out.loc[("A2", "LEO BRAND"), "method"] == "person-like name"


@pytest.mark.parametrize(
    ("value", "sector"),
    [
        ("COMPANY", "company"),
        ("GOV NON-PROFIT", "government"),
        ("UNIVERSITY", "university"),
        ("HOSPITAL", "hospital"),
        ("INDIVIDUAL", "individual"),
        ("UNKNOWN", None),
        ("", None),
        (None, None),
        ("COMPANY GOV NON-PROFIT", "company"),
        ("GOV NON-PROFIT UNIVERSITY", "university"),
    ],
)
def test_psn_sector_used_as_given(value: str | None, sector: str | None) -> None:
    assert from_psn_sector(value) == sector
