"""Panel imputation: each unit's series over the years (COINr's ``impute_panel``).

Methods
-------
``carry_forward`` (COINr ``imp_type = "constant"``)
    A missing value takes the latest earlier known value; values before the first known one
    take the first known value. ``constant`` is the same method under COINr's name.
``linear`` (COINr ``imp_type = "linear"``)
    Linear interpolation in time between the nearest known values; before the first / after
    the last known value, the nearest known value.

``max_gap`` (COINr ``max_time``) limits how far a value may travel: a missing value is filled
only when its source (the known value carried, or the nearest known value for ``linear``) is
at most ``max_gap`` years away; otherwise it stays missing. Years are the ``Time`` values, so a
unit with a missing row counts the gap in years, not rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..methods import registry

__all__ = ["impute_panel", "PANEL_METHODS"]

PANEL_METHODS = ("carry_forward", "constant", "linear")


def _nearest_known_distance(t: np.ndarray, known: np.ndarray, backward_only: bool) -> np.ndarray:
    """Distance in time from each point to the value that fills it."""
    tk = t[known]
    idx = np.searchsorted(tk, t, side="right") - 1  # last known at or before
    back = np.where(idx >= 0, t - tk[np.clip(idx, 0, None)], np.inf)
    nxt = np.clip(idx + 1, 0, tk.size - 1)
    fwd = np.where(tk[nxt] >= t, tk[nxt] - t, np.inf)
    if backward_only:  # carry forward; only the leading gap is filled from the next value
        return np.where(np.isfinite(back), back, fwd)
    return np.minimum(back, fwd)


def impute_panel(
    data: pd.DataFrame,
    indicators: list[str],
    method: str = "carry_forward",
    max_gap: int | None = None,
) -> pd.DataFrame:
    """Impute every indicator of an iData panel over ``Time``, unit by unit.

    Parameters
    ----------
    data
        iData with ``uCode`` and ``Time``.
    indicators
        Columns to impute.
    method
        ``carry_forward`` (= ``constant``) or ``linear``.
    max_gap
        Fill only values whose source is at most this many years away (None: no limit).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"uCode": "A", "Time": [2020, 2021, 2022], "x": [3, None, 5]})
    >>> impute_panel(df, ["x"], "linear")["x"].tolist()
    [3.0, 4.0, 5.0]
    """
    if method not in PANEL_METHODS:
        raise SpecError(
            f"panel imputation method must be one of {list(PANEL_METHODS)}; got {method!r}"
        )
    if max_gap is not None and (not isinstance(max_gap, int) or max_gap < 1):
        raise SpecError(
            f"panel imputation 'max_gap' must be a whole number of years >= 1; got {max_gap!r}"
        )
    kernel = registry.get("impute", "panel")
    assert kernel is not None
    kind = "linear" if method == "linear" else "constant"
    out = data.sort_values(["uCode", "Time"]).copy()
    times = out["Time"].to_numpy(dtype=float)
    groups = list(out.groupby("uCode", sort=False).indices.values())
    for code in indicators:
        arr = out[code].to_numpy(dtype=float).copy()
        for idx in groups:
            series = arr[idx]
            known = ~np.isnan(series)
            if known.all() or not known.any():
                continue
            t = times[idx]
            filled = kernel(series, kind=kind, time=t)
            if max_gap is not None:
                far = _nearest_known_distance(t, known, backward_only=kind == "constant") > max_gap
                filled = np.where(~known & far, np.nan, filled)
            arr[idx] = filled
        out[code] = arr
    return out.loc[data.index]
