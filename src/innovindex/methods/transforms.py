"""Transforms for columns that winsorising cannot tame: COINr's ``log_CT``, the GII's scaled
log and the plain log (the treatment *fallbacks*; the registry names them).

Each takes one 1-D column (NaN kept) and returns a new array; a column the transform cannot
be applied to is a :class:`~innovindex.errors.SpecError` that says why.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from innovindex.errors import SpecError

from ._arrays import column as _column

__all__ = ["gii_log", "log", "log_ct"]

FloatArray = NDArray[np.float64]


def _range(v: FloatArray, what: str) -> tuple[float, float]:
    valid = v[~np.isnan(v)]
    if valid.size == 0:
        raise SpecError(f"{what}: the column has no non-missing values to transform")
    lo, hi = float(valid.min()), float(valid.max())
    if lo == hi:
        raise SpecError(f"{what}: the column is constant (all values {lo}); cannot log-transform")
    return lo, hi


def log_ct(x: ArrayLike) -> FloatArray:
    """COINr's ``log_CT``: ``ln(x - min + 0.01 * (max - min))``.

    Raises
    ------
    SpecError
        If the column is constant or all missing (the argument would be 0).
    """
    v = _column(x, "log_ct")
    lo, hi = _range(v, "log_ct")
    return np.log(v - lo + 0.01 * (hi - lo))


def gii_log(x: ArrayLike) -> FloatArray:
    """GII scaled log: ``ln((max - 1) * (x - min) / (max - min) + 1)``.

    Maps the column onto ``[0, ln(max)]`` keeping its order.

    Raises
    ------
    SpecError
        If ``max <= 1`` (the transform would flatten or reverse the indicator) or the
        column is constant.
    """
    v = _column(x, "gii_log")
    lo, hi = _range(v, "gii_log")
    if hi <= 1.0:
        raise SpecError(
            f"gii_log needs a column maximum above 1 (it would reverse or flatten the "
            f"indicator otherwise); found max {hi}"
        )
    return np.log((hi - 1.0) * (v - lo) / (hi - lo) + 1.0)


def log(x: ArrayLike) -> FloatArray:
    """Plain natural log.

    Raises
    ------
    SpecError
        If any non-missing value is <= 0.
    """
    v = _column(x, "log")
    bad = v <= 0
    if np.any(bad):
        raise SpecError(
            f"log needs positive values; found {int(bad.sum())} value(s) <= 0 "
            f"(smallest {float(np.nanmin(v))}); use log_ct instead"
        )
    return np.log(v)
