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
        expected = tk.treat_column(raw[code].to_numpy(), winmax=2, fallback="log_ct").values
        np.testing.assert_array_equal(treated[code].to_numpy(), expected)


def test_normalise_step_equals_kernel_per_column(asem):
    root, fw = asem
    idx = ii.build(root / "ASEM_iData.csv", fw, {"normalise": {"method": "zscore", "mean": 10, "sd": 2}})
    raw, out = idx.stage("raw"), idx.stage("normalised")
    for code, d in fw.directions.items():
        expected = nk.zscore(raw[code].to_numpy(), direction=d, mean=10, sd=2)
        np.testing.assert_allclose(out[code].to_numpy(), expected, rtol=0, atol=1e-12)
        col = out[code].dropna()
        assert abs(col.mean() - 10) < 1e-9 and abs(col.std() - 2) < 1e-9  # EXPECTED A: exactly as set


def test_normalise_ranges_from_imeta_columns(asem):
    """EXPECTED A: LPI and CO2 to [5, 50] and the rest to [1, 100] via iMeta columns."""
    root, fw = asem
    meta = fw.to_frame()
    meta["normalise.range"] = np.where(meta["iCode"].isin(["LPI", "CO2"]), "[5, 50]", None)
    fw2 = ii.Framework.from_frame(meta)
    out = ii.build(root / "ASEM_iData.csv", fw2, {"normalise": {"method": "minmax", "range": [1, 100]}}).stage("normalised")
    for code in fw.indicators:
        lo, hi = (5, 50) if code in ("LPI", "CO2") else (1, 100)
        assert out[code].min() == pytest.approx(lo, abs=1e-12) and out[code].max() == pytest.approx(hi, abs=1e-12)


def test_dist2targ_uses_imeta_target(asem):
    root, fw = asem
    idx = ii.build(root / "ASEM_iData.csv", fw, {"normalise": {"method": "dist2targ"}})
    raw, out = idx.stage("raw"), idx.stage("normalised")
    targ = fw.attribute("Target")
    lpi, co2 = raw["LPI"], raw["CO2"]
    np.testing.assert_allclose(out["LPI"], (lpi - lpi.min()) / (targ["LPI"] - lpi.min()), atol=1e-12)
    np.testing.assert_allclose(out["CO2"], (co2.max() - co2) / (co2.max() - targ["CO2"]), atol=1e-12)


def test_minmax_fitted_on_one_year_applies_to_another(reference_data):
    root = reference_data / "coinr_asem"
    fw = ii.Framework.read(root / "ASEM_iMeta.csv")
    panel = ii.build_panel(root / "ASEM_iData_p.csv", fw, {"normalise": {"method": "minmax", "range": [0, 100]}})
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
    meta = pd.DataFrame({"Level": [1] * 10 + [2], "iCode": [*codes, "Index"], "iName": [*codes, "Index"],
                         "Direction": 1, "Weight": 1, "Parent": ["Index"] * 10 + [None],
                         "Type": ["Indicator"] * 10 + ["Aggregate"]})
    units = list("abcdefghij")
    return Stage(pd.DataFrame(X, index=units, columns=codes),
                 pd.DataFrame({"uName": units}, index=units), ii.Framework.from_frame(meta))


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
    idx = ii.build(root / "ASEM_iData.csv", fw, {"impute": {"method": "group_mean", "group": "EurAsia_group"}})
    raw, imp, grp = idx.stage("raw"), idx.stage("imputed"), idx.units["EurAsia_group"]
    holes = raw.isna()
    assert holes.to_numpy().any() and not imp.isna().to_numpy().any()
    for code in fw.indicators:
        for unit in raw.index[holes[code]]:
            assert imp.at[unit, code] == pytest.approx(raw.loc[grp == grp[unit], code].mean())


def test_geometric_aggregation_rejects_zero_scores(asem):
    root, fw = asem
    with pytest.raises(SpecError, match="geometric"):
        ii.build(root / "ASEM_iData.csv", fw, {"normalise": {"range": [0, 100]}, "aggregate": {"method": "geometric"}})


def test_per_level_aggregation(asem):
    root, fw = asem
    spec = {"normalise": {"range": [1, 100]}, "aggregate": {"method": "arithmetic", "levels": {4: {"method": "geometric"}}}}
    s = ii.build(root / "ASEM_iData.csv", fw, spec).scores()
    np.testing.assert_allclose(s["Index"], np.sqrt(s["Conn"] * s["Sust"]), rtol=1e-12)
