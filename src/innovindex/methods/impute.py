"""Imputation kernels (COINr's ``i_mean``, ``i_median``, ``i_mean_grp``, ``i_median_grp``,
``impute_by = "row"`` and the per-unit logic of ``impute_panel``).

The column kernels take one 1-D float column (NaN = missing), the row kernels a
``(units, indicators)`` matrix, the time kernels one unit's series; each returns a new array
with the missing values filled where the method can fill them; known values are never
changed. A column (or group, row block, or series) with no known value stays NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from innovindex.errors import SpecError

from ._arrays import column as _column

__all__ = [
    "constant",
    "group_mean",
    "group_median",
    "linear",
    "mean",
    "median",
    "panel",
    "row_mean",
    "row_median",
    "PANEL_KINDS",
]

FloatArray = NDArray[np.float64]
PANEL_KINDS = ("constant", "linear")


def _fill_with(x: ArrayLike, stat: Callable[[FloatArray], Any], what: str) -> FloatArray:
    v = _column(x, what)
    miss = np.isnan(v)
    if miss.any() and not miss.all():
        v[miss] = stat(v[~miss])
    return v


def mean(x: ArrayLike) -> FloatArray:
    """Fill missing values with the column mean.

    Examples
    --------
    >>> mean([1.0, float("nan"), 3.0]).tolist()
    [1.0, 2.0, 3.0]
    """
    return _fill_with(x, np.mean, "mean")


def median(x: ArrayLike) -> FloatArray:
    """Fill missing values with the column median."""
    return _fill_with(x, np.median, "median")


def _is_missing_label(g: object) -> bool:
    if g is None:
        return True
    try:
        return bool(np.isnan(g))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _group_fill(
    x: ArrayLike, groups: ArrayLike, stat: Callable[[FloatArray], Any], what: str
) -> FloatArray:
    v = _column(x, what)
    g = np.asarray(groups, dtype=object)
    if g.shape != v.shape:
        raise SpecError(
            f"{what}: groups must have one label per value ({v.size}); got shape {g.shape}"
        )
    labelled = np.array([not _is_missing_label(lab) for lab in g], dtype=bool)
    miss = np.isnan(v)
    for lab in set(g[miss & labelled].tolist()):
        in_group = labelled & np.array([gi == lab for gi in g], dtype=bool)
        known = v[in_group & ~miss]
        if known.size:
            v[in_group & miss] = stat(known)
    return v


def group_mean(x: ArrayLike, groups: ArrayLike) -> FloatArray:
    """Fill missing values with the mean of the unit's group (COINr ``i_mean_grp``).

    Parameters
    ----------
    x
        1-D column.
    groups
        One label per value. A unit whose label is None or NaN stays missing, and so does
        a unit whose group has no known value.
    """
    return _group_fill(x, groups, np.mean, "group_mean")


def group_median(x: ArrayLike, groups: ArrayLike) -> FloatArray:
    """Fill missing values with the median of the unit's group (COINr ``i_median_grp``).

    See :func:`group_mean` for ``groups``.
    """
    return _group_fill(x, groups, np.median, "group_median")


def panel(x: ArrayLike, *, kind: str = "linear", time: ArrayLike | None = None) -> FloatArray:
    """Impute one unit's time series (COINr ``impute_panel`` for a single unit).

    Parameters
    ----------
    x
        The unit's values ordered by time.
    kind
        "linear": linear interpolation between the nearest known values, and the nearest
        known value before the first / after the last one.
        "constant": carry the last known value forward; values before the first known one
        take that first known value.
    time
        Optional time points (same length as ``x``, increasing) used as the interpolation
        abscissa; default equally spaced.

    Examples
    --------
    >>> nan = float("nan")
    >>> panel([3, nan, 5]).tolist(), panel([3, nan, 5], kind="constant").tolist()
    ([3.0, 4.0, 5.0], [3.0, 3.0, 5.0])
    """
    if kind not in PANEL_KINDS:
        raise SpecError(f"unknown panel imputation kind {kind!r}; valid: {', '.join(PANEL_KINDS)}")
    v = _column(x, "panel")
    if time is None:
        t = np.arange(v.size, dtype=np.float64)
    else:
        t = _column(time, "panel time")
        if t.shape != v.shape:
            raise SpecError(f"panel: time must have {v.size} values; got {t.size}")
        if np.any(np.diff(t) <= 0):
            raise SpecError("panel: time must be strictly increasing")
    known = ~np.isnan(v)
    if known.all() or not known.any():
        return v
    if kind == "linear":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.interp(t, t[known], v[known])  # np.interp holds the end values
    # constant: index of the last known value at or before each position
    idx = np.where(known, np.arange(v.size), -1)
    idx = np.maximum.accumulate(idx)
    first = int(np.argmax(known))
    idx[idx < 0] = first
    return v[idx]


def linear(x: ArrayLike, time: ArrayLike | None = None) -> FloatArray:
    """:func:`panel` with ``kind="linear"``: interpolate one unit's series over time."""
    return panel(x, kind="linear", time=time)


def constant(x: ArrayLike, time: ArrayLike | None = None) -> FloatArray:
    """:func:`panel` with ``kind="constant"``: carry one unit's last known value forward."""
    return panel(x, kind="constant", time=time)


def _by_row(
    X: ArrayLike, blocks: list[list[int]], stat: Callable[..., FloatArray], what: str
) -> FloatArray:
    A = np.array(X, dtype=np.float64)
    if A.ndim != 2:
        raise SpecError(f"{what} expects a (units x indicators) array; got shape {A.shape}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns stay NaN
        lo, hi = np.nanmin(A, axis=0), np.nanmax(A, axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    Z = (A - lo) / span
    for idx in blocks:
        block = Z[:, idx]
        holes = np.isnan(block)
        rows = holes.any(axis=1) & ~holes.all(axis=1)
        if not rows.any():
            continue
        with np.errstate(all="ignore"):
            fill = stat(block[rows], axis=1)
        block[rows] = np.where(holes[rows], fill[:, None], block[rows])
        Z[:, idx] = block
    return np.where(np.isnan(A), Z * span + lo, A)


def row_mean(X: ArrayLike, blocks: list[list[int]]) -> FloatArray:
    """Fill a unit's missing values with the mean of its other values in the same block.

    COINr's ``impute_by = "row"`` with ``normalise_first``: the values are compared after
    min-max scaling of each column to [0, 1], and the filled value is scaled back.

    Parameters
    ----------
    X
        ``(units, indicators)`` values.
    blocks
        Column positions of each block (e.g. the indicators under one pillar).

    Examples
    --------
    >>> nan = float("nan")
    >>> row_mean([[0.0, 0.0], [10.0, nan], [5.0, 4.0]], [[0, 1]]).tolist()
    [[0.0, 0.0], [10.0, 4.0], [5.0, 4.0]]
    """
    return _by_row(X, blocks, np.nanmean, "row_mean")


def row_median(X: ArrayLike, blocks: list[list[int]]) -> FloatArray:
    """As :func:`row_mean`, with the median of the unit's other values in the block."""
    return _by_row(X, blocks, np.nanmedian, "row_median")
