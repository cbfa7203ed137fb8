"""Change between two values, in the four ways analysts quote it, each under its own name.

A level that goes from 10 to 67.3 is a **6.73-fold** level (``fold = end / start``), a change of
**+573%** (``percent = 100 (end - start) / start``), **+57.3** points (``absolute``), and over
``years`` years a compound annual growth rate ``cagr = fold ** (1 / years) - 1``. Mixing them
("5.7-fold increase" for +573%) is the classic error this module avoids by never printing one
under another's name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["change_measures", "CHANGE_COLUMNS"]

#: Column names of :func:`change_measures`, in order.
CHANGE_COLUMNS = ["change_abs", "change_pct", "cagr_pct", "fold"]


def change_measures(start: ArrayLike, end: ArrayLike, years: ArrayLike) -> pd.DataFrame:
    """Absolute, percent, CAGR (percent per year) and fold change from ``start`` to ``end``.

    Parameters
    ----------
    start, end
        Values at the two times (scalars or arrays of the same length).
    years
        Years between them (``end`` time minus ``start`` time).

    Returns
    -------
    pandas.DataFrame
        ``change_abs`` (end - start), ``change_pct`` (percent of start), ``cagr_pct``
        (compound annual growth, percent per year) and ``fold`` (end / start). Percent, CAGR
        and fold are NaN when ``start`` is 0 or the signs differ (a ratio would mislead);
        CAGR is NaN when ``years`` is 0.

    Examples
    --------
    >>> change_measures(10.0, 67.3, 10).round(2).to_dict("records")
    [{'change_abs': 57.3, 'change_pct': 573.0, 'cagr_pct': 21.0, 'fold': 6.73}]
    """
    s = np.atleast_1d(np.asarray(start, dtype=float))
    e = np.atleast_1d(np.asarray(end, dtype=float))
    y = np.broadcast_to(np.atleast_1d(np.asarray(years, dtype=float)), s.shape)
    ok = (s != 0) & (np.sign(s) == np.sign(e))
    with np.errstate(divide="ignore", invalid="ignore"):
        fold = np.where(ok, e / np.where(s == 0, 1.0, s), np.nan)
        pct = np.where(s != 0, 100.0 * (e - s) / np.where(s == 0, 1.0, np.abs(s)), np.nan)
        cagr = np.where(
            ok & (y > 0), 100.0 * (np.abs(fold) ** (1.0 / np.where(y > 0, y, 1.0)) - 1.0), np.nan
        )
    return pd.DataFrame({"change_abs": e - s, "change_pct": pct, "cagr_pct": cagr, "fold": fold})
