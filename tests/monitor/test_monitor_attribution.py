"""Change attribution adds up exactly, on a case checked by hand and on every ASEM unit and pair."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.monitor import EFFECTS, explain, explain_all

META = pd.DataFrame(
    {
        "Level": [1, 1, 1, 2],
        "iCode": ["a", "b", "c", "Index"],
        "iName": ["A", "B", "C", "Index"],
        "Direction": [1, 1, 1, 1],
        "Weight": [1, 1, 2, 1],
        "Parent": ["Index", "Index", "Index", None],
        "Type": ["Indicator", "Indicator", "Indicator", "Aggregate"],
    }
)
# Two units, three indicators, two years; no treatment.
DATA = pd.DataFrame(
    {
        "uCode": ["U1", "U2", "U1", "U2"],
        "Time": [2020, 2020, 2021, 2021],
        "a": [0.0, 10.0, 5.0, 10.0],
        "b": [10.0, 0.0, 10.0, 20.0],
        "c": [5.0, 15.0, 5.0, 15.0],
    }
)
SPEC = {"normalise": {"method": "minmax", "range": [0, 100]}, "aggregate": {"method": "arithmetic"}}


def test_two_units_three_indicators_by_hand() -> None:
    # Bounds 2020: a [0, 10], b [0, 10], c [5, 15];  2021: a [5, 10], b [10, 20], c [5, 15].
    # Weights 1, 1, 2 (sum 4). U1: 2020 (a, b, c) = (0, 100, 0) -> 25;  2021 (0, 0, 0) -> 0.
    # Counterfactuals: U1's 2021 data on 2020 bounds: (50, 100, 0) -> 37.5;
    #                  U1's 2020 data on 2021 bounds: (-100, 0, 0) -> -25.
    # Shapley (missing data plays no part: every value observed):
    #   own data = ((37.5 - 25) + (0 - -25)) / 2 = 18.75, all of it from a:
    #              a: ((50 - 0) / 4 + (0 - -100) / 4) / 2 = 18.75
    #   bounds   = ((-25 - 25) + (0 - 37.5)) / 2 = -43.75:
    #              a: ((-100 - 0) / 4 + (0 - 50) / 4) / 2 = -18.75;  b: ((0 - 100) / 4) = -25
    #   total    = 18.75 - 43.75 = -25 = 0 - 25.
    fw = ii.Framework.from_frame(META)
    p = ii.panel(DATA, fw, SPEC)
    e = explain(p, "U1", 2020, 2021)
    s = e.summary.iloc[0]
    assert (s["score_from"], s["score_to"]) == (25.0, 0.0)
    assert s["own_data"] == pytest.approx(18.75, abs=1e-12)
    assert s["bounds"] == pytest.approx(-43.75, abs=1e-12)
    assert s["missing"] == 0.0
    ind = e.contributions[e.contributions["level"] == 1].set_index(["effect", "code"])[
        "contribution"
    ]
    assert ind[("own_data", "a")] == pytest.approx(18.75, abs=1e-12)
    assert ind[("own_data", "b")] == pytest.approx(0.0, abs=1e-12)
    assert ind[("bounds", "a")] == pytest.approx(-18.75, abs=1e-12)
    assert ind[("bounds", "b")] == pytest.approx(-25.0, abs=1e-12)
    assert ind[("bounds", "c")] == pytest.approx(0.0, abs=1e-12)
    # U2 (75 -> 100) stays above U1 in both years: nobody overtook anybody
    assert e.rank_moves.empty


def test_missing_value_is_its_own_effect() -> None:
    # U1's b goes missing in 2021: the missing-data effect carries the change of b's presence.
    data = DATA.copy()
    data.loc[2, "b"] = np.nan
    data = pd.concat(
        [
            data,
            pd.DataFrame(
                {
                    "uCode": ["U3", "U3"],
                    "Time": [2020, 2021],
                    "a": [2.0, 2.0],
                    "b": [4.0, 12.0],
                    "c": [9.0, 9.0],
                }
            ),
        ]
    )
    p = ii.panel(data, ii.Framework.from_frame(META), SPEC)
    e = explain(p, "U1", 2020, 2021)
    s = e.summary.iloc[0]
    assert s["missing"] != 0.0
    assert s["own_data"] + s["bounds"] + s["missing"] == pytest.approx(s["change_abs"], abs=1e-12)
    b = e.contributions.query("code == 'b'").set_index("effect")
    assert b.loc["own_data", "contribution"] == 0.0  # not observed in both years: not own data
    assert b.loc["missing", "status_to"] == "missing"


@pytest.mark.parametrize(
    ("agg", "ref"),
    [("arithmetic", None), ("arithmetic", 2018), ("geometric", None), ("geometric", 2018)],
)
def test_asem_every_unit_every_pair_adds_up(asem_panels: dict, agg: str, ref: int | None) -> None:
    p = asem_panels[(agg, ref)]
    worst, rows = 0.0, 0
    for a, b in itertools.combinations(sorted(p), 2):
        df = explain_all(p, a, b)
        rows += len(df)
        # recorded scores, not recomputed ones, define the change
        idx_a, idx_b = p[a].scores()["Index"], p[b].scores()["Index"]
        change = idx_b.reindex(df["uCode"]).to_numpy() - idx_a.reindex(df["uCode"]).to_numpy()
        assert np.array_equal(df["change_abs"].to_numpy(), change)
        total = df[list(EFFECTS)].sum(axis=1).to_numpy()
        worst = max(worst, float(np.max(np.abs(total - change))))
        if ref is not None:  # one set of bounds for every year: no sample effect
            assert (df["bounds"] == 0).all()
    print(
        f"{agg}, reference year {ref}: {rows} unit-pairs, max |sum of effects - change| = {worst:.2e}"
    )
    assert rows == 10 * 51
    assert worst <= 1e-9


@pytest.mark.parametrize("agg", ["arithmetic", "geometric"])
def test_every_level_adds_up_for_one_unit(asem_panels: dict, agg: str) -> None:
    p = asem_panels[(agg, None)]
    e = explain(p, "CHN", 2018, 2022)
    change = e.summary["change_abs"].iloc[0]
    per_level = e.contributions.groupby("level")["contribution"].sum()
    assert set(per_level.index) == {1, 2, 3, 4}
    assert np.allclose(per_level.to_numpy(), change, atol=1e-9, rtol=0)
    assert abs(e.summary["recompute_error"].iloc[0]) <= 1e-9


def test_rank_moves_agree_with_ranks(asem_panels: dict) -> None:
    p = asem_panels[("arithmetic", None)]
    s0, s1 = p[2018].scores()["Index"], p[2022].scores()["Index"]
    for unit in ("CHN", "DEU", "IND"):
        e = explain(p, unit, 2018, 2022)
        moves = e.rank_moves.set_index("uCode")["move"]
        up = {u for u in s0.index if s0[u] < s0[unit] and s1[u] > s1[unit]}
        down = {u for u in s0.index if s0[u] > s0[unit] and s1[u] < s1[unit]}
        assert set(moves[moves == "overtook"].index) == up
        assert set(moves[moves == "overtaken"].index) == down
        r = e.summary.iloc[0]
        assert r["rank_from"] - r["rank_to"] == len(down) - len(up)


def test_imputed_values_are_the_missing_data_effect(
    asem_files: dict, asem_fw: ii.Framework
) -> None:
    # COINr's example pipeline imputes by group mean: imputed cells move with the group, not
    # with the unit's own data, so their change is reported as the missing-data effect.
    from innovindex.pipeline import COINR_EXAMPLE_SPEC

    p = ii.panel(asem_files["panel"], asem_fw, COINR_EXAMPLE_SPEC)
    df = explain_all(p, 2018, 2022)
    assert (df["missing"] != 0).any()
    assert np.max(np.abs(df["residual"])) <= 1e-9
    unit = df.loc[df["missing"].abs().idxmax(), "uCode"]
    c = explain(p, unit, 2018, 2022).contributions
    imputed = c[(c["level"] == 1) & (c["effect"] == "missing") & (c["contribution"] != 0)]
    assert (imputed["status_from"] == "imputed").all() or (imputed["status_to"] == "imputed").all()


def test_explanation_to_dict_is_json_ready(asem_panels: dict) -> None:
    import json

    e = explain(asem_panels[("arithmetic", None)], "CHN", 2018, 2022)
    d = json.loads(json.dumps(e.to_dict()))
    assert d["summary"]["change_abs"] == pytest.approx(e.summary["change_abs"].iloc[0])
    assert len(d["contributions"]) == len(e.contributions)
    assert sum(r["contribution"] for r in d["contributions"] if r["level"] == 1) == pytest.approx(
        d["summary"]["change_abs"], abs=1e-9
    )
