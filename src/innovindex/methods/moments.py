"""Column moments for outlier treatment: type-2 skewness and kurtosis (Excel ``SKEW``/``KURT``,
e1071 ``type = 2``, COINr ``skew``/``kurt``) and COINr's ``check_SkewKurt`` rule.

NaN marks a missing value; statistics use the non-NaN values only (COINr's ``na.rm = TRUE``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._arrays import column as _column

__all__ = ["check", "kurtosis", "skew"]

FloatArray = NDArray[np.float64]


def _centred(x: ArrayLike, what: str, min_n: int) -> tuple[FloatArray, float, int] | None:
    """Deviations from the mean of the non-NaN values, their sum of squares and count; None
    when fewer than ``min_n`` values remain or they are all equal (the moment is undefined)."""
    v = _column(x, what)
    v = v[~np.isnan(v)]
    if v.size < min_n:
        return None
    d = v - v.mean()
    s2 = float(np.sum(d**2))
    return None if s2 == 0.0 else (d, s2, int(v.size))


def skew(x: ArrayLike) -> float:
    """Sample skewness, type 2 (Excel ``SKEW``, e1071 ``type = 2``, COINr ``skew``).

    Parameters
    ----------
    x
        1-D values; NaN are ignored.

    Returns
    -------
    float
        ``sqrt(n(n-1))/(n-2) * m3 / m2**1.5`` of the non-NaN values, or NaN when fewer
        than 3 values remain or they are all equal.

    Examples
    --------
    >>> round(skew([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]), 6)
    3.255638
    """
    return _skew_kurt(x, "skew")[0]


def kurtosis(x: ArrayLike) -> float:
    """Sample excess kurtosis, type 2 (Excel ``KURT``, e1071 ``type = 2``, COINr ``kurt``).

    Parameters
    ----------
    x
        1-D values; NaN are ignored.

    Returns
    -------
    float
        ``((n+1)(r-3) + 6)(n-1)/((n-2)(n-3))`` with ``r = n*m4/m2**2``, or NaN when fewer
        than 4 values remain or they are all equal.
    """
    return _skew_kurt(x, "kurtosis")[1]


def check(x: ArrayLike, *, skew: float = 2.0, kurtosis: float = 3.5) -> tuple[bool, float, float]:
    """COINr's skew/kurtosis rule: does the column need no (more) treatment?

    Parameters
    ----------
    x
        1-D values; NaN are ignored.
    skew, kurtosis
        Thresholds. The column fails only when ``|skew| >= skew`` **and** ``kurt >= kurtosis``.

    Returns
    -------
    tuple of (bool, float, float)
        ``(passes, skew, kurt)``. A statistic that is undefined (NaN: too few values or a
        constant column) cannot show a failure, so such a column passes; COINr returns the
        column untreated in that case too.
    """
    sk, kt = _skew_kurt(x, "check")
    fails = (not np.isnan(sk) and abs(sk) >= skew) and (not np.isnan(kt) and kt >= kurtosis)
    return (not fails, sk, kt)


def _skew_kurt(x: ArrayLike, what: str) -> tuple[float, float]:
    """Type-2 skewness and excess kurtosis from one pass over the column's non-NaN values."""
    centred = _centred(x, what, 3)
    if centred is None:
        return float("nan"), float("nan")
    d, s2, n = centred
    sk = float(np.sqrt(n) * float(np.sum(d**3)) / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2))
    if n < 4:
        return sk, float("nan")
    r = n * float(np.sum(d**4)) / s2**2
    return sk, float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))
