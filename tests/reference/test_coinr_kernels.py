"""COINr parity of the bare kernels on the ASEM data (EXPECTED.md sections A and B).

Each of the 49 indicator columns of ASEM_iData (raw, no denomination) goes through
``treat_column`` with COINr's defaults (pipeline A) and with ``winmax=1`` (pipeline A2), and
the results are compared with COINr 1.1.14's outputs: treated values (1e-6 relative), which
indicators failed the first check, points winsorised (count and positions), skew/kurtosis
before and after, and where the log_CT fallback was used. Then min-max 0..100 with the
iMeta directions on the treated values is compared with the normalised data set.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovindex.methods import normalise, treat

RTOL = 1e-6
STAT_TOL = 1e-9  # skew/kurtosis are printed by R to 15 significant digits


@pytest.fixture(scope="module")
def asem(reference_data: Path) -> dict[str, object]:
    root = reference_data / "coinr_asem"
    meta = pd.read_csv(root / "ASEM_iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"]
    codes = list(ind["iCode"])
    raw = pd.read_csv(root / "ASEM_iData.csv").set_index("uCode")
    return {
        "root": root / "reference_outputs",
        "codes": codes,
        "directions": dict(zip(codes, ind["Direction"].astype(float), strict=True)),
        "targets": dict(zip(codes, ind["Target"].astype(float), strict=True)),
        "raw": raw,
    }


def _treated_ref(asem: dict[str, object], name: str) -> pd.DataFrame:
    root: Path = asem["root"]  # type: ignore[assignment]
    return pd.read_csv(root / name).set_index("uCode")


def _details(asem: dict[str, object], name: str) -> pd.DataFrame:
    root: Path = asem["root"]  # type: ignore[assignment]
    return pd.read_csv(root / name).set_index("iCode")


def _raw_in_ref_order(asem: dict[str, object], ref: pd.DataFrame) -> pd.DataFrame:
    raw: pd.DataFrame = asem["raw"]  # type: ignore[assignment]
    assert set(raw.index) == set(ref.index)
    return raw.loc[ref.index]


def test_indicator_metadata_shape(asem: dict[str, object]) -> None:
    codes: list[str] = asem["codes"]  # type: ignore[assignment]
    dirs: dict[str, float] = asem["directions"]  # type: ignore[assignment]
    assert len(codes) == 49
    assert sorted(c for c in codes if dirs[c] == -1) == sorted(
        ["CostImpEx", "Tariff", "TBTs", "PrimEner", "CO2", "MatCon", "Forest", "Poverty",
         "Palma", "FreePress", "TolMin", "PubDebt", "PrivDebt", "NEET"]
    )  # fmt: skip


def _check_details(res: treat.TreatResult, row: pd.Series, code: str) -> None:
    passed0 = bool(row["check_SkewKurt0.Pass"])
    assert res.skew_before == pytest.approx(row["check_SkewKurt0.Skew"], rel=STAT_TOL), code
    assert res.kurt_before == pytest.approx(row["check_SkewKurt0.Kurt"], rel=STAT_TOL), code
    if passed0:
        assert not res.treated and res.nwin == 0, code
        return
    assert res.treated, code
    assert res.nwin == int(row["winsorise.nwin"]), code
    assert res.skew_win == pytest.approx(row["check_SkewKurt1.Skew"], rel=STAT_TOL), code
    assert res.kurt_win == pytest.approx(row["check_SkewKurt1.Kurt"], rel=STAT_TOL), code
    used_f2 = "check_SkewKurt2.Pass" in row.index and not pd.isna(row["check_SkewKurt2.Pass"])
    assert bool(row["check_SkewKurt1.Pass"]) is (not used_f2), code
    if used_f2:
        assert res.fallback == "log_ct", code
        assert res.passed is bool(row["check_SkewKurt2.Pass"]), code
        assert res.skew_after == pytest.approx(row["check_SkewKurt2.Skew"], rel=STAT_TOL), code
        assert res.kurt_after == pytest.approx(row["check_SkewKurt2.Kurt"], rel=STAT_TOL), code
    else:
        assert res.fallback is None and res.passed, code
        assert res.skew_after == res.skew_win and res.kurt_after == res.kurt_win, code


def _treat_all(
    asem: dict[str, object], ref: pd.DataFrame, **kwargs: int
) -> dict[str, treat.TreatResult]:
    raw = _raw_in_ref_order(asem, ref)
    codes: list[str] = asem["codes"]  # type: ignore[assignment]
    return {c: treat.treat_column(raw[c].to_numpy(dtype=float), **kwargs) for c in codes}


def test_default_treatment_matches_coinr(asem: dict[str, object]) -> None:
    ref = _treated_ref(asem, "default_pipeline_treated.csv")
    det = _details(asem, "default_pipeline_treat_details.csv")
    results = _treat_all(asem, ref)
    for code, res in results.items():
        np.testing.assert_allclose(
            res.values, ref[code].to_numpy(dtype=float), rtol=RTOL, equal_nan=True, err_msg=code
        )
        _check_details(res, det.loc[code], code)
    failed = sorted(c for c, r in results.items() if r.treated)
    assert failed == sorted(det.index[~det["check_SkewKurt0.Pass"].astype(bool)])
    assert len(failed) == 18
    assert all(r.fallback is None for r in results.values())  # winsorising alone suffices
    by_n = {c: r.nwin for c, r in results.items() if r.treated}
    assert sorted(c for c, k in by_n.items() if k == 3) == ["CultServ", "Poverty", "Tariff"]
    assert results["FemLab"].side == "low"
    assert not results["PubDebt"].treated  # skew 1.99943 < 2 although kurt 5.97


def test_default_treated_points_match_coinr(asem: dict[str, object]) -> None:
    ref = _treated_ref(asem, "default_pipeline_treated.csv")
    root: Path = asem["root"]  # type: ignore[assignment]
    points = pd.read_csv(root / "default_pipeline_treated_points.csv", keep_default_na=False)
    assert len(points) == len(ref)  # same unit order as the treated data set (no uCode column)
    for code, res in _treat_all(asem, ref).items():
        marks = points[code].to_numpy()
        np.testing.assert_array_equal(res.winsorised, marks != "", err_msg=code)
        side = {m for m in marks if m}
        expected = {"winhi": "high", "winlo": "low"}
        assert res.side == (expected[side.pop()] if side else None), code


def test_winmax1_treatment_matches_coinr(asem: dict[str, object]) -> None:
    ref = _treated_ref(asem, "winmax1_treated.csv")
    det = _details(asem, "winmax1_treat_details.csv")
    results = _treat_all(asem, ref, winmax=1)
    for code, res in results.items():
        np.testing.assert_allclose(
            res.values, ref[code].to_numpy(dtype=float), rtol=RTOL, equal_nan=True, err_msg=code
        )
        _check_details(res, det.loc[code], code)
    logged = sorted(c for c, r in results.items() if r.fallback == "log_ct")
    assert logged == sorted(
        ["Goods", "Tariff", "StMob", "Research", "CultServ", "Tourist", "Forest", "Poverty",
         "NGOs"]
    )  # fmt: skip
    assert all(results[c].passed for c in logged)
    assert results["Tariff"].skew_after == pytest.approx(-1.1212, abs=5e-5)
    assert results["Tariff"].kurt_after == pytest.approx(5.2353, abs=5e-5)


def test_default_minmax_matches_coinr(asem: dict[str, object]) -> None:
    ref_t = _treated_ref(asem, "default_pipeline_treated.csv")
    ref_n = _treated_ref(asem, "default_pipeline_normalised.csv").loc[ref_t.index]
    codes: list[str] = asem["codes"]  # type: ignore[assignment]
    dirs: dict[str, float] = asem["directions"]  # type: ignore[assignment]
    results = _treat_all(asem, ref_t)
    X = np.column_stack([results[c].values for c in codes])
    Y = normalise.minmax(X, direction=np.array([dirs[c] for c in codes]), range=(0.0, 100.0))
    expected = ref_n[codes].to_numpy(dtype=float)
    np.testing.assert_allclose(Y, expected, rtol=RTOL, atol=1e-9, equal_nan=True)
    np.testing.assert_array_equal(np.isnan(Y), np.isnan(expected))


# ---- section A tests that use iMeta parameters on ASEM Raw (test-normalise.R)


def test_minmax_and_zscore_with_per_indicator_parameters(asem: dict[str, object]) -> None:
    raw: pd.DataFrame = asem["raw"]  # type: ignore[assignment]
    codes: list[str] = asem["codes"]  # type: ignore[assignment]
    X = raw[codes].to_numpy(dtype=float)
    special = np.isin(codes, ["LPI", "CO2"])
    for j, code in enumerate(codes):
        lo, hi = (5.0, 50.0) if special[j] else (1.0, 100.0)
        y = normalise.minmax(X[:, j], range=(lo, hi))
        assert (np.nanmin(y), np.nanmax(y)) == pytest.approx((lo, hi), rel=1e-14), code
        m, s = (100.0, 10.0) if special[j] else (10.0, 1.0)
        z = normalise.zscore(X[:, j], mean=m, sd=s)
        assert np.nanmean(z) == pytest.approx(m, rel=1e-12), code
        assert np.nanstd(z, ddof=1) == pytest.approx(s, rel=1e-12), code


def test_dist2targ_with_imeta_targets(asem: dict[str, object]) -> None:
    raw: pd.DataFrame = asem["raw"]  # type: ignore[assignment]
    targets: dict[str, float] = asem["targets"]  # type: ignore[assignment]
    lpi = raw["LPI"].to_numpy(dtype=float)
    co2 = raw["CO2"].to_numpy(dtype=float)
    t_lpi, t_co2 = targets["LPI"], targets["CO2"]
    np.testing.assert_allclose(
        normalise.dist2targ(lpi, target=t_lpi, direction=1),
        (lpi - np.nanmin(lpi)) / (t_lpi - np.nanmin(lpi)),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        normalise.dist2targ(co2, target=t_co2, direction=-1),
        (np.nanmax(co2) - co2) / (np.nanmax(co2) - t_co2),
        rtol=1e-12,
    )
