"""Normalisation kernels (COINr's ``n_*`` functions).

Every kernel takes ``x`` as a 1-D column or a 2-D array with units on axis 0 and independent
columns on axis 1, returns a new float array of the same shape, and keeps NaN as NaN.

``direction`` is +1 or -1, a scalar or one value per column. As in COINr's
``Normalise.numeric``, the column is multiplied by its direction *before* normalising, so
with -1 the lowest raw value scores best. :func:`scaled`, :func:`goalposts` and
:func:`dist2targ` instead take their bounds/targets on the raw scale and apply the direction
themselves.

Degenerate columns (documented choice, where COINr returns NaN with a warning):

* a constant column under :func:`minmax` / :func:`dist2max` gets the **midpoint** of the
  output range (every unit is equally good), and under :func:`zscore` the target ``mean``;
* a column with no non-missing value stays all NaN;
* bounds that make a formula divide by zero (``upper == lower``, ``target == min``, a
  reference equal to the minimum, a zero maximum for :func:`fracmax`) raise
  :class:`~innovindex.errors.SpecError` naming the column.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from innovindex.errors import SpecError, shown

__all__ = [
    "borda",
    "dist2max",
    "dist2ref",
    "dist2targ",
    "fracmax",
    "goalposts",
    "minmax",
    "percentile_rank",
    "rank",
    "scaled",
    "zscore",
]

FloatArray = NDArray[np.float64]


# ---------------------------------------------------------------------------- helpers


def _as_2d(x: ArrayLike, what: str) -> tuple[FloatArray, bool]:
    arr = np.array(x, dtype=np.float64)
    if arr.ndim == 1:
        return arr[:, None], True
    if arr.ndim == 2:
        return arr, False
    raise SpecError(
        f"{what} expects a 1-D column or a 2-D (units x columns) array; got shape {arr.shape}"
    )


def _per_column(value: ArrayLike, k: int, name: str, what: str) -> FloatArray:
    v = np.asarray(value, dtype=np.float64)
    if v.ndim == 0:
        return np.full(k, float(v))
    if v.shape != (k,):
        raise SpecError(
            f"{what}: {name} must be a scalar or one value per column ({k}); got shape {v.shape}"
        )
    return v


def _directions(direction: ArrayLike, k: int, what: str) -> FloatArray:
    d = _per_column(direction, k, "direction", what)
    bad = ~np.isin(d, (-1.0, 1.0))
    if np.any(bad):
        raise SpecError(
            f"{what}: direction must be +1 or -1; got {shown(d[bad][0])} "
            f"for column {int(np.argmax(bad))}"
        )
    return d


def _out(y: FloatArray, was_1d: bool) -> FloatArray:
    return y[:, 0] if was_1d else y


def _nan_stat(f: Callable[..., FloatArray], X: FloatArray) -> FloatArray:
    """Column statistic ignoring NaN; all-NaN columns give NaN without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(f(X, axis=0), dtype=np.float64)


def _check_nonzero(den: FloatArray, what: str, problem: str) -> None:
    bad = den == 0
    if np.any(bad):
        raise SpecError(f"{what}: {problem} in column {int(np.argmax(bad))}")


# ---------------------------------------------------------------------------- kernels


def minmax(
    x: ArrayLike, *, direction: ArrayLike = 1, range: tuple[float, float] = (0.0, 100.0)
) -> FloatArray:
    """Min-max scaling onto ``range`` (COINr ``n_minmax``).

    ``(x - min) / (max - min) * (hi - lo) + lo`` after multiplying by ``direction``.
    A constant column maps to the midpoint ``(lo + hi) / 2``.

    Examples
    --------
    >>> minmax([1.0, 2.0, 3.0], direction=-1).tolist()
    [100.0, 50.0, 0.0]
    """
    X, one = _as_2d(x, "minmax")
    lo, hi = float(range[0]), float(range[1])
    X = X * _directions(direction, X.shape[1], "minmax")
    mn, mx = _nan_stat(np.nanmin, X), _nan_stat(np.nanmax, X)
    span = mx - mn
    const = span == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (X - mn) / np.where(const, 1.0, span) * (hi - lo) + lo
    y[:, const] = np.where(np.isnan(X[:, const]), np.nan, (lo + hi) / 2.0)
    return _out(y, one)


def scaled(
    x: ArrayLike,
    *,
    lower: ArrayLike,
    upper: ArrayLike,
    direction: ArrayLike = 1,
    range: tuple[float, float] = (0.0, 100.0),
) -> FloatArray:
    """Fixed-bounds scaling (COINr ``n_scaled``): ``(x - lower) / (upper - lower)`` onto ``range``.

    ``lower``/``upper`` are on the raw scale; with direction -1 the share is
    ``(upper - x) / (upper - lower)``. Values outside the bounds map outside ``range``.
    """
    X, one = _as_2d(x, "scaled")
    k = X.shape[1]
    d = _directions(direction, k, "scaled")
    lo_b = _per_column(lower, k, "lower", "scaled")
    up_b = _per_column(upper, k, "upper", "scaled")
    _check_nonzero(up_b - lo_b, "scaled", "upper equals lower")
    share = np.where(d > 0, (X - lo_b) / (up_b - lo_b), (up_b - X) / (up_b - lo_b))
    return _out(share * (range[1] - range[0]) + range[0], one)


def zscore(
    x: ArrayLike, *, direction: ArrayLike = 1, mean: float = 0.0, sd: float = 1.0
) -> FloatArray:
    """Standardise to the given ``mean`` and ``sd`` using the sample sd (COINr ``n_zscore``).

    A column with fewer than two values or zero spread maps to ``mean``.
    """
    if not sd > 0:
        raise SpecError(f"zscore: sd must be positive; got {sd!r}")
    X, one = _as_2d(x, "zscore")
    X = X * _directions(direction, X.shape[1], "zscore")
    mu = _nan_stat(np.nanmean, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        s = np.nanstd(X, axis=0, ddof=1)
    flat = ~(s > 0)  # zero, or NaN from fewer than two values
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (X - mu) / np.where(flat, 1.0, s) * sd + mean
    y[:, flat] = np.where(np.isnan(X[:, flat]), np.nan, mean)
    return _out(y, one)


def _rank_min(X: FloatArray) -> FloatArray:
    """Ascending ranks 1..n_valid per column, ties get the minimum rank, NaN kept."""
    out = np.full(X.shape, np.nan)
    for j in np.arange(X.shape[1]):
        col = X[:, j]
        ok = ~np.isnan(col)
        v = col[ok]
        s = np.sort(v)
        out[ok, j] = np.searchsorted(s, v, side="left") + 1.0
    return out


def rank(x: ArrayLike, *, direction: ArrayLike = 1) -> FloatArray:
    """Ranks, highest value gets the highest rank; ties take the minimum (COINr ``n_rank``)."""
    X, one = _as_2d(x, "rank")
    return _out(_rank_min(X * _directions(direction, X.shape[1], "rank")), one)


def percentile_rank(x: ArrayLike, *, direction: ArrayLike = 1) -> FloatArray:
    """Percentile ranks ``(rank - 1) / (n_valid - 1)`` in [0, 1] (COINr ``n_prank``).

    A column with a single value gives 0.5 for it.
    """
    X, one = _as_2d(x, "percentile_rank")
    r = _rank_min(X * _directions(direction, X.shape[1], "percentile_rank"))
    n = np.sum(~np.isnan(X), axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(n > 1, (r - 1.0) / (n - 1.0), np.where(np.isnan(r), np.nan, 0.5))
    return _out(y, one)


def borda(x: ArrayLike, *, direction: ArrayLike = 1) -> FloatArray:
    """Borda scores ``rank - 1`` (0..n-1 for distinct values; COINr ``n_borda``)."""
    X, one = _as_2d(x, "borda")
    return _out(_rank_min(X * _directions(direction, X.shape[1], "borda")) - 1.0, one)


def goalposts(
    x: ArrayLike,
    *,
    lower: ArrayLike,
    upper: ArrayLike,
    scale: ArrayLike = 1.0,
    direction: ArrayLike = 1,
    trunc: bool = True,
) -> FloatArray:
    """Goalpost normalisation (COINr ``n_goalposts``), goalposts on the raw scale.

    Direction +1: ``(x - lower) / (upper - lower)``; -1: ``(upper - x) / (upper - lower)``;
    then clipped to [0, 1] when ``trunc`` and multiplied by ``scale``.

    Examples
    --------
    >>> goalposts([1.0, 11.0, -1.0], lower=0, upper=10).tolist()
    [0.1, 1.0, 0.0]
    """
    X, one = _as_2d(x, "goalposts")
    k = X.shape[1]
    d = _directions(direction, k, "goalposts")
    lo = _per_column(lower, k, "lower", "goalposts")
    up = _per_column(upper, k, "upper", "goalposts")
    a = _per_column(scale, k, "scale", "goalposts")
    _check_nonzero(up - lo, "goalposts", "upper goalpost equals lower goalpost")
    y = np.where(d > 0, (X - lo) / (up - lo), (up - X) / (up - lo))
    if trunc:
        y = np.clip(y, 0.0, 1.0)  # NaN stays NaN
    return _out(y * a, one)


def dist2targ(
    x: ArrayLike, *, target: ArrayLike, direction: ArrayLike = 1, cap_max: bool = False
) -> FloatArray:
    """Distance to a target on the raw scale (COINr ``n_dist2targ``).

    Direction +1: ``(x - min) / (target - min)``; -1: ``(max - x) / (max - target)``.
    With ``cap_max`` scores above 1 (beyond the target) become 1.

    Examples
    --------
    >>> dist2targ([0.0, 5.0, 11.0], target=10).tolist()
    [0.0, 0.5, 1.1]
    """
    X, one = _as_2d(x, "dist2targ")
    k = X.shape[1]
    d = _directions(direction, k, "dist2targ")
    t = _per_column(target, k, "target", "dist2targ")
    if np.any(np.isnan(t)):
        raise SpecError(f"dist2targ: target is missing for column {int(np.argmax(np.isnan(t)))}")
    y = _distance_to(X * d, t * d, cap_max, "dist2targ", "the target equals the worst value")
    return _out(y, one)


def _distance_to(
    Xd: FloatArray, point: FloatArray, cap_max: bool, what: str, problem: str
) -> FloatArray:
    """``1 - (point - x) / (point - worst)`` per column (direction already applied), capped at
    1 with ``cap_max``: the distance scores of :func:`dist2targ` and :func:`dist2ref`."""
    worst = _nan_stat(np.nanmin, Xd)
    _check_nonzero(point - worst, what, problem)
    y = 1.0 - (point - Xd) / (point - worst)
    return np.minimum(y, 1.0) if cap_max else y


def dist2max(x: ArrayLike, *, direction: ArrayLike = 1) -> FloatArray:
    """Distance to the best value ``1 - (max - x) / (max - min)`` in [0, 1] (COINr ``n_dist2max``).

    A constant column maps to 0.5, as :func:`minmax` maps it to the midpoint.
    """
    return minmax(x, direction=direction, range=(0.0, 1.0))


def dist2ref(
    x: ArrayLike, *, ref_index: int, direction: ArrayLike = 1, cap_max: bool = False
) -> FloatArray:
    """Distance to a reference unit ``1 - (x_ref - x) / (x_ref - min)`` (COINr ``n_dist2ref``).

    ``ref_index`` is the 0-based row of the reference unit (COINr's ``iref`` is 1-based).
    With ``cap_max`` scores above 1 become 1.

    Raises
    ------
    SpecError
        If ``ref_index`` is out of range, the reference value is missing, or it equals the
        column minimum.
    """
    X, one = _as_2d(x, "dist2ref")
    n, k = X.shape
    if not -n <= int(ref_index) < n:
        raise SpecError(f"dist2ref: ref_index must be a row index in 0..{n - 1}; got {ref_index!r}")
    Xd = X * _directions(direction, k, "dist2ref")
    ref = Xd[int(ref_index)]
    if np.any(np.isnan(ref)):
        raise SpecError(
            f"dist2ref: the reference unit (row {ref_index}) has a missing value in column "
            f"{int(np.argmax(np.isnan(ref)))}"
        )
    problem = "the reference value equals the column minimum"
    return _out(_distance_to(Xd, ref, cap_max, "dist2ref", problem), one)


def fracmax(x: ArrayLike, *, direction: ArrayLike = 1) -> FloatArray:
    """Fraction of the maximum ``x / max`` (COINr ``n_fracmax``), after the direction flip.

    Meaningful for non-negative indicators with direction +1; with -1 the column is
    negated first, as in COINr.
    """
    X, one = _as_2d(x, "fracmax")
    Xd = X * _directions(direction, X.shape[1], "fracmax")
    mx = _nan_stat(np.nanmax, Xd)
    _check_nonzero(mx, "fracmax", "the column maximum is 0")
    return _out(Xd / mx, one)
