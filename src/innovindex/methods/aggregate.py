"""Aggregation kernels (COINr's ``a_amean``, ``a_gmean``, ``a_hmean``, ``a_genmean``,
``outrankMatrix`` and ``a_copeland``).

``X`` is an ``(n_units, k)`` float array with NaN for missing values (a 1-D array is one
unit); ``w`` has ``k`` non-negative relative weights (None: equal weights). The mean
kernels return one value per unit: missing components are skipped and the remaining
weights renormalised, as COINr does. A unit with no usable component gets NaN.

``min_share`` is COINr's ``dat_thresh``: a unit whose share of non-missing components
(counted, not weighted) is below it gets NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from innovindex.errors import SpecError

__all__ = ["arithmetic", "copeland", "generalised", "geometric", "harmonic", "outrank_matrix"]

FloatArray = NDArray[np.float64]
_TOL = 1e-12  # outranking scores within this of 0.5 / 1 count as a tie / dominance


def _prepare(X: ArrayLike, w: ArrayLike | None, what: str) -> tuple[FloatArray, FloatArray]:
    A = np.array(X, dtype=np.float64)
    if A.ndim == 1:
        A = A[None, :]
    if A.ndim != 2:
        raise SpecError(f"{what} expects a (units x components) array; got shape {A.shape}")
    k = A.shape[1]
    if w is None:
        wv = np.ones(k)
    else:
        wv = np.asarray(w, dtype=np.float64).reshape(-1)
        if wv.shape != (k,):
            raise SpecError(f"{what}: expected {k} weights (one per column); got {wv.size}")
        if np.any(~np.isfinite(wv)) or np.any(wv < 0):
            raise SpecError(f"{what}: weights must be finite and non-negative; got {wv.tolist()}")
    return A, wv


def _available(A: FloatArray, wv: FloatArray, min_share: float | None) -> NDArray[np.bool_]:
    """Rows that have at least one positively weighted value and meet ``min_share``."""
    ok = ~np.isnan(A)
    keep = (ok * wv).sum(axis=1) > 0
    if min_share is not None:
        if not 0.0 <= min_share <= 1.0:
            raise SpecError(f"min_share must be between 0 and 1; got {min_share!r}")
        keep &= ok.sum(axis=1) / A.shape[1] >= min_share
    return np.asarray(keep, dtype=bool)


def _weighted(A: FloatArray, wv: FloatArray, keep: NDArray[np.bool_], f: FloatArray) -> FloatArray:
    """Weighted mean over non-missing entries of ``f`` (already transformed), per row."""
    ok = ~np.isnan(A)
    W = np.where(ok, wv, 0.0)
    num = np.where(ok, W * np.where(ok, f, 0.0), 0.0).sum(axis=1)
    den = W.sum(axis=1)
    out = np.full(A.shape[0], np.nan)
    out[keep] = num[keep] / den[keep]
    return out


def _require_positive(A: FloatArray, what: str, why: str) -> None:
    bad = A <= 0  # NaN compares False
    if np.any(bad):
        r, c = (int(i[0]) for i in np.nonzero(bad))
        raise SpecError(
            f"{what} needs values > 0 ({why}); found {int(bad.sum())} value(s) <= 0, first at "
            f"row {r}, column {c} ({A[r, c]!r}); normalise onto a positive range first, "
            f"e.g. minmax with range=(1, 100)"
        )


def arithmetic(
    X: ArrayLike, w: ArrayLike | None = None, *, min_share: float | None = None
) -> FloatArray:
    """Weighted arithmetic mean per unit, skipping missing values (COINr ``a_amean``).

    Examples
    --------
    >>> arithmetic([[1.0, float("nan"), 3.0]], [1, 1, 2]).tolist()
    [2.3333333333333335]
    """
    A, wv = _prepare(X, w, "arithmetic")
    return _weighted(A, wv, _available(A, wv, min_share), A)


def geometric(
    X: ArrayLike, w: ArrayLike | None = None, *, min_share: float | None = None
) -> FloatArray:
    """Weighted geometric mean ``exp(sum w log x / sum w)`` per unit (COINr ``a_gmean``).

    Raises
    ------
    SpecError
        If any non-missing value is <= 0.

    Examples
    --------
    >>> round(float(geometric([1.0, 2.0, 3.0], [1, 1, 2])[0]), 12)
    2.059767143907
    """
    A, wv = _prepare(X, w, "geometric")
    _require_positive(A, "geometric mean", "it takes logarithms")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.exp(_weighted(A, wv, _available(A, wv, min_share), np.log(A)))


def harmonic(
    X: ArrayLike, w: ArrayLike | None = None, *, min_share: float | None = None
) -> FloatArray:
    """Weighted harmonic mean ``sum w / sum (w / x)`` per unit (COINr ``a_hmean``).

    Raises
    ------
    SpecError
        If any non-missing value is <= 0.
    """
    A, wv = _prepare(X, w, "harmonic")
    _require_positive(A, "harmonic mean", "it takes reciprocals")
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 / _weighted(A, wv, _available(A, wv, min_share), 1.0 / A)


def generalised(
    X: ArrayLike, w: ArrayLike | None = None, *, p: float, min_share: float | None = None
) -> FloatArray:
    """Weighted power mean ``(sum w x**p / sum w) ** (1/p)`` per unit (COINr ``a_genmean``).

    ``p = 1`` is the arithmetic mean, ``p = -1`` the harmonic mean.

    Raises
    ------
    SpecError
        If ``p == 0`` (use :func:`geometric`), or values are <= 0 with ``p < 0`` or
        negative with a non-integer ``p``.
    """
    A, wv = _prepare(X, w, "generalised")
    if not np.isfinite(p) or p == 0:
        raise SpecError(
            f"generalised mean: p must be finite and non-zero (p -> 0 is the geometric "
            f"mean); got {p!r}"
        )
    if p < 0:
        _require_positive(A, f"generalised mean with p={p}", "p is negative")
    elif float(p) != int(p) and np.any(A < 0):
        _require_positive(A, f"generalised mean with p={p}", "p is not an integer")
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return _weighted(A, wv, _available(A, wv, min_share), A**p) ** (1.0 / p)


def outrank_matrix(X: ArrayLike, w: ArrayLike | None = None) -> tuple[FloatArray, int, float]:
    """Outranking matrix (COINr ``outrankMatrix``).

    ``M[i, j]`` is the weight share of components on which unit ``i`` beats unit ``j``,
    plus half the share on which they tie. The diagonal is 0 and ``M[i, j] + M[j, i] = 1``.

    Missing values: a pair is compared on the components both units have, with the weights
    renormalised over those (COINr drops them without renormalising, which makes the
    matrix depend on unit order). A pair with no common component gets NaN in both cells.

    Returns
    -------
    matrix : ndarray, shape (n_units, n_units)
    n_dominant : int
        Pairs where one unit beats the other on every compared component (``M == 1``).
    frac_dominant : float
        ``n_dominant`` over the number of unordered pairs ``n (n - 1) / 2``.
    """
    A, wv = _prepare(X, w, "outrank_matrix")
    n = A.shape[0]
    ok = ~np.isnan(A)
    both = ok[:, None, :] & ok[None, :, :]
    W = np.where(both, wv, 0.0)
    with np.errstate(invalid="ignore"):
        gt = (A[:, None, :] > A[None, :, :]) & both
        eq = (A[:, None, :] == A[None, :, :]) & both
    total = W.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        M = ((W * gt).sum(axis=2) + 0.5 * (W * eq).sum(axis=2)) / total
    M[total == 0] = np.nan
    np.fill_diagonal(M, 0.0)
    upper = np.triu_indices(n, k=1)
    pair = M[upper]
    n_dom = int(np.sum((np.abs(pair - 1.0) < _TOL) | (np.abs(pair) < _TOL)))
    n_pairs = n * (n - 1) / 2
    return M, n_dom, (n_dom / n_pairs if n_pairs else float("nan"))


def copeland(X: ArrayLike, w: ArrayLike | None = None) -> FloatArray:
    """Copeland scores (COINr ``a_copeland``).

    Each pair's outranking score becomes +1 (above 0.5), -1 (below 0.5) or 0 (a tie, or
    no common component); a unit's score is the sum over the other units.

    Examples
    --------
    >>> copeland([[1.0, 2.0], [2.0, 1.0]]).tolist()
    [0.0, 0.0]
    """
    M, _, _ = outrank_matrix(X, w)
    S = np.where(np.abs(M - 0.5) < _TOL, 0.0, np.sign(M - 0.5))
    S = np.nan_to_num(S, nan=0.0)
    np.fill_diagonal(S, 0.0)
    return np.asarray(S.sum(axis=1), dtype=np.float64)
