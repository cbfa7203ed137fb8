"""Pipeline steps: the common contract, equality with their kernels, and COINr section-A cases
that live at the step level (screening, iMeta-driven normalisation, panel imputation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.errors import SpecError
from innovindex.methods import normalise as nk
from innovindex.methods import treat as tk
from innovindex.steps import STEPS, Stage


@pytest.fixture(scope="module")
def asem(reference_data):
    root = reference_data / "coinr_asem"
    return root, ii.Framework.read(root / "ASEM_iMeta.csv")


@pytest.mark.parametrize("name", sorted(STEPS))
def test_step_contract(name):
    cls = STEPS[name]
    step = cls()
    params = step.get_params()
    assert set(params) == set(cls._param_names())
    assert cls(**params).get_params() == params  # __init__ stores, does not change
    assert step.clone().get_params() == params and step.clone() is not step
    with pytest.raises(SpecError, match="unknown parameter 'nope'"):
        step.set_params(nope=1)


def test_treat_step_equals_kernel_per_column(asem):
    root, fw = asem
    idx = ii.build(root / "ASEM_iData.csv", fw, {"treat": {"winmax": 2, "fallback": "log_ct"}})
    raw, treated = idx.stage("raw"), idx.stage("treated")
    for code in fw.indicators:
        expected = tk.treat_column(raw[code].to_numpy(), winmax=2).values
        np.testing.assert_array_equal(treated[code].to_numpy(), expected)


def test_normalise_step_equals_kernel_per_column(asem):
    root, fw = asem
    idx = ii.build(
        root / "ASEM_iData.csv", fw, {"normalise": {"method": "zscore", "mean": 10, "sd": 2}}
    )
    raw, out = idx.stage("raw"), idx.stage("normalised")
    for code, d in fw.directions.items():
        expected = nk.zscore(raw[code].to_numpy(), direction=d, mean=10, sd=2)
        np.testing.assert_allclose(out[code].to_numpy(), expected, rtol=0, atol=1e-12)
        col = out[code].dropna()
        assert (
            abs(col.mean() - 10) < 1e-9 and abs(col.std() - 2) < 1e-9
        )  # EXPECTED A: exactly as set


def test_normalise_ranges_from_imeta_columns(asem):
    """EXPECTED A: LPI and CO2 to [5, 50] and the rest to [1, 100] via iMeta columns."""
    root, fw = asem
    meta = fw.to_frame()
    meta["normalise.range"] = np.where(meta["iCode"].isin(["LPI", "CO2"]), "[5, 50]", None)
    fw2 = ii.Framework.from_frame(meta)
    out = ii.build(
        root / "ASEM_iData.csv", fw2, {"normalise": {"method": "minmax", "range": [1, 100]}}
    ).stage("normalised")
    for code in fw.indicators:
        lo, hi = (5, 50) if code in ("LPI", "CO2") else (1, 100)
        assert out[code].min() == pytest.approx(lo, abs=1e-12) and out[code].max() == pytest.approx(
            hi, abs=1e-12
        )


def test_dist2targ_uses_imeta_target(asem):
    root, fw = asem
    idx = ii.build(root / "ASEM_iData.csv", fw, {"normalise": {"method": "dist2targ"}})
    raw, out = idx.stage("raw"), idx.stage("normalised")
    targ = fw.attribute("Target")
    lpi, co2 = raw["LPI"], raw["CO2"]
    np.testing.assert_allclose(
        out["LPI"], (lpi - lpi.min()) / (targ["LPI"] - lpi.min()), atol=1e-12
    )
    np.testing.assert_allclose(
        out["CO2"], (co2.max() - co2) / (co2.max() - targ["CO2"]), atol=1e-12
    )


def test_minmax_fitted_on_one_year_applies_to_another(reference_data):
    root = reference_data / "coinr_asem"
    fw = ii.Framework.read(root / "ASEM_iMeta.csv")
    panel = ii.build_panel(
        root / "ASEM_iData_p.csv", fw, {"normalise": {"method": "minmax", "range": [0, 100]}}
    )
    step = panel[2018].steps[0][1]
    applied = step.transform(panel[2022].stages["raw"]).values
    raw18, raw22 = panel[2018].stage("raw"), panel[2022].stage("raw")
    code = "LPI"
    expected = (raw22[code] - raw18[code].min()) / (raw18[code].max() - raw18[code].min()) * 100
    np.testing.assert_allclose(applied[code], expected, atol=1e-9)


def _screen_stage() -> Stage:
    """EXPECTED A, test-Screen.R: 10 units x 10 columns."""
    X = np.arange(1.0, 101.0).reshape(10, 10)
    X[0, :5] = np.nan  # unit 1: 50% data
    X[1, 0] = np.nan  # unit 2: 90% data
    X[2, :5] = 0  # unit 3: 50% zeros
    X[3, 0] = 0  # unit 4: 90% non-zero
    codes = [f"i{j}" for j in range(10)]
    meta = pd.DataFrame(
        {
            "Level": [1] * 10 + [2],
            "iCode": [*codes, "Index"],
            "iName": [*codes, "Index"],
            "Direction": 1,
            "Weight": 1,
            "Parent": ["Index"] * 10 + [None],
            "Type": ["Indicator"] * 10 + ["Aggregate"],
        }
    )
    units = list("abcdefghij")
    return Stage(
        pd.DataFrame(X, index=units, columns=codes),
        pd.DataFrame({"uName": units}, index=units),
        ii.Framework.from_frame(meta),
    )


@pytest.mark.parametrize(
    ("params", "removed"),
    [
        ({"min_availability": 0.75}, {"a"}),
        ({"min_availability": 1.0}, {"a", "b"}),
        ({"min_nonzero": 0.75}, {"c"}),
        ({"min_availability": 1.0, "exclude": ["f"]}, {"a", "b", "f"}),
        ({"min_availability": 1.0, "include": ["b"]}, {"a"}),
    ],
)
def test_screen_matches_coinr_cases(params, removed):
    stage = _screen_stage()
    out = STEPS["screen"](**params).fit_transform(stage)
    assert set(stage.values.index) - set(out.values.index) == removed


def test_screen_rejects_share_outside_unit_interval():
    with pytest.raises(SpecError, match="min_availability"):
        STEPS["screen"](min_availability=75).fit(_screen_stage())


def test_panel_imputation_over_years(reference_data):
    root = reference_data / "coinr_asem"
    fw = ii.Framework.read(root / "ASEM_iMeta.csv")
    df = pd.read_csv(root / "ASEM_iData_p.csv")
    sel = (df.uCode == "AUT") & (df.Time == 2020)
    truth = df.loc[(df.uCode == "AUT") & df.Time.isin([2019, 2021]), "LPI"].to_numpy()
    df.loc[sel, "LPI"] = np.nan
    df.loc[(df.uCode == "NZL") & (df.Time == 2022), "LPI"] = np.nan
    panel = ii.build_panel(df, fw, {"impute": {"method": "linear"}, "aggregate": {}})
    assert panel[2020].stage("raw").at["AUT", "LPI"] == pytest.approx(truth.mean())
    nzl21 = df.loc[(df.uCode == "NZL") & (df.Time == 2021), "LPI"].item()
    assert panel[2022].stage("raw").at["NZL", "LPI"] == pytest.approx(nzl21)


def test_group_mean_imputation_fills_from_the_group(asem):
    root, fw = asem
    idx = ii.build(
        root / "ASEM_iData.csv", fw, {"impute": {"method": "group_mean", "group": "EurAsia_group"}}
    )
    raw, imp, grp = idx.stage("raw"), idx.stage("imputed"), idx.units["EurAsia_group"]
    holes = raw.isna()
    assert holes.to_numpy().any() and not imp.isna().to_numpy().any()
    for code in fw.indicators:
        for unit in raw.index[holes[code]]:
            assert imp.at[unit, code] == pytest.approx(raw.loc[grp == grp[unit], code].mean())


def test_geometric_aggregation_rejects_zero_scores(asem):
    root, fw = asem
    with pytest.raises(SpecError, match="geometric"):
        ii.build(
            root / "ASEM_iData.csv",
            fw,
            {"normalise": {"range": [0, 100]}, "aggregate": {"method": "geometric"}},
        )


def test_per_level_aggregation(asem):
    root, fw = asem
    spec = {
        "normalise": {"range": [1, 100]},
        "aggregate": {"method": "arithmetic", "levels": {4: {"method": "geometric"}}},
    }
    s = ii.build(root / "ASEM_iData.csv", fw, spec).scores()
    np.testing.assert_allclose(s["Index"], np.sqrt(s["Conn"] * s["Sust"]), rtol=1e-12)


def test_row_mean_imputation_within_level2_groups(asem):
    """EXPECTED A: min-max to [0, 1] within the group, the unit's row mean, scaled back."""
    root, fw = asem
    idx = ii.build(root / "ASEM_iData.csv", fw, {"impute": {"method": "row_mean", "level": 2}})
    raw, imp = idx.stage("raw"), idx.stage("imputed")
    assert np.isnan(raw.at["BGD", "ConSpeed"])
    lo, hi = raw.min(), raw.max()
    z = (raw - lo) / (hi - lo)
    for unit, code in [
        ("BGD", "ConSpeed"),
        *[(u, c) for c in fw.indicators for u in raw.index[raw[c].isna()]][:25],
    ]:
        group = fw.descendants(fw.parent(code))
        expected = z.loc[unit, group].mean() * (hi[code] - lo[code]) + lo[code]
        assert imp.at[unit, code] == pytest.approx(expected, rel=1e-12)
    present = raw.notna()
    pd.testing.assert_frame_equal(imp[present], raw[present])


def test_ranks_and_grouped_ranks():
    """EXPECTED A rank_df: (1,3,2,4) -> (4,2,3,1); grouped (a,a,b,b) -> (2,1,2,1)."""
    from innovindex.index import rank_desc

    x = pd.Series([1, 3, 2, 4], index=list("pqrs"))
    assert rank_desc(x).tolist() == [4, 2, 3, 1]
    assert rank_desc(x.groupby(pd.Series(list("aabb"), index=x.index))).tolist() == [2, 1, 2, 1]
    assert rank_desc(pd.Series([5.0, 5.0, 1.0, np.nan])).tolist()[:3] == [1, 1, 3]


def test_grouped_ranks_and_compare_on_a_build(asem):
    root, fw = asem
    a = ii.build(root / "ASEM_iData.csv", fw)
    by = a.ranks(by="EurAsia_group")["Index"]
    grp = a.units["EurAsia_group"]
    for g in grp.unique():
        members = a.scores()["Index"][grp == g]
        assert (
            by[grp == g].tolist()
            == members.rank(ascending=False, method="min").astype(int).tolist()
        )
    same = ii.compare(a, a)
    assert (same["diff"] == 0).all() and len(same) == 51
    b = ii.build(
        root / "ASEM_iData.csv", fw, {"treat": {"winmax": 1}, "normalise": {}, "aggregate": {}}
    )
    diff = ii.compare(a, b)
    assert (diff["diff"] == a.ranks()["Index"] - b.ranks()["Index"]).all() and diff[
        "abs_diff"
    ].sum() > 0


def test_hierarchical_aggregation_with_random_weights_equals_manual(asem):
    """EXPECTED A: random weights, bottom-up weighted means with missing values skipped."""
    root, fw = asem
    rng = np.random.default_rng(11)
    fw2 = fw.with_weights({c: float(rng.uniform(0.1, 3)) for c in fw.weights})
    idx = ii.build(root / "ASEM_iData.csv", fw2, {"normalise": {}, "aggregate": {}})
    vals = idx.stage("normalised").copy()
    w = fw2.weights
    for code in fw2.aggregates:
        kids = list(fw2.children(code))
        X, wk = vals[kids], pd.Series({k: w[k] for k in kids})
        vals[code] = (X * wk).sum(axis=1, min_count=1) / X.notna().mul(wk).sum(axis=1)
    np.testing.assert_allclose(
        idx.scores()[list(fw2.aggregates)], vals[list(fw2.aggregates)], rtol=1e-12
    )


def test_default_normalisation_is_minmax_0_100(asem):
    root, fw = asem
    out = ii.build(root / "ASEM_iData.csv", fw, {"normalise": True}).stage("normalised")
    assert (out.min() == 0).all() and (out.max() == 100).all()
    lowest = ii.build(root / "ASEM_iData.csv", fw, {}).stage("raw")["CO2"].idxmin()
    assert out.at[lowest, "CO2"] == 100  # direction -1: the lowest raw value scores 100


def test_panel_screen_keeps_46_units_in_2018(reference_data):
    """EXPECTED A snapshot: the example purse screened byNA at 0.9 keeps 46 units in 2018."""
    root = reference_data / "coinr_asem"
    fw = ii.Framework.read(root / "ASEM_iMeta.csv")
    panel = ii.build_panel(root / "ASEM_iData_p.csv", fw, {"screen": {"min_availability": 0.9}})
    assert len(panel) == 5 and all(len(i.stage("raw")) == 51 for i in panel.values())
    assert len(panel[2018].stage("screened")) == 46


def test_codes_are_read_as_text(tmp_path):
    """'007' stays '007' and Namibia's 'NA' is a unit code, not a missing value."""
    from innovindex.io.idata import read_data

    fw = _screen_stage().framework
    rows = ["uCode,grp," + ",".join(fw.indicators)]
    for code, grp in (("007", "NA"), ("010", "NA"), ("NA", "x")):
        rows.append(f"{code},{grp}," + ",".join(["1.5"] * 10))
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n")
    meta = fw.to_frame()
    meta.loc[len(meta)] = {"iCode": "grp", "iName": "grp", "Type": "Group"}
    df = read_data(path, ii.Framework.from_frame(meta))
    assert df["uCode"].tolist() == ["007", "010", "NA"] and df["grp"].tolist() == ["NA", "NA", "x"]


def test_transform_on_other_data_keeps_the_fitted_diagnostics(reference_data):
    root = reference_data / "coinr_asem"
    fw = ii.Framework.read(root / "ASEM_iMeta.csv")
    panel = ii.build_panel(root / "ASEM_iData_p.csv", fw, {"treat": {"winmax": 1}})
    treat = dict(panel[2018].steps)["treat"]
    before = panel[2018].treatment.copy()
    out = treat.transform(panel[2022].stages["raw"])
    pd.testing.assert_frame_equal(panel[2018].treatment, before)
    pd.testing.assert_frame_equal(out.notes["treat"], panel[2022].treatment)
    panel[2018].spec["treat"]["winmax"] = 3  # each year owns its spec
    assert panel[2022].spec["treat"]["winmax"] == 1


def test_dist2ref_follows_the_reference_unit_not_its_row(asem):
    root, fw = asem
    idx = ii.build(
        root / "ASEM_iData.csv", fw, {"normalise": {"method": "dist2ref", "ref_unit": "DEU"}}
    )
    step = dict(idx.steps)["normalise"]
    raw = idx.stages["raw"]
    reversed_stage = raw.evolve(values=raw.values.iloc[::-1], units=raw.units.iloc[::-1])
    again = step.transform(reversed_stage).values
    pd.testing.assert_frame_equal(again.loc[idx.stage("normalised").index], idx.stage("normalised"))
