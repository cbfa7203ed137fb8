"""HNTE 2016 rules: every threshold on both sides of its boundary, the growth formulas and
their edge cases against values computed by hand (in the comments), and verdicts that name
the failing conditions.

The application year is 2024, so the fiscal years assessed are 2021-2023 and the
application date is 2024-01-01 unless a test says otherwise."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from innovindex.firms.data import check_firms
from innovindex.firms.rules import available, check, load_rules

YEARS = (2021, 2022, 2023)


def firm(**over: Any) -> pd.DataFrame:
    """A firm that meets every condition; ``over`` replaces columns (a scalar for all
    three years or a 3-tuple, oldest first). Expert score columns make the total exact:
    IP 8+8+8+6+0 = 30, transfer 20, R&D organisation 18, growth 4 (net assets +10%: band
    D 3-4) + 0 (flat sales: band F) = 4 -> 72."""
    base: dict[str, Any] = {
        "firm_id": "F",
        "registered_on": "2015-06-01",
        "revenue": 100e6,
        "sales_revenue": 100e6,
        "hightech_revenue": 70e6,
        "rd_total": 6e6,
        "rd_in_china": 6e6,
        "staff": 100,
        "st_staff": 20,
        "net_assets": (100.0, 110.0, 121.0),
        "ip_class1": 1,
        "ip_class2": 0,
        "ip_self_developed": 1,
        "standards": 0,
        "transfers": 4,
        "violations": 0,
        "score_ip_advancement": 8,
        "score_ip_support": 8,
        "score_ip_quantity": 8,
        "score_ip_acquisition": 6,
        "score_transfer": 20,
        "score_rd_organisation": 18,
        "score_growth_net_assets": 4,
        "score_growth_sales": 0,
    }
    base.update(over)
    rows = []
    for i, y in enumerate(YEARS):
        rows.append(
            {"year": y, **{k: (v[i] if isinstance(v, tuple) else v) for k, v in base.items()}}
        )
    return check_firms(pd.DataFrame(rows))


def cond(
    df: pd.DataFrame, name: str, *, year: int = 2024, apply_date: date | None = None
) -> pd.Series:
    out = check(df, "hnte2016", year, apply_date=apply_date)
    return out.set_index("condition").loc[name]


def test_builtin_rule_sets() -> None:
    assert "hnte2016" in available()
    rs = load_rules("hnte2016")
    assert (rs.name, rs.version) == ("hnte2016", "2016.1")


def test_reference_firm_is_recognised() -> None:
    out = check(firm(), "hnte2016", 2024)
    v = out.set_index("condition").loc["verdict"]
    assert v["status"] == "recognised", out[["condition", "status", "note"]]
    # total 72 from the expert columns (see firm())
    assert out.set_index("condition").loc["innovation_score", "value"] == 72


# ---------------------------------------------------------------- R&D intensity bands
@pytest.mark.parametrize(
    ("sales", "rd_share", "threshold", "status"),
    [
        (50e6, 0.05, 0.05, "met"),  # exactly 5% at exactly 50 million: met (>= 5%)
        (50e6, 0.049, 0.05, "not met"),  # 4.9% at 50 million: below 5%
        (50_000_001.0, 0.04, 0.04, "met"),  # just above 50 million: the 4% band applies
        (200e6, 0.04, 0.04, "met"),  # exactly 4% at exactly 200 million (inclusive): met
        (200e6, 0.0399, 0.04, "not met"),  # 3.99% at 200 million: still the 4% band
        (200_000_001.0, 0.03, 0.03, "met"),  # just above 200 million: 3%
        (200_000_001.0, 0.0299, 0.03, "not met"),
    ],
)
def test_rd_intensity_boundaries(
    sales: float, rd_share: float, threshold: float, status: str
) -> None:
    # the same sales every year, so R&D / sales over the 3 years = rd_share exactly
    rd = round(sales * rd_share, 2)
    df = firm(
        revenue=sales,
        sales_revenue=sales,
        hightech_revenue=0.7 * sales,
        rd_total=rd,
        rd_in_china=rd,
    )
    c = cond(df, "rd_intensity")
    assert c["threshold"] == threshold
    assert c["status"] == status, c


def test_rd_intensity_uses_the_latest_sales_for_the_band_and_three_year_sums() -> None:
    # sales 30, 40, 50 million (latest = 50 million -> 5% band); R&D 1.0, 2.0, 3.0 million:
    # (1+2+3) / (30+40+50) = 6/120 = 0.05 -> met exactly at the boundary
    df = firm(
        revenue=(30e6, 40e6, 50e6),
        sales_revenue=(30e6, 40e6, 50e6),
        hightech_revenue=(20e6, 30e6, 40e6),
        rd_total=(1e6, 2e6, 3e6),
        rd_in_china=(1e6, 2e6, 3e6),
    )
    c = cond(df, "rd_intensity")
    assert (
        c["value"] == pytest.approx(0.05, abs=1e-15)
        and c["threshold"] == 0.05
        and c["status"] == "met"
    )


# ---------------------------------------------------------------- simple thresholds
@pytest.mark.parametrize(
    ("over", "name", "status"),
    [
        ({"st_staff": 10, "staff": 100}, "st_staff_share", "met"),  # exactly 10%
        ({"st_staff": 99, "staff": 1000}, "st_staff_share", "not met"),  # 9.9%
        ({"hightech_revenue": 60e6}, "hightech_revenue", "met"),  # exactly 60% of 100 million
        ({"hightech_revenue": 59_999_999.0}, "hightech_revenue", "not met"),
        ({"rd_in_china": 3.6e6}, "rd_in_china", "met"),  # 3.6 / 6 = 60% exactly
        ({"rd_in_china": 3.59e6}, "rd_in_china", "not met"),
        ({"ip_class1": 0, "ip_class2": 1}, "core_ip", "met"),  # one Class II item is enough
        ({"ip_class1": 0, "ip_class2": 0}, "core_ip", "not met"),
        ({"violations": (0, 0, 1)}, "no_violation", "not met"),  # an accident in the last year
        ({"violations": (1, 0, 0)}, "no_violation", "met"),  # only the year before applying counts
    ],
)
def test_threshold_boundaries(over: dict[str, Any], name: str, status: str) -> None:
    assert cond(firm(**over), name)["status"] == status


@pytest.mark.parametrize(
    ("registered", "days", "status"),
    [
        ("2023-01-01", 365, "not met"),  # 2023-01-01 -> 2024-01-01 = 365 days: not MORE than 365
        ("2022-12-31", 366, "met"),
    ],
)
def test_registration_365_days(registered: str, days: int, status: str) -> None:
    c = cond(firm(registered_on=registered), "registered_365_days")
    assert c["value"] == days and c["status"] == status


def test_apply_date_moves_the_registration_age() -> None:
    # registered 2023-01-01, applying 2024-01-02: 366 days
    c = cond(firm(registered_on="2023-01-01"), "registered_365_days", apply_date=date(2024, 1, 2))
    assert c["value"] == 366 and c["status"] == "met"


@pytest.mark.parametrize(
    ("rd_org", "total", "status"),
    [
        (16, 70, "not met"),  # 30 + 20 + 16 + 4 = 70: "above 70" fails at exactly 70
        (17, 71, "met"),  # 71 passes
    ],
)
def test_score_70_points(rd_org: int, total: int, status: str) -> None:
    c = cond(firm(score_rd_organisation=rd_org), "innovation_score")
    assert c["value"] == total == c["value_max"]
    assert c["status"] == status


def test_expert_blocks_are_an_interval() -> None:
    # without expert scores: IP = advancement [0,8] + support [0,8] + quantity (Class I) [7,8]
    # + acquisition (self-developed) [1,6] + standards (none) [0,0] = [8, 30];
    # transfer (4 a year) [19,24]; R&D organisation [0,20];
    # growth: net assets 100, 110, 121 -> (1.1 + 1.1)/2 - 1 = 0.10 -> D [3,4];
    #         sales 100, 100, 100 -> 0 -> F [0,0]
    # total [8+19+0+3, 30+24+20+4] = [30, 78] -> straddles 70: undetermined
    df = firm().drop(columns=[c for c in firm().columns if c.startswith("score_")])
    out = check(df, "hnte2016", 2024).set_index("condition")
    assert (out.loc["score.ip", "value"], out.loc["score.ip", "value_max"]) == (8, 30)
    assert (out.loc["score.transfer", "value"], out.loc["score.transfer", "value_max"]) == (19, 24)
    assert (out.loc["score.growth", "value"], out.loc["score.growth", "value_max"]) == (3, 4)
    assert (out.loc["innovation_score", "value"], out.loc["innovation_score", "value_max"]) == (
        30,
        78,
    )
    assert out.loc["innovation_score", "status"] == "unknown"
    assert out.loc["verdict", "status"] == "undetermined"
    assert out.loc["verdict", "note"] == "undecided: innovation_score"


# ---------------------------------------------------------------- growth formulas
def growth_of(
    values: tuple[float, ...], registered: str = "2015-06-01"
) -> tuple[float, float, float]:
    years = YEARS[-len(values) :]
    rows = [
        {"firm_id": "G", "year": y, "registered_on": registered, "net_assets": v}
        for y, v in zip(years, values, strict=False)
    ]
    out = check(check_firms(pd.DataFrame(rows)), "hnte2016", 2024).set_index("condition")
    note = out.loc["score.growth.net_assets"]
    rate = _rate(values, registered)
    return rate, note["value"], note["value_max"]


def _rate(values: tuple[float, ...], registered: str) -> float:
    rows = [
        {"firm_id": "G", "year": y, "registered_on": registered, "net_assets": v}
        for y, v in zip(YEARS[-len(values) :], values, strict=False)
    ]
    from innovindex.firms.rules._measures import FirmWindow, evaluate_measure

    df = check_firms(pd.DataFrame(rows))
    rs = load_rules("hnte2016")
    reg = df["registered_on"].iloc[0]
    w = FirmWindow("G", df, rs.window_years(2024, reg), reg, date(2024, 1, 1))
    v, _ = evaluate_measure("net_asset_growth", w, rs.measures, {})
    assert v is not None
    return v


@pytest.mark.parametrize(
    ("values", "registered", "rate", "band"),
    [
        # (120/100 + 150/120)/2 - 1 = (1.2 + 1.25)/2 - 1 = 0.225 -> >= 15%: C, 5-6 points
        ((100.0, 120.0, 150.0), "2015-06-01", 0.225, (5, 6)),
        # mean of ratios, not a geometric mean: (150/100 + 150/150)/2 - 1 = 0.25 -> B 7-8
        # (the geometric mean sqrt(1.5) - 1 = 0.2247 would give C)
        ((100.0, 150.0, 150.0), "2015-06-01", 0.25, (7, 8)),
        # zero base year: first year 0 -> the last two years: 100/80 - 1 = 0.25 -> B 7-8
        ((0.0, 80.0, 100.0), "2015-06-01", 0.25, (7, 8)),
        # zero second year: 0 points (Guidelines), reported as rate 0
        ((50.0, 0.0, 100.0), "2015-06-01", 0.0, (0, 0)),
        # negative rate: (90/100 + 81/90)/2 - 1 = (0.9 + 0.9)/2 - 1 = -0.1 -> F 0 points
        ((100.0, 90.0, 81.0), "2015-06-01", -0.1, (0, 0)),
        # exactly 35%: (135/100 + 182.25/135)/2 - 1 = (1.35 + 1.35)/2 - 1 = 0.35 -> A 9-10
        ((100.0, 135.0, 182.25), "2015-06-01", 0.35, (9, 10)),
        # just positive: (100.5/100 + 101.0025/100.5)/2 - 1 = 0.005 -> E 1-2
        ((100.0, 100.5, 101.0025), "2015-06-01", 0.005, (1, 2)),
        # younger than 3 years (registered 2022): actual period 2022-2023, 50/40 - 1 = 0.25 -> B
        ((40.0, 50.0), "2022-03-15", 0.25, (7, 8)),
        # one fiscal year only (registered 2023): no growth -> 0 points
        ((40.0,), "2023-02-01", 0.0, (0, 0)),
        # negative base (net assets -10 -> 20 -> 40): the ratios mean nothing -> 0 points
        ((-10.0, 20.0, 40.0), "2015-06-01", 0.0, (0, 0)),
    ],
)
def test_growth_formula_and_edge_cases(
    values: tuple[float, ...], registered: str, rate: float, band: tuple[int, int]
) -> None:
    got, lo, hi = growth_of(values, registered)
    assert got == pytest.approx(rate, abs=1e-12)
    assert (lo, hi) == band


def test_young_firm_rd_intensity_uses_its_actual_period() -> None:
    # registered 2022-03-15: fiscal years 2022-2023 only. Sales 20 and 30 million, R&D 1.0 and
    # 1.5 million: 2.5 / 50 = 5% -> met at the 50-million band; 2021 (absent) is not needed
    rows = [
        {
            "firm_id": "Y",
            "year": 2022,
            "registered_on": "2022-03-15",
            "sales_revenue": 20e6,
            "rd_total": 1e6,
        },
        {
            "firm_id": "Y",
            "year": 2023,
            "registered_on": "2022-03-15",
            "sales_revenue": 30e6,
            "rd_total": 1.5e6,
        },
    ]
    c = cond(check_firms(pd.DataFrame(rows)), "rd_intensity")
    assert c["value"] == pytest.approx(0.05, abs=1e-15) and c["status"] == "met"


# ---------------------------------------------------------------- verdicts
def test_verdict_names_every_failing_condition() -> None:
    # registered 2023-06-01: 214 days before applying, and only fiscal year 2023 counts, so
    # growth cannot be measured (0 points): the score falls to 30 + 20 + 18 + 0 = 68
    df = firm(st_staff=5, hightech_revenue=10e6, registered_on="2023-06-01")
    out = check(df, "hnte2016", 2024).set_index("condition")
    assert out.loc["verdict", "status"] == "not recognised"
    assert out.loc["innovation_score", "value"] == 68
    assert out.loc["verdict", "note"] == (
        "fails: registered_365_days, st_staff_share, hightech_revenue, innovation_score"
    )


def test_missing_data_is_unknown_not_failed() -> None:
    df = firm().drop(columns=["rd_in_china"])
    out = check(df, "hnte2016", 2024).set_index("condition")
    assert out.loc["rd_in_china", "status"] == "unknown"
    assert "no column 'rd_in_china'" in out.loc["rd_in_china", "note"]
    assert out.loc["verdict", "status"] == "undetermined"


def test_another_scheme_needs_no_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # a made-up SME tier: revenue growth last year at least 10% and at least 5 staff
    spec = tmp_path / "sme.yaml"
    spec.write_text(
        "scheme: sme_demo\nversion: '1'\nwindow: {years: 2, last_offset: -1}\n"
        "measures:\n  staff: {fn: latest, column: staff}\n"
        "  growth: {fn: mean_ratio_growth, column: revenue}\n"
        "conditions:\n"
        "  - {id: growth, measure: growth, op: '>=', threshold: 0.10}\n"
        "  - {id: staff, measure: staff, op: '>=', threshold: 5}\n",
        encoding="utf-8",
    )
    rows = [
        {"firm_id": "S", "year": 2022, "revenue": 100.0, "staff": 4},
        {"firm_id": "S", "year": 2023, "revenue": 110.0, "staff": 4},
    ]
    out = check(check_firms(pd.DataFrame(rows)), str(spec), 2024).set_index("condition")
    # 110/100 - 1 = 0.10 (two years: v2/v1 - 1) -> met; 4 staff < 5 -> not met
    assert out.loc["growth", "value"] == pytest.approx(0.10, abs=1e-12)
    assert out.loc["growth", "status"] == "met"
    assert out.loc["verdict", "note"] == "fails: staff"
