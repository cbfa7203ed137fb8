"""How a table cell reads as text, the same in the terminal, the HTML report and the web pages."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["cell_text"]


def cell_text(v: Any, digits: int = 1) -> str:
    """``v`` for display: ``""`` when missing (None, NaN, ``pd.NA``), a float with ``digits``
    decimals, anything else as ``str``. Callers writing HTML escape the result.

    Examples
    --------
    >>> [cell_text(x, 2) for x in (None, float("nan"), 1.0 / 3, 7, "CHN")]
    ['', '', '0.33', '7', 'CHN']
    """
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)
