"""Aggregation kernels (COINr's ``a_amean``, ``a_gmean``, ``a_hmean``, ``a_genmean``,
``outrankMatrix`` and ``a_copeland``).

``X`` is an ``(n_units, k)`` float array with NaN for missing values (a 1-D array is one
unit); ``w`` has ``k`` non-negative relative weights (None: equal weights). The mean
kernels return one value per unit: missing components are skipped and the remaining
weights renormalised, as COINr does. A unit with no usable component gets NaN.

``min_share`` is COINr's ``dat_thresh``: a unit whose share of non-missing components
(counted, not weighted) is below it gets NaN.

Every mean is ``f^-1(sum w f(x) / sum w)`` over the present components, with ``f`` the
identity (arithmetic), ``log`` (geometric), ``1/x`` (harmonic) or ``x**p`` (generalised).
:func:`batched_means` evaluates the same means for many weight sets and many groups of
components at once (the audit engine's replications); it shares ``f``, ``f^-1`` and the
domain rules with the plain kernels, and is tested equal to them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from innovindex.errors import SpecError, shown

__all__ = [
    "MEANS",
    "arithmetic",
    "batched_means",
    "copeland",
    "generalised",
    "geometric",
    "harmonic",
    "outrank_matrix",
]

FloatArray = NDArray[np.float64]
Transform = Callable[[FloatArray], FloatArray]
_TOL = 1e-12  # outranking scores within this of 0.5 / 1 count as a tie / dominance
#: The weighted means (every aggregation method but Copeland).
MEANS = ("arithmetic", "geometric", "harmonic", "generalised")


def _transform(method: str, p: float | None) -> tuple[Transform, Transform]:
    """``(f, f^-1)`` of a mean: the mean is ``f^-1(sum w f(x) / sum w)``."""
    if method == "geometric":
        return np.log, np.exp
    if method == "harmonic":
        return np.reciprocal, np.reciprocal
    if method == "generalised":
        q = float(p)  # type: ignore[arg-type]
        return (lambda a: a**q), (lambda m: m ** (1.0 / q))
    return (lambda a: a), (lambda m: m)


def _out_of_domain(method: str, A: FloatArray, p: float | None) -> NDArray[np.bool_]:
    """Values a mean cannot take: <= 0 under a log or a reciprocal (geometric, harmonic,
    generalised with p < 0), < 0 under a fractional power. NaN is never out of domain."""
    if method in ("geometric", "harmonic") or (method == "generalised" and float(p) < 0):  # type: ignore[arg-type]
        return A <= 0
    if method == "generalised" and float(p) != int(p):  # type: ignore[arg-type]
        return A < 0
    return np.zeros(A.shape, dtype=bool)


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


def _mean(
    method: str, A: FloatArray, wv: FloatArray, min_share: float | None, p: float | None
) -> FloatArray:
    keep = _available(A, wv, min_share)
    f, f_inv = _transform(method, p)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return f_inv(_weighted(A, wv, keep, f(A)))


def _positive_mean(
    method: str, X: ArrayLike, w: ArrayLike | None, min_share: float | None, why: str
) -> FloatArray:
    A, wv = _prepare(X, w, method)
    _require_positive(A, f"{method} mean", why)
    return _mean(method, A, wv, min_share, None)


def _require_positive(A: FloatArray, what: str, why: str) -> None:
    bad = A <= 0  # NaN compares False
    if np.any(bad):
        r, c = (int(i[0]) for i in np.nonzero(bad))
        raise SpecError(
            f"{what} needs values > 0 ({why}); found {int(bad.sum())} value(s) <= 0, first at "
            f"row {r}, column {c} ({shown(A[r, c])}); normalise onto a positive range first, "
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
    return _mean("arithmetic", A, wv, min_share, None)


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
    return _positive_mean("geometric", X, w, min_share, "it takes logarithms")


def harmonic(
    X: ArrayLike, w: ArrayLike | None = None, *, min_share: float | None = None
) -> FloatArray:
    """Weighted harmonic mean ``sum w / sum (w / x)`` per unit (COINr ``a_hmean``).

    Raises
    ------
    SpecError
        If any non-missing value is <= 0.
    """
    return _positive_mean("harmonic", X, w, min_share, "it takes reciprocals")


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
    if np.any(_out_of_domain("generalised", A, p)):
        why = "p is negative" if p < 0 else "p is not an integer"
        _require_positive(A, f"generalised mean with p={p}", why)
    return _mean("generalised", A, wv, min_share, p)


def batched_means(
    X: FloatArray,
    W: FloatArray,
    starts: ArrayLike,
    *,
    mean: Callable[..., FloatArray],
    p: float | None = None,
    min_share: float | None = None,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Weighted means of groups of components for a batch of weight sets (or value sets).

    The batched form of :func:`arithmetic`, :func:`geometric`, :func:`harmonic` and
    :func:`generalised`: the audit engine aggregates thousands of replications with it.

    Parameters
    ----------
    X
        ``(bx, units, k)`` values (NaN: missing). The ``k`` components form consecutive
        groups, one per parent: group ``g`` is ``X[..., starts[g]:starts[g + 1]]``.
    W
        ``(bw, k)`` non-negative weights. ``bx`` and ``bw`` are each 1 or the batch size
        ``b``; a batch of 1 is shared by every replication. When the values are shared and
        the weights vary (the indicators of an audit), each group's sums are one matrix
        product.
    starts
        Start of each group along ``k`` (increasing, first 0).
    mean
        The plain kernel whose batched form is wanted (:func:`arithmetic`,
        :func:`geometric`, :func:`harmonic` or :func:`generalised`, as the registry returns
        them for a method name).
    p, min_share
        As in the plain kernels.

    Returns
    -------
    means : ndarray, shape (b, units, groups)
        ``means[r, :, g]`` equals the plain kernel on ``X[r][:, group g]`` with weights
        ``W[r, group g]`` (up to rounding).
    failed : ndarray of bool, shape (b,)
        Replications with a value outside the mean's domain (where the plain kernel raises
        :class:`SpecError`); their means are meaningless and must be discarded.
    """
    method = getattr(mean, "__name__", repr(mean))
    if mean is not globals().get(method) or method not in MEANS:
        raise SpecError(f"batched_means: {method!r} has no batched form; valid: {', '.join(MEANS)}")
    st = np.asarray(starts, dtype=np.intp)
    k = X.shape[2]
    sizes = np.diff(np.append(st, k))
    B = max(X.shape[0], W.shape[0])
    present = ~np.isnan(X)
    failed = np.broadcast_to(_out_of_domain(method, X, p).any(axis=(1, 2)), (B,)).copy()
    f, f_inv = _transform(method, p)
    P = present.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # failed rows only
        F = np.where(present, f(X), 0.0)
        if X.shape[0] == 1 and W.shape[0] > 1:  # shared values: a matrix product per group
            num = np.empty((B, X.shape[1], st.size))
            den = np.empty_like(num)
            for g, (s, m) in enumerate(zip(st, sizes, strict=True)):
                w = W[:, s : s + m]
                num[:, :, g] = w @ F[0, :, s : s + m].T
                den[:, :, g] = w @ P[0, :, s : s + m].T
        else:
            num = np.add.reduceat(F * W[:, None, :], st, axis=2)
            den = np.add.reduceat(P * W[:, None, :], st, axis=2)
        keep = den > 0
        if min_share is not None:
            keep &= np.add.reduceat(P, st, axis=2) / sizes >= min_share
        m = np.where(keep, num / np.where(keep, den, 1.0), np.nan)
        return f_inv(m), failed


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
