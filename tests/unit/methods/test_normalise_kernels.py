"""Normalisation kernels against COINr's test-normalise.R (EXPECTED.md section A).

Expected values are the published ones or are recomputed from the formulas with numpy/scipy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy import stats

from innovindex.errors import SpecError
from innovindex.methods import normalise as n

X10 = np.arange(1.0, 11.0)
RNG_X = np.random.default_rng(7).normal(size=(12, 3)) * [1.0, 10.0, 100.0]


def test_minmax_onto_given_range() -> None:
    y = n.minmax(X10, range=(2.0, 7.0))
    assert (y.min(), y.max()) == (2.0, 7.0)
    np.testing.assert_allclose(y, 2.0 + (X10 - 1.0) / 9.0 * 5.0)


def test_minmax_default_is_0_100_and_direction_flips() -> None:
    y = n.minmax(X10)
    np.testing.assert_allclose(y, (X10 - 1.0) / 9.0 * 100.0)
    flipped = n.minmax(X10, direction=-1)
    assert flipped[0] == 100.0 and flipped[-1] == 0.0
    np.testing.assert_allclose(flipped, 100.0 - y)


def test_minmax_constant_column_goes_to_midpoint_and_nan_stays() -> None:
    y = n.minmax([4.0, np.nan, 4.0], range=(0.0, 100.0))
    np.testing.assert_array_equal(y, [50.0, np.nan, 50.0])
    assert np.isnan(n.minmax([np.nan, np.nan])).all()


def test_zscore_mean_and_sample_sd() -> None:
    y = n.zscore(X10, mean=5.0, sd=2.0)
    assert y.mean() == pytest.approx(5.0)
    assert y.std(ddof=1) == pytest.approx(2.0)
    np.testing.assert_allclose(y, (X10 - X10.mean()) / X10.std(ddof=1) * 2.0 + 5.0)


def test_zscore_flat_column_and_bad_sd() -> None:
    np.testing.assert_array_equal(n.zscore([3.0, 3.0, np.nan], mean=10.0), [10.0, 10.0, np.nan])
    with pytest.raises(SpecError, match="sd must be positive"):
        n.zscore(X10, sd=0.0)


def test_dist2targ_published() -> None:
    np.testing.assert_allclose(n.dist2targ([0.0, 5.0, 11.0], target=10.0), [0.0, 0.5, 1.1])
    np.testing.assert_allclose(
        n.dist2targ([0.0, 5.0, 11.0], target=10.0, cap_max=True), [0.0, 0.5, 1.0]
    )
    np.testing.assert_allclose(
        n.dist2targ([-1.0, 1.0, 10.0], target=0.0, direction=-1), [1.1, 0.9, 0.0]
    )
    np.testing.assert_allclose(
        n.dist2targ([-1.0, 1.0, 10.0], target=0.0, direction=-1, cap_max=True), [1.0, 0.9, 0.0]
    )


def test_dist2targ_capped_range_on_1_to_10() -> None:
    y = n.dist2targ(X10, target=8.0, cap_max=True)
    assert (y.min(), y.max()) == (0.0, 1.0)
    assert np.all(y[X10 >= 8.0] == 1.0)


def test_dist2targ_target_at_worst_value_is_spec_error() -> None:
    with pytest.raises(SpecError, match="target equals the worst value"):
        n.dist2targ(X10, target=1.0)


def test_goalposts_published() -> None:
    gp: dict[str, Any] = {"lower": 0.0, "upper": 10.0, "scale": 1.0}
    np.testing.assert_allclose(n.goalposts([1.0, 11.0, -1.0], **gp), [0.1, 1.0, 0.0])
    np.testing.assert_allclose(n.goalposts([1.0, -1.0, 11.0], direction=-1, **gp), [0.9, 1.0, 0.0])


def test_goalposts_untruncated_and_scaled() -> None:
    y = n.goalposts([11.0, -1.0], lower=0.0, upper=10.0, scale=100.0, trunc=False)
    np.testing.assert_allclose(y, [110.0, -10.0])


def test_scaled() -> None:
    np.testing.assert_allclose(n.scaled(X10, lower=1.0, upper=10.0), (X10 - 1.0) / 9.0 * 100.0)
    np.testing.assert_allclose(
        n.scaled(X10, lower=1.0, upper=10.0, direction=-1), (10.0 - X10) / 9.0 * 100.0
    )
    np.testing.assert_allclose(
        n.scaled(X10, lower=0.0, upper=20.0, range=(1.0, 2.0)), 1.0 + X10 / 20.0
    )
    with pytest.raises(SpecError, match="upper equals lower"):
        n.scaled(X10, lower=3.0, upper=3.0)


def test_dist2max_and_fracmax_and_dist2ref() -> None:
    x = np.array([3.0, 1.0, 7.0, np.nan, 5.0])
    mx, mn = 7.0, 1.0
    np.testing.assert_allclose(n.dist2max(x), 1.0 - (mx - x) / (mx - mn))
    np.testing.assert_allclose(n.fracmax(x), x / mx)
    # COINr iref = 1 is our ref_index = 0
    np.testing.assert_allclose(n.dist2ref(x, ref_index=0), 1.0 - (x[0] - x) / (x[0] - mn))
    capped = n.dist2ref(x, ref_index=0, cap_max=True)
    assert np.nanmax(capped) == 1.0 and np.isnan(capped[3])


def test_dist2ref_errors() -> None:
    x = np.array([3.0, 1.0, np.nan])
    with pytest.raises(SpecError, match="missing value"):
        n.dist2ref(x, ref_index=2)
    with pytest.raises(SpecError, match="equals the column minimum"):
        n.dist2ref(x, ref_index=1)
    with pytest.raises(SpecError, match="ref_index"):
        n.dist2ref(x, ref_index=5)


def test_fracmax_zero_max_is_spec_error() -> None:
    with pytest.raises(SpecError, match="maximum is 0"):
        n.fracmax([0.0, -1.0])


def test_borda_distinct_values_0_to_n_minus_1() -> None:
    x = np.random.default_rng(3).permutation(X10)
    np.testing.assert_array_equal(n.borda(x), x - 1.0)


def test_rank_percentile_rank_with_ties_and_nan() -> None:
    x = np.array([5.0, 1.0, 5.0, np.nan, 3.0, 9.0])
    ok = ~np.isnan(x)
    expected = np.full(x.shape, np.nan)
    expected[ok] = stats.rankdata(x[ok], method="min")
    np.testing.assert_array_equal(n.rank(x), expected)
    np.testing.assert_array_equal(n.borda(x), expected - 1.0)
    np.testing.assert_allclose(n.percentile_rank(x), (expected - 1.0) / (ok.sum() - 1.0))
    inv = np.full(x.shape, np.nan)
    inv[ok] = stats.rankdata(-x[ok], method="min")
    np.testing.assert_array_equal(n.rank(x, direction=-1), inv)


def _call(name: str, x: np.ndarray, **kw: Any) -> np.ndarray:
    fn: Callable[..., np.ndarray] = getattr(n, name)
    return fn(x, **kw)


KERNEL_KWARGS: list[tuple[str, dict[str, Any]]] = [
    ("minmax", {}),
    ("zscore", {}),
    ("rank", {}),
    ("percentile_rank", {}),
    ("borda", {}),
    ("dist2max", {}),
    ("fracmax", {}),
    ("dist2ref", {"ref_index": 4}),
    ("scaled", {"lower": -300.0, "upper": 300.0}),
    ("goalposts", {"lower": -3.0, "upper": 3.0}),
    ("dist2targ", {"target": 500.0}),
]


@pytest.mark.parametrize(("name", "kw"), KERNEL_KWARGS)
def test_2d_equals_column_by_column_with_per_column_direction(
    name: str, kw: dict[str, Any]
) -> None:
    X = RNG_X.copy()
    X[2, 1] = np.nan
    d = np.array([1.0, -1.0, 1.0])
    Y = _call(name, X, direction=d, **kw)
    assert Y.shape == X.shape
    for j in range(X.shape[1]):
        np.testing.assert_allclose(Y[:, j], _call(name, X[:, j], direction=d[j], **kw))
    assert np.isnan(Y[2, 1]) and np.isnan(Y).sum() == 1
    np.testing.assert_array_equal(X, np.where(np.isnan(X), np.nan, RNG_X))  # input unchanged


def test_direction_is_applied_before_normalising() -> None:
    x = RNG_X[:, 0]
    np.testing.assert_allclose(n.zscore(x, direction=-1), n.zscore(-x))
    np.testing.assert_allclose(n.dist2max(x, direction=-1), n.dist2max(-x))


@pytest.mark.parametrize("bad", [0, 2, [1, 1]])
def test_bad_direction_is_spec_error(bad: Any) -> None:
    with pytest.raises(SpecError, match="direction"):
        n.minmax(RNG_X, direction=bad)


def test_3d_input_is_spec_error() -> None:
    with pytest.raises(SpecError, match="1-D column or a 2-D"):
        n.minmax(np.ones((2, 2, 2)))
