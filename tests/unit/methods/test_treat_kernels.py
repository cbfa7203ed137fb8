"""Treatment kernels against COINr's test-treat.R (EXPECTED.md section A) and scipy.

Published numbers (marked "computed here" in EXPECTED.md) are checked to the digits given
there; everything else is recomputed independently with scipy / numpy.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from innovindex.errors import SpecError
from innovindex.methods import transforms, treat

X11 = np.array([*range(1, 11), 100], dtype=float)  # c(1:10, 100)
X22 = np.array([*range(1, 21), 100, 200], dtype=float)  # c(1:20, 100, 200)


def sp_skew(v: np.ndarray) -> float:
    v = v[~np.isnan(v)]
    return float(stats.skew(v, bias=False))


def sp_kurt(v: np.ndarray) -> float:
    v = v[~np.isnan(v)]
    return float(stats.kurtosis(v, fisher=True, bias=False))


# ------------------------------------------------------------------ skew / kurtosis / check


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_skew_kurtosis_are_type2_estimators(seed: int) -> None:
    v = np.random.default_rng(seed).lognormal(size=37)
    v[[3, 17]] = np.nan
    assert treat.skew(v) == pytest.approx(sp_skew(v), rel=1e-12)
    assert treat.kurtosis(v) == pytest.approx(sp_kurt(v), rel=1e-12)


def test_published_skew_kurt_of_c1to10_100() -> None:
    assert treat.skew(X11) == pytest.approx(3.255638, abs=5e-7)
    assert treat.kurtosis(X11) == pytest.approx(10.706674, abs=5e-7)


@pytest.mark.parametrize("v", [[1.0, 2.0], [5.0, 5.0, 5.0, 5.0, 5.0], [np.nan, 1.0, np.nan, 2.0]])
def test_undefined_statistics_are_nan(v: list[float]) -> None:
    assert np.isnan(treat.skew(v))
    assert np.isnan(treat.kurtosis(v))


def test_skew_defined_with_three_values_kurtosis_needs_four() -> None:
    assert treat.skew([1.0, 2.0, 10.0]) == pytest.approx(sp_skew(np.array([1.0, 2.0, 10.0])))
    assert np.isnan(treat.kurtosis([1.0, 2.0, 10.0]))


def test_check_fails_only_when_both_thresholds_reached() -> None:
    passes, sk, kt = treat.check(X11)
    assert not passes
    assert (sk, kt) == (treat.skew(X11), treat.kurtosis(X11))
    # raise either threshold above the statistic and the column passes
    assert treat.check(X11, skew=sk + 1e-9)[0]
    assert treat.check(X11, kurtosis=kt + 1e-9)[0]
    # the thresholds themselves count as reached (COINr: pass when abs(skew) < thresh)
    assert not treat.check(X11, skew=sk, kurtosis=kt)[0]


def test_check_passes_high_kurtosis_when_skew_below_threshold() -> None:
    # PubDebt-like: |skew| just under 2 with a large kurtosis passes
    _, sk, kt = treat.check(X11)
    assert kt > 3.5
    assert treat.check(X11, skew=abs(sk) + 0.001)[0]


def test_check_constant_column_passes() -> None:
    passes, sk, kt = treat.check(np.full(8, 3.0))
    assert passes and np.isnan(sk) and np.isnan(kt)


# ------------------------------------------------------------------ winsorise


def test_winsorise_c1to10_100_winmax5() -> None:
    r = treat.winsorise(X11, winmax=5)
    expected = np.array([*range(1, 11), 10], dtype=float)
    np.testing.assert_array_equal(r.values, expected)
    assert (r.nwin, r.n_high, r.n_low, r.side) == (1, 1, 0, "high")
    assert r.passed and r.treated
    np.testing.assert_array_equal(r.winsorised, np.arange(11) == 10)
    assert r.skew_after == pytest.approx(-0.1276, abs=5e-5)
    assert r.kurt_after == pytest.approx(-1.3367, abs=5e-5)
    assert r.skew_after == pytest.approx(sp_skew(expected), rel=1e-12)
    assert r.kurt_after == pytest.approx(sp_kurt(expected), rel=1e-12)


def test_winsorise_winmax1_still_fails() -> None:
    r = treat.winsorise(X22, winmax=1)
    expected = X22.copy()
    expected[-1] = 100.0
    np.testing.assert_array_equal(r.values, expected)
    assert r.nwin == 1 and not r.passed
    assert r.skew_after == pytest.approx(2.8170, abs=5e-5)
    assert r.kurt_after == pytest.approx(7.1335, abs=5e-5)


def test_winsorise_force_win_counts_ties_and_turns_to_low_end() -> None:
    r = treat.winsorise(X22, winmax=3, force=True)
    expected = np.array([2, 2, *range(3, 21), 20, 20], dtype=float)
    np.testing.assert_array_equal(r.values, expected)
    assert r.winsorised.sum() == 3
    np.testing.assert_array_equal(np.flatnonzero(r.winsorised), [0, 20, 21])
    assert (r.n_high, r.n_low, r.side) == (2, 1, "both")


def test_winsorise_tie_can_exceed_winmax() -> None:
    v = np.array([*range(1, 21), 200, 200], dtype=float)
    r = treat.winsorise(v, winmax=1)
    assert r.n_high == 2
    np.testing.assert_array_equal(r.values[-2:], [20.0, 20.0])


def test_winsorise_negative_skew_works_at_low_end() -> None:
    v = np.array([*range(1, 11), -100], dtype=float)  # c(1:10, -100)
    r = treat.winsorise(v, winmax=2)
    assert (r.n_low, r.n_high, r.side) == (1, 0, "low")
    assert r.values[-1] == 1.0 and r.passed


def test_winsorise_passing_column_untouched_unless_forced() -> None:
    v = np.arange(1.0, 12.0)
    r = treat.winsorise(v)
    np.testing.assert_array_equal(r.values, v)
    assert not r.treated and r.side is None and np.isnan(r.skew_win)
    forced = treat.winsorise(v, winmax=2, force=True)
    assert forced.nwin == 2


def test_winsorise_no_limit_and_nan_positions() -> None:
    v = np.concatenate([np.arange(1.0, 30.0), [500.0, 1000.0, 5000.0, 10000.0]])
    with_nan = np.insert(v, [2, 10], np.nan)
    unlimited = treat.winsorise(with_nan, winmax=None)
    plain = treat.winsorise(v, winmax=None)
    assert unlimited.passed
    assert np.isnan(unlimited.values[[2, 11]]).all()
    np.testing.assert_array_equal(unlimited.values[~np.isnan(with_nan)], plain.values)
    assert unlimited.nwin == plain.nwin
    assert not unlimited.winsorised[[2, 11]].any()


def test_winsorise_does_not_modify_input() -> None:
    v = X11.copy()
    treat.winsorise(v)
    np.testing.assert_array_equal(v, X11)


def test_winsorise_rejects_negative_winmax() -> None:
    with pytest.raises(SpecError, match="winmax"):
        treat.winsorise(X11, winmax=-1)


# ------------------------------------------------------------------ transforms


def test_log_ct_formula_and_published_values() -> None:
    y = transforms.log_ct(X22)
    np.testing.assert_allclose(y, np.log(X22 - 1.0 + 0.01 * 199.0), rtol=1e-15)
    np.testing.assert_allclose(y[:2], [0.6881346, 1.0952734], atol=5e-8)
    np.testing.assert_allclose(y[-2:], [4.6150215, 5.3032552], atol=5e-8)


def test_gii_log_formula() -> None:
    v = np.array([2.0, 5.0, np.nan, 40.0])
    expected = np.log((40.0 - 1.0) * (v - 2.0) / 38.0 + 1.0)
    np.testing.assert_allclose(transforms.gii_log(v), expected, rtol=1e-15)
    assert transforms.gii_log(v)[0] == 0.0 and transforms.gii_log(v)[-1] == pytest.approx(
        np.log(40.0)
    )


def test_gii_log_refuses_max_at_most_one() -> None:
    with pytest.raises(SpecError, match="max"):
        transforms.gii_log([0.1, 0.5, 0.9])


def test_log_refuses_non_positive() -> None:
    np.testing.assert_allclose(transforms.log(X22), np.log(X22))
    with pytest.raises(SpecError, match="<= 0"):
        transforms.log([1.0, 0.0, 3.0])


def test_log_ct_refuses_constant_column() -> None:
    with pytest.raises(SpecError, match="constant"):
        transforms.log_ct([2.0, 2.0, 2.0])


# ------------------------------------------------------------------ treat_column


def test_treat_column_fallback_log_uses_original() -> None:
    r = treat.treat_column(X22, winmax=1, fallback=transforms.log)
    np.testing.assert_allclose(r.values, np.log(X22), rtol=1e-15)
    assert r.fallback == "log"


def test_treat_column_fallback_log_ct() -> None:
    r = treat.treat_column(X22, winmax=1)
    np.testing.assert_allclose(r.values, transforms.log_ct(X22), rtol=1e-15)
    assert r.fallback == "log_ct" and r.passed and r.treated
    assert r.skew_after == pytest.approx(0.9695, abs=5e-5)
    assert r.kurt_after == pytest.approx(2.2460, abs=5e-5)
    # the discarded winsorisation is still reported, as in COINr's details table
    assert r.nwin == 1
    assert r.skew_win == pytest.approx(2.8170, abs=5e-5)
    assert r.skew_before == pytest.approx(treat.skew(X22))


def test_treat_column_fallback_none_keeps_winsorised() -> None:
    r = treat.treat_column(X22, winmax=1, fallback=None)
    np.testing.assert_array_equal(r.values, treat.winsorise(X22, winmax=1).values)
    assert r.fallback is None and not r.passed


def test_treat_column_auto_winsorises_when_enough() -> None:
    r = treat.treat_column(X11)
    np.testing.assert_array_equal(r.values, treat.winsorise(X11).values)
    assert r.fallback is None and r.nwin == 1


def test_treat_column_passing_column_untouched() -> None:
    v = np.arange(1.0, 12.0)
    r = treat.treat_column(v)
    np.testing.assert_array_equal(r.values, v)
    assert not r.treated and r.passed
    assert (r.skew_after, r.kurt_after) == (r.skew_before, r.kurt_before)


def test_treat_column_force_win_mode() -> None:
    r = treat.treat_column(X22, winmax=3, mode="force_win")
    np.testing.assert_array_equal(r.values, [2, 2, *range(3, 21), 20, 20])
    assert r.nwin == 3


def test_treat_column_fallback_mode_and_none_mode() -> None:
    v = np.arange(1.0, 12.0)  # passes, but an override logs it anyway
    r = treat.treat_column(v, mode="fallback")
    np.testing.assert_allclose(r.values, np.log(v - 1.0 + 0.1))
    assert r.fallback == "log_ct" and r.nwin == 0
    n = treat.treat_column(X22, mode="none")
    np.testing.assert_array_equal(n.values, X22)
    assert not n.treated and not n.passed


def test_treat_column_unknown_mode() -> None:
    with pytest.raises(SpecError, match="mode 'winsor'; valid: auto, fallback, force_win, none"):
        treat.treat_column(X11, mode="winsor")


def test_treat_column_rejects_2d() -> None:
    with pytest.raises(SpecError, match="1-D"):
        treat.treat_column(np.ones((3, 2)))
