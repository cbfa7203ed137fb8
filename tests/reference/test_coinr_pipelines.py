"""COINr parity: pipelines A, A2 and B of EXPECTED.md section B, end to end through `build`.

Reference CSVs were produced by COINr 1.1.14 itself (../shared/data/coinr_asem/reference_outputs).
Tolerance: 1e-6 absolute on every value at every level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.pipeline import COINR_EXAMPLE_SPEC

TOL = 1e-6

PIPELINE_A = {
    "treat": {},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic"},
}
PIPELINE_A2 = {"treat": {"winmax": 1}}


@pytest.fixture(scope="module")
def asem(reference_data):
    root = reference_data / "coinr_asem"
    fw = ii.Framework.read(root / "ASEM_iMeta.csv")
    return root, fw


def _ref(root, name):
    return pd.read_csv(root / "reference_outputs" / name).set_index("uCode")


def _assert_frame_close(ours: pd.DataFrame, ref: pd.DataFrame, cols) -> None:
    assert set(ref.index) == set(ours.index), "different units"
    a = ours.loc[ref.index, cols].to_numpy(dtype=float)
    b = ref[cols].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), "missing values differ"
    diff = np.nanmax(np.abs(a - b))
    assert diff < TOL, f"max abs difference {diff:g}"


def _treat_details(root, name):
    det = pd.read_csv(root / "reference_outputs" / name).set_index("iCode")
    return det


def _assert_treatment_matches(
    ours: pd.DataFrame, det: pd.DataFrame, points: pd.DataFrame | None = None
) -> None:
    ours = ours.set_index("iCode").loc[det.index]
    failed = ~det["check_SkewKurt0.Pass"].astype(bool)
    assert (ours["treated"] == failed).all(), "treated indicators differ"
    np.testing.assert_allclose(ours["skew_before"], det["check_SkewKurt0.Skew"], atol=1e-9)
    np.testing.assert_allclose(ours["kurt_before"], det["check_SkewKurt0.Kurt"], atol=1e-9)
    nwin = det.loc[failed, "winsorise.nwin"].astype(int)
    assert ((ours.loc[failed, "n_low"] + ours.loc[failed, "n_high"]) == nwin).all(), (
        "points winsorised differ"
    )
    logged = det.get("check_SkewKurt2.Pass", pd.Series(np.nan, index=det.index)).notna()
    assert (ours["fallback"].notna() == logged).all(), "fallback use differs"
    after = np.where(logged, det.get("check_SkewKurt2.Skew", np.nan), det["check_SkewKurt1.Skew"])
    np.testing.assert_allclose(ours.loc[failed, "skew_after"], after[failed.to_numpy()], atol=1e-9)
    if points is not None:
        for code in ours.index[ours["treated"] & ours["fallback"].isna()]:
            col = points[code].fillna("")
            side = {"winhi": "high", "winlo": "low"}
            expected_sides = {side[v] for v in col if v}
            assert {ours.at[code, "side"]} == expected_sides, code


def test_pipeline_a_default_matches_coinr(asem):
    root, fw = asem
    idx = ii.build(root / "ASEM_iData.csv", fw, PIPELINE_A)
    ref_scores = _ref(root, "default_pipeline_scores.csv")
    aggs = [c for c in ref_scores.columns if c not in ("uName", "Index_rank")]
    _assert_frame_close(idx.scores(), ref_scores, aggs)
    assert (
        idx.ranks().loc[ref_scores.index, "Index"].to_numpy() == ref_scores["Index_rank"].to_numpy()
    ).all()
    treated = _ref(root, "default_pipeline_treated.csv")
    _assert_frame_close(idx.stage("treated"), treated, list(treated.columns))
    normalised = _ref(root, "default_pipeline_normalised.csv")
    _assert_frame_close(idx.stage("normalised"), normalised, list(normalised.columns))
    points = pd.read_csv(root / "reference_outputs" / "default_pipeline_treated_points.csv")
    _assert_treatment_matches(
        idx.treatment, _treat_details(root, "default_pipeline_treat_details.csv"), points
    )
    # EXPECTED.md B: 18 indicators fail, winsorising fixes all, no log_CT.
    assert idx.treatment["treated"].sum() == 18
    assert idx.treatment["fallback"].isna().all()


def test_pipeline_a2_winmax1_uses_log_ct_on_nine(asem):
    root, fw = asem
    idx = ii.build(root / "ASEM_iData.csv", fw, PIPELINE_A2)
    treated = _ref(root, "winmax1_treated.csv")
    _assert_frame_close(idx.stage("treated"), treated, list(treated.columns))
    _assert_treatment_matches(idx.treatment, _treat_details(root, "winmax1_treat_details.csv"))
    logged = set(idx.treatment.loc[idx.treatment["fallback"] == "log_ct", "iCode"])
    assert logged == {
        "Goods",
        "Tariff",
        "StMob",
        "Research",
        "CultServ",
        "Tourist",
        "Forest",
        "Poverty",
        "NGOs",
    }


def test_pipeline_b_example_coin_matches_coinr(asem):
    root, fw = asem
    idx = ii.build(root / "ASEM_iData.csv", fw, COINR_EXAMPLE_SPEC)
    aggs = _ref(root, "example_coin_results_aggs.csv")
    cols = [c for c in aggs.columns if c not in ("uName", "Rank")]
    _assert_frame_close(idx.scores(), aggs, cols)
    assert (idx.ranks().loc[aggs.index, "Index"].to_numpy() == aggs["Rank"].to_numpy()).all()
    full = _ref(root, "example_coin_aggregated.csv")
    _assert_frame_close(
        idx.stage("aggregated"), full, [c for c in full.columns if c not in ("uName", "Index_rank")]
    )
    _assert_treatment_matches(idx.treatment, _treat_details(root, "example_coin_treat_details.csv"))
    # EXPECTED.md B: top and bottom of the example coin.
    s = idx.scores()["Index"]
    assert s.idxmax() == "CHE" and abs(s["CHE"] - 68.3837242383417) < TOL
    assert abs(s["RUS"] - 35.655544511669) < TOL
    assert idx.treatment["treated"].sum() == 15 and idx.treatment["fallback"].isna().all()


def test_pipeline_spec_round_trips_and_replays(asem):
    root, fw = asem
    pipe = ii.Pipeline.from_spec(COINR_EXAMPLE_SPEC)
    again = ii.Pipeline.from_spec(pipe.to_spec())
    assert again.to_spec() == pipe.to_spec()
    a = ii.build(root / "ASEM_iData.csv", fw, pipe).scores()
    b = ii.build(root / "ASEM_iData.csv", fw, again).scores()
    pd.testing.assert_frame_equal(a, b)
    # one setting changed: the replay differs exactly where it should
    c = ii.build(root / "ASEM_iData.csv", fw, pipe.clone().set_params(treat__winmax=1)).scores()
    assert not np.allclose(a["Index"], c["Index"])
