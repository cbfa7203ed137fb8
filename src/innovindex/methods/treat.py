"""Outlier treatment kernels: skew/kurtosis check, winsorisation and log transforms.

These reproduce COINr's ``check_SkewKurt``, ``winsorise``, ``log_CT``, ``log_GII`` and the
two-stage logic of ``Treat.numeric`` (COINr 1.1.14, ``R/treat.R``) on a single 1-D column.
NaN marks a missing value everywhere; statistics use the non-NaN values only (COINr's
``na.rm = TRUE``) and NaN positions are returned unchanged.

The COINr procedure, as implemented in :func:`treat_column` with ``mode="auto"``:

1. :func:`check` the column. It *passes* when ``|skew| < skew`` **or** ``kurt < kurtosis``,
   so it is treated only when both thresholds are reached.
2. If it fails, :func:`winsorise`: in each round the extreme value(s) on the side the current
   skew points to (high end when skew >= 0) are replaced by the next value inward; tied
   extremes are replaced together and all count. Stop as soon as the column passes or the
   number of winsorised points reaches ``winmax`` (it may exceed it when the last round
   replaced a tie).
3. If it still fails, apply the fallback transform (default :func:`~.transforms.log_ct`) to
   the **original** column (COINr's ``combine_treat = FALSE``): the winsorisation is discarded.

The fallback is passed as a function: method names (``"log_ct"``, ``"gii_log"``...) resolve
through :mod:`innovindex.methods.registry` only, in the step that reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from innovindex.errors import SpecError

from ._arrays import column as _column
from .moments import check, kurtosis, skew
from .transforms import log_ct

__all__ = [
    "TreatResult",
    "check",
    "kurtosis",
    "skew",
    "treat_column",
    "winsorise",
    "MODES",
]

FloatArray = NDArray[np.float64]
Transform = Callable[[ArrayLike], FloatArray]

MODES = ("auto", "force_win", "fallback", "none")


@dataclass(frozen=True)
class TreatResult:
    """Outcome of treating one column.

    Attributes
    ----------
    values
        The treated column (a new array; NaN where the input was NaN).
    treated
        True when anything was changed (winsorised points or a transform).
    n_low, n_high
        Points winsorised at the low / high end, ties counting as several points
        (COINr's ``nwin = n_low + n_high``). When a fallback transform was applied
        (``fallback`` is not None), these and ``winsorised`` describe the winsorisation
        that was tried and then discarded, as in COINr's details table.
    winsorised
        Boolean mask of the winsorised positions (COINr's ``winhi``/``winlo`` points).
    fallback
        Name of the transform applied to the original column, or None.
    skew_before, kurt_before
        Statistics of the input column.
    skew_after, kurt_after
        Statistics of ``values`` (equal to the "before" values when nothing changed).
    passed
        Result of :func:`check` on ``values``.
    skew_win, kurt_win
        Statistics right after winsorising (COINr's ``check_SkewKurt1``); NaN when
        winsorisation was not tried.
    """

    values: FloatArray
    treated: bool
    n_low: int
    n_high: int
    winsorised: NDArray[np.bool_]
    fallback: str | None
    skew_before: float
    kurt_before: float
    skew_after: float
    kurt_after: float
    passed: bool
    skew_win: float = float("nan")
    kurt_win: float = float("nan")

    @property
    def side(self) -> Literal["high", "low", "both"] | None:
        """Where points were winsorised: "high", "low", "both" or None."""
        if self.n_high and self.n_low:
            return "both"
        if self.n_high:
            return "high"
        if self.n_low:
            return "low"
        return None

    @property
    def nwin(self) -> int:
        """Total winsorised points, ``n_low + n_high`` (COINr's ``nwin``)."""
        return self.n_low + self.n_high


def _winsorise_rounds(
    v: FloatArray,
    winmax: int | None,
    skew_t: float,
    kurt_t: float,
    force: bool,
    first: tuple[bool, float, float],
) -> tuple[FloatArray, NDArray[np.bool_], NDArray[np.bool_], tuple[bool, float, float]]:
    """Run COINr's winsorisation loop from ``first`` (the :func:`check` of ``v``); return the
    values, the last high/low index masks and the check of the result."""
    hi = np.zeros(v.shape, dtype=bool)
    lo = np.zeros(v.shape, dtype=bool)
    state = first
    nwin = 0
    while (not state[0] or force) and (winmax is None or nwin < winmax):
        valid = v[~np.isnan(v)]
        if valid.size < 2 or valid.min() == valid.max():
            break  # nothing left to pull in (COINr would fail here)
        sk = state[1]  # the skew of v as it is now
        if np.isnan(sk):
            break
        with np.errstate(invalid="ignore"):
            if sk >= 0:
                hi = v == valid.max()
                v[hi] = valid[valid < valid.max()].max()
            else:
                lo = v == valid.min()
                v[lo] = valid[valid > valid.min()].min()
        # COINr counts the points at the extreme in the latest round on each side; since
        # earlier winsorised points sit at that extreme too, this is the cumulative count.
        nwin = int(hi.sum() + lo.sum())
        state = check(v, skew=skew_t, kurtosis=kurt_t)
    return v, hi, lo, state


def winsorise(
    x: ArrayLike,
    *,
    winmax: int | None = 5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    force: bool = False,
) -> TreatResult:
    """COINr's winsorisation of one column.

    Parameters
    ----------
    x
        1-D values; NaN are ignored and kept.
    winmax
        Maximum number of points to winsorise (None: no limit). A round that replaces
        tied extremes can take the count past ``winmax``; the loop then stops.
    skew, kurtosis
        Thresholds of :func:`check`, tested before the first and after every round.
    force
        COINr's ``force_win``: keep winsorising until ``winmax`` points are reached,
        whether or not the column passes.

    Returns
    -------
    TreatResult
        ``fallback`` is always None; ``skew_win``/``kurt_win`` equal the "after" values
        when any round ran.

    Raises
    ------
    SpecError
        If ``winmax`` is negative or ``x`` is not 1-D.

    Examples
    --------
    >>> r = winsorise([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100])
    >>> r.values[-1], r.n_high, r.passed
    (np.float64(10.0), 1, True)
    """
    if winmax is not None and winmax < 0:
        raise SpecError(f"winmax must be a non-negative integer or None; got {winmax!r}")
    orig = _column(x, "winsorise")
    return _winsorise(
        orig, winmax, skew, kurtosis, force, check(orig, skew=skew, kurtosis=kurtosis)
    )


def _winsorise(
    orig: FloatArray,
    winmax: int | None,
    skew: float,
    kurtosis: float,
    force: bool,
    first: tuple[bool, float, float],
) -> TreatResult:
    """:func:`winsorise` of a checked column whose :func:`check` is ``first``."""
    _, sk0, kt0 = first
    v, hi, lo, (passed, sk1, kt1) = _winsorise_rounds(
        orig.copy(), winmax, skew, kurtosis, force, first
    )
    n_hi, n_lo = int(hi.sum()), int(lo.sum())
    ran = n_hi + n_lo > 0
    return TreatResult(
        values=v,
        treated=ran,
        n_low=n_lo,
        n_high=n_hi,
        winsorised=hi | lo,
        fallback=None,
        skew_before=sk0,
        kurt_before=kt0,
        skew_after=sk1,
        kurt_after=kt1,
        passed=passed,
        skew_win=sk1 if ran else float("nan"),
        kurt_win=kt1 if ran else float("nan"),
    )


def treat_column(
    x: ArrayLike,
    *,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    winmax: int | None = 5,
    fallback: Transform | None = log_ct,
    mode: str = "auto",
) -> TreatResult:
    """Treat one column as COINr's ``Treat`` does (``combine_treat = FALSE``).

    Parameters
    ----------
    x
        1-D raw values (before any direction flip); NaN kept.
    skew, kurtosis
        Thresholds of :func:`check`.
    winmax
        Maximum number of winsorised points (None: no limit).
    fallback
        Transform applied to the original column when winsorising does not make it pass
        (default :func:`~.transforms.log_ct`; the registry's ``fallback`` family), or None to
        keep the winsorised column. :attr:`TreatResult.fallback` records its ``__name__``.
    mode
        "auto": check; if the column fails, winsorise; if it still fails, apply
        ``fallback`` to the original column.
        "force_win": as "auto", but a failing column is winsorised up to ``winmax``
        points even after it passes (COINr's ``force_win = TRUE``; as in COINr, a
        column that passes the first check is left alone).
        "fallback": apply ``fallback`` directly, without checking (an override for
        indicators a published index logs).
        "none": return the column untouched.

    Returns
    -------
    TreatResult

    Raises
    ------
    SpecError
        For an unknown ``mode``, or a transform that cannot be applied.

    Examples
    --------
    >>> r = treat_column([*range(1, 21), 100, 200], winmax=1)
    >>> r.fallback, r.n_high, r.passed
    ('log_ct', 1, True)
    """
    if mode not in MODES:
        raise SpecError(f"unknown treat mode {mode!r}; valid: {', '.join(sorted(MODES))}")
    f2 = fallback
    orig = _column(x, "treat_column")
    # winmax=0 runs no round: the untouched column with its statistics
    first = check(orig, skew=skew, kurtosis=kurtosis)
    untouched = _winsorise(orig, 0, skew, kurtosis, False, first)
    if mode == "none":
        return untouched
    if mode == "fallback":
        if f2 is None:
            return untouched
        return _apply_fallback(untouched, f2, orig, skew, kurtosis)
    if untouched.passed:
        return untouched
    if winmax is not None and winmax < 0:
        raise SpecError(f"winmax must be a non-negative integer or None; got {winmax!r}")
    win = _winsorise(orig, winmax, skew, kurtosis, mode == "force_win", first)
    if win.passed or f2 is None:
        return win
    return _apply_fallback(win, f2, orig, skew, kurtosis)


def _apply_fallback(
    base: TreatResult,
    f2: Transform,
    orig: FloatArray,
    skew_t: float,
    kurt_t: float,
) -> TreatResult:
    """``base`` with its values replaced by ``f2(orig)`` (COINr's combine_treat = FALSE)."""
    v = f2(orig)
    passed, sk, kt = check(v, skew=skew_t, kurtosis=kurt_t)
    return replace(
        base,
        values=v,
        treated=True,
        fallback=f2.__name__,
        skew_after=sk,
        kurt_after=kt,
        passed=passed,
    )
