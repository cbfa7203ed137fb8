"""Statistics and coherence on ASEM against COINr's numbers (EXPECTED.md A) and independent
formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import innovindex as ii
from innovindex.audit import stats, weights
from innovindex.errors import SpecError


def test_flights_skew_kurtosis_match_coinr(example_coin: ii.Index) -> None:
    s = stats.indicator_stats(example_coin, "raw").set_index("iCode")
    assert s.loc["Flights", "skew"] == pytest.approx(2.10328719405155, abs=1e-12)
    assert s.loc["Flights", "kurtosis"] == pytest.approx(4.50887936970066, abs=1e-12)
    assert s.loc["Flights", "flag_skew_kurt"] == "OUT"
    # PubDebt: kurtosis 5.97 but |skew| 1.99943 < 2, so not flagged (EXPECTED.md B)
    assert s.loc["PubDebt", "flag_skew_kurt"] == "ok"


def test_indicator_stats_against_scipy_and_pandas(example_coin: ii.Index) -> None:
    raw = example_coin.stage("raw")
    s = stats.indicator_stats(example_coin, "raw").set_index("iCode")
    for code in ["LPI", "Goods", "CO2", "NEET"]:
        x = raw[code].dropna()
        assert s.loc[code, "mean"] == pytest.approx(x.mean())
        assert s.loc[code, "sd"] == pytest.approx(x.std())
        assert s.loc[code, "median"] == pytest.approx(x.median())
        assert s.loc[code, "skew"] == pytest.approx(sps.skew(x, bias=False))
        assert s.loc[code, "kurtosis"] == pytest.approx(sps.kurtosis(x, bias=False))
        assert s.loc[code, "frc_avail"] == pytest.approx(raw[code].notna().mean())
    assert (s["flag_avail"] == np.where(s["frc_avail"] >= 0.65, "ok", "LOW")).all()


def test_correlations_match_pandas_and_flags(example_coin: ii.Index) -> None:
    norm = example_coin.stage("normalised")
    for method in ("pearson", "spearman"):
        c = stats.correlations(example_coin, method=method)
        row = c[(c["x"] == "LPI") & (c["y"] == "Flights")].iloc[0]
        assert row["kind"] == "within"
        assert row["r"] == pytest.approx(norm["LPI"].corr(norm["Flights"], method=method))
        between = c[(c["x"] == "Conn") & (c["y"] == "Index")].iloc[0]
        scores = example_coin.scores()
        assert between["r"] == pytest.approx(scores["Conn"].corr(scores["Index"], method=method))
        assert set(c.loc[c["r"] < 0, "flag"]) == {"negative"}
        assert (c.loc[(c["kind"] == "within") & (c["r"] > 0.9), "flag"] == "collinear").all()
        assert (
            c.loc[(c["kind"] == "between") & c["r"].between(0, 0.3, inclusive="left"), "flag"]
            == "weak"
        ).all()
    with pytest.raises(SpecError, match="pearson"):
        stats.correlations(example_coin, method="kendal")


def test_cronbach_alpha_formula(example_coin: ii.Index) -> None:
    # on complete data COINr's k^2 mean(offdiag cov) / sum(cov) equals the textbook
    # k/(k-1) (1 - sum(var_i) / var(total))
    a = stats.cronbach_alpha(example_coin, "normalised").set_index("aggregate")
    X = example_coin.stage("normalised")[list(example_coin.framework.children("Physical"))]
    assert X.notna().all().all()
    k = X.shape[1]
    textbook = k / (k - 1) * (1 - X.var().sum() / X.sum(axis=1).var())
    assert a.loc["Physical", "alpha"] == pytest.approx(textbook)
    raw = stats.cronbach_alpha(example_coin, "raw").set_index("aggregate")
    C = example_coin.stage("raw")[list(X.columns)].cov().to_numpy()
    assert raw.loc["Physical", "alpha"] == pytest.approx(
        k**2 * C[~np.eye(k, dtype=bool)].mean() / C.sum()
    )


def test_pca_against_correlation_eigenvalues(example_coin: ii.Index) -> None:
    var, load = stats.pca(example_coin)
    members = ["Forest", "CO2", "MatCon", "PrimEner", "Renew"]  # Environ, any order
    X = example_coin.stage("normalised")[list(example_coin.framework.children("Environ"))].dropna()
    eig = np.sort(np.linalg.eigvalsh(X.corr().to_numpy()))[::-1]
    v = var[var["aggregate"] == "Environ"]
    np.testing.assert_allclose(v["variance"], eig, rtol=1e-10)
    assert v["cumulative"].iloc[-1] == pytest.approx(1.0)
    l1 = load[(load["aggregate"] == "Environ") & (load["component"] == "PC1")]
    assert set(l1["iCode"]) == set(members)
    assert (l1["loading"] ** 2).sum() == pytest.approx(1.0)


def test_effective_weights_sum_to_one_per_level(example_coin: ii.Index) -> None:
    e = stats.effective_weights(example_coin)
    np.testing.assert_allclose(e.groupby("level")["eff_weight"].sum(), 1.0)
    assert len(e) == 49 + 8 + 2 + 1
    # all weights are 1: LPI's effective weight = 1/2 (Conn of 2) * 1/5 (Physical of 5) * 1/8
    fw = example_coin.framework
    assert (len(fw.children("Index")), len(fw.children("Conn")), len(fw.children("Physical"))) == (
        2,
        5,
        8,
    )
    assert e.set_index("iCode").loc["LPI", "eff_weight"] == pytest.approx(1 / 2 / 5 / 8)


def test_remove_elements_equals_plain_rebuild(example_coin: ii.Index) -> None:
    res = weights.remove_elements(example_coin, 2)
    raw = example_coin.stages["raw"]
    data = pd.concat([raw.units, raw.values], axis=1).reset_index()
    fw = example_coin.framework.with_weights({"Social": 0.0})
    plain = ii.build(data, fw, ii.Pipeline.from_spec(example_coin.spec)).ranks()["Index"]
    ours = res.ranks.set_index("uCode")["Social"]
    np.testing.assert_array_equal(
        ours.loc[plain.index.astype(str)].to_numpy(), plain.to_numpy(dtype=float)
    )
    diffs = res.rank_diffs.set_index("uCode")
    assert (diffs["Social"] == diffs["nominal"] - ours).all()
    assert res.mean_abs_diff["Social"] == pytest.approx((diffs["Social"]).abs().mean())


def test_optimised_weights_match_coinr(example_coin: ii.Index) -> None:
    eq = weights.optimise_weights(example_coin, 3, "equal")
    np.testing.assert_allclose(eq.table["obtained"].round(2), [0.50, 0.50])
    tgt = weights.optimise_weights(example_coin, 3, [1, 2], toler=0.01)
    np.testing.assert_allclose(tgt.table["obtained"].round(2), [0.33, 0.67])
    assert tgt.weights["Conn"] + tgt.weights["Sust"] == pytest.approx(1.0)
    with pytest.raises(SpecError, match="itarg needs 2 positive numbers"):
        weights.optimise_weights(example_coin, 3, [1, 2, 3])
