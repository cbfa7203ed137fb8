"""Aggregation kernels against COINr's test-aggregate.R (EXPECTED.md section A)."""

from __future__ import annotations

import numpy as np
import pytest

from innovindex.errors import SpecError
from innovindex.methods import aggregate
from innovindex.methods import aggregate as agg

NAN = np.nan


def test_geometric_published() -> None:
    assert agg.geometric([1.0, 2.0, 3.0])[0] == pytest.approx(1.81712059283214, rel=1e-13)
    assert agg.geometric([1.0, 2.0, 3.0], [1, 1, 2])[0] == pytest.approx(
        2.05976714390712, rel=1e-13
    )
    assert agg.geometric([1.0, 2.0, 3.0])[0] == pytest.approx(6 ** (1 / 3), rel=1e-15)


def test_harmonic_and_generalised_published() -> None:
    w = [2.0, 1.0, 1.0]
    h = agg.harmonic([1.0, 2.0, 3.0], w)[0]
    assert h == pytest.approx(1.41176470588235, rel=1e-13)
    assert h == pytest.approx(4 / (2 / 1 + 1 / 2 + 1 / 3), rel=1e-15)
    assert agg.generalised([1.0, 2.0, 3.0], w, p=-1)[0] == pytest.approx(h, rel=1e-14)
    assert agg.generalised([1.0, 2.0, 3.0], p=1)[0] == pytest.approx(2.0, rel=1e-15)


@pytest.mark.parametrize(
    ("fn", "match"),
    [
        (agg.geometric, "geometric mean needs values > 0"),
        (agg.harmonic, "harmonic mean needs values > 0"),
    ],
)
def test_non_positive_values_are_spec_errors(fn: object, match: str) -> None:
    for bad in (0.0, -1.0):
        with pytest.raises(SpecError, match=match) as err:
            fn([[1.0, 2.0], [3.0, bad]])  # type: ignore[operator]
        assert "row 1, column 1" in str(err.value)


def test_generalised_errors() -> None:
    with pytest.raises(SpecError, match="non-zero"):
        agg.generalised([1.0, 2.0], p=0)
    with pytest.raises(SpecError, match="p is negative"):
        agg.generalised([1.0, 0.0], p=-2)


def test_arithmetic_defaults_to_row_means() -> None:
    X = np.random.default_rng(1).uniform(size=(8, 5))
    np.testing.assert_allclose(agg.arithmetic(X), X.mean(axis=1), rtol=1e-14)


def test_arithmetic_weighted_equals_numpy_average() -> None:
    X = np.random.default_rng(2).uniform(size=(6, 5))
    w = np.arange(1.0, 6.0)
    np.testing.assert_allclose(agg.arithmetic(X, w), np.average(X, axis=1, weights=w), rtol=1e-14)


def test_missing_values_skipped_and_weights_renormalised() -> None:
    rng = np.random.default_rng(4)
    X = rng.uniform(1.0, 2.0, size=(7, 4))
    X[0, 1] = X[3, [0, 2]] = NAN
    w = rng.uniform(0.5, 2.0, size=4)
    for fn, expected_row in [
        (agg.arithmetic, lambda v, ww: np.average(v, weights=ww)),
        (agg.geometric, lambda v, ww: np.exp(np.average(np.log(v), weights=ww))),
        (agg.harmonic, lambda v, ww: ww.sum() / np.sum(ww / v)),
    ]:
        got = fn(X, w)
        for i, row in enumerate(X):
            ok = ~np.isnan(row)
            assert got[i] == pytest.approx(expected_row(row[ok], w[ok]), rel=1e-13)
    np.testing.assert_allclose(
        agg.generalised(X, w, p=2)[3], np.sqrt(np.average(X[3, [1, 3]] ** 2, weights=w[[1, 3]]))
    )


def test_min_share_threshold_by_count() -> None:
    X = np.array([[1.0, NAN, NAN, NAN, NAN], [1.0, 2.0, 3.0, NAN, NAN], [1.0, 2.0, 3.0, 4.0, 5.0]])
    y = agg.arithmetic(X, min_share=0.5)
    assert np.isnan(y[0])
    assert y[1] == pytest.approx(2.0) and y[2] == pytest.approx(3.0)
    assert not np.isnan(agg.arithmetic(X)[0])


def test_all_missing_row_is_nan_and_bad_weights() -> None:
    assert np.isnan(agg.arithmetic([[NAN, NAN]])[0])
    with pytest.raises(SpecError, match="expected 3 weights"):
        agg.arithmetic(np.ones((2, 3)), [1.0, 1.0])
    with pytest.raises(SpecError, match="non-negative"):
        agg.arithmetic(np.ones((2, 2)), [1.0, -1.0])


# columns x1, x2, x3 of the COINr test; rows are units
OUTRANK_X = np.array([[1, 3, 2], [2, 2, 3], [3, 1, 1], [4, 5, 4]], dtype=float)


def test_outrank_matrix_published() -> None:
    M, n_dom, frac = agg.outrank_matrix(OUTRANK_X, np.ones(3))
    np.testing.assert_array_equal(np.diag(M), 0.0)
    assert M[1, 0] == pytest.approx(2 / 3)
    assert M[2, 0] == pytest.approx(1 / 3)
    assert M[3, 0] == pytest.approx(1.0)
    assert (n_dom, frac) == (3, 0.5)
    off = ~np.eye(4, dtype=bool)
    np.testing.assert_allclose((M + M.T)[off], 1.0)


def test_copeland_published() -> None:
    np.testing.assert_array_equal(agg.copeland(OUTRANK_X, np.ones(3)), [-1.0, 1.0, -3.0, 3.0])


def test_two_by_two_tie() -> None:
    X = np.array([[1.0, 2.0], [2.0, 1.0]])
    M, n_dom, _ = agg.outrank_matrix(X)
    assert M[0, 1] == M[1, 0] == 0.5 and n_dom == 0
    np.testing.assert_array_equal(agg.copeland(X), [0.0, 0.0])


def test_outrank_matrix_missing_values_compare_on_common_components() -> None:
    X = np.array([[1.0, NAN, 5.0], [2.0, 3.0, 4.0], [NAN, NAN, NAN]])
    M, _, _ = agg.outrank_matrix(X, [1.0, 1.0, 2.0])
    assert M[0, 1] == pytest.approx(2 / 3) and M[1, 0] == pytest.approx(1 / 3)
    assert np.isnan(M[0, 2]) and np.isnan(M[2, 1])
    assert agg.copeland(X, [1.0, 1.0, 2.0]).tolist() == [1.0, -1.0, 0.0]


# ------------------------------------------------------------------ batched means
def _groups(rng: np.random.Generator, k: int) -> list[int]:
    cuts = np.sort(rng.choice(np.arange(1, k), size=3, replace=False))
    return [0, *cuts.tolist()]


@pytest.mark.parametrize(
    ("method", "p"),
    [("arithmetic", None), ("geometric", None), ("harmonic", None), ("generalised", 2.5),
     ("generalised", -1.0)],
)  # fmt: skip
@pytest.mark.parametrize("shared", ["values", "weights", "neither"])
@pytest.mark.parametrize("min_share", [None, 0.6])
def test_batched_means_equal_the_plain_kernel_per_replication(
    method: str, p: float | None, shared: str, min_share: float | None
) -> None:
    """Each replication and group of the batched kernel equals the plain kernel on that
    group's columns with that replication's weights (to 1e-12)."""
    rng = np.random.default_rng(7)
    B, U, k = 9, 13, 12
    starts = _groups(rng, k)
    X = rng.uniform(0.5, 100.0, size=(1 if shared == "values" else B, U, k))
    X[rng.random(X.shape) < 0.2] = np.nan
    W = rng.uniform(0.0, 2.0, size=(1 if shared == "weights" else B, k))
    plain = getattr(aggregate, method)
    means, failed = aggregate.batched_means(X, W, starts, mean=plain, p=p, min_share=min_share)
    assert means.shape == (B, U, len(starts)) and not failed.any()
    kw: dict[str, float] = {} if p is None else {"p": p}
    bounds = [*starts, k]
    for r in range(B):
        x, w = X[min(r, X.shape[0] - 1)], W[min(r, W.shape[0] - 1)]
        for g in range(len(starts)):
            cols = slice(bounds[g], bounds[g + 1])
            expected = plain(x[:, cols], w[cols], min_share=min_share, **kw)
            np.testing.assert_allclose(means[r, :, g], expected, rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.parametrize(("method", "p"), [("geometric", None), ("harmonic", None),
                                           ("generalised", -2.0), ("generalised", 0.5)])  # fmt: skip
def test_batched_means_flag_the_replications_the_plain_kernel_refuses(
    method: str, p: float | None
) -> None:
    X = np.abs(np.random.default_rng(3).normal(5.0, 1.0, size=(4, 6, 5)))
    X[2, 3, 1] = -1.0  # only replication 2 has a value outside every mean's domain
    W = np.ones((4, 5))
    _, failed = aggregate.batched_means(X, W, [0, 2], mean=getattr(aggregate, method), p=p)
    assert failed.tolist() == [False, False, True, False]
    kw = {} if p is None else {"p": p}
    with pytest.raises(SpecError):
        getattr(aggregate, method)(X[2], W[2], **kw)
    assert not aggregate.batched_means(X, W, [0, 2], mean=aggregate.arithmetic)[1].any()


def test_batched_means_refuse_copeland() -> None:
    with pytest.raises(SpecError, match="'copeland' has no batched form"):
        aggregate.batched_means(np.ones((1, 2, 2)), np.ones((1, 2)), [0], mean=aggregate.copeland)
