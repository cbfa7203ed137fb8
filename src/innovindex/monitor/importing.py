"""Importing published results (scores by edition, no indicators) as a run of the store."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["import_results"]


def import_results(
    file: str | Path,
    *,
    framework: str,
    db: str | Path,
    time: int | None = None,
    time_column: str | None = None,
    unit_column: str | None = None,
    mapping: Mapping[str, str] | None = None,
    strict: bool = False,
    dataset: str | None = None,
) -> str:
    """Store a published results file as a run; returns the run id.

    The file is read as published: ``;`` or ``,`` separated, decimal commas, UTF-8 (with or
    without BOM) or latin-1. Columns are matched to the framework's codes or names
    (case-insensitive); ``mapping`` maps a column the framework cannot match to a code
    (``{"Score": "GII"}``). The unit column is found by its usual names (Country, Economy,
    Economies, uCode) or given by ``unit_column``; country names become ISO3 codes with
    country_converter. Other columns (income, GDP) are kept as unit metadata.

    For a known framework each row's aggregation identity is checked (for the GII: the index
    is the mean of the input and output sub-indices, each the mean of its pillars, within the
    published rounding); each row that breaks it is a :class:`~innovindex.errors.DataWarning`
    naming the row, or an :class:`~innovindex.errors.InputError` with ``strict=True``.

    Raises
    ------
    InputError
        One line naming the place: an unmappable country name (every one is listed), a
        non-numeric score, a year column with text, duplicate unit-year rows, no scores.
        Nothing is written.
    """
    raise NotImplementedError
