"""Show a recorded run: an Excel workbook and a self-contained offline HTML report.

Both read the run from the store through :class:`~innovindex.report.reader.StoreReader`, the
same reader the web app uses, so every view shows the same numbers.
"""

from __future__ import annotations

from .data import RunData, RunNotFound
from .reader import StoreReader

__all__ = ["RunData", "RunNotFound", "StoreReader"]
