"""Economy profiles: scores and ranks at every level, coverage, strengths and weaknesses,
income-group comparison, and peers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .panel import Panel

__all__ = ["profile", "peers", "strengths_weaknesses"]

SourceLike = str | Path | Panel


def strengths_weaknesses(scores: pd.DataFrame, *, levels: tuple[str, ...] | None = None) -> pd.Series:
    """Strength / weakness flags by the GII 2019 rule (see docs/monitor.md).

    Parameters
    ----------
    scores
        Tidy scores of ONE year: ``uCode``, ``code``, ``level``, ``score`` (and optionally
        ``rank``); every unit of the edition must be present so that percentile ranks are
        among all economies.

    Returns
    -------
    pandas.Series
        Aligned with ``scores``: ``"Strength"``, ``"Weakness"`` or ``""``.
    """
    raise NotImplementedError


def profile(
    source: SourceLike, unit: str, *, run: str = "latest", time: int | None = None
) -> pd.DataFrame:
    """An economy profile, tidy: one row per year and element.

    Columns: ``time``, ``level``, ``code``, ``name``, ``score``, ``rank``, ``n_units``,
    ``percentile`` (share of economies scoring below or equal), ``flag`` (``Strength`` /
    ``Weakness`` / ``""``), ``coverage`` (share of indicators with data, shown in brackets
    when the data-minimum coverage is not met), ``group``, ``group_mean``, ``group_sd`` and
    ``group_flag`` (``above`` / ``below`` the group mean by more than one standard deviation,
    when the data have income groups).

    Without ``time`` every year of the run is profiled.
    """
    raise NotImplementedError


def peers(
    source: SourceLike,
    unit: str,
    *,
    run: str = "latest",
    time: int | None = None,
    n: int = 5,
    by: str = "score",
) -> pd.DataFrame:
    """The ``n`` nearest units to ``unit``.

    ``by="score"``: absolute difference of the top score. ``by="profile"``: Euclidean distance
    between the pillar score vectors after centring each on its unit's mean (the *shape* of the
    profile, not its level). Columns: ``uCode``, ``uName``, ``distance``, ``score``, ``rank``.
    """
    raise NotImplementedError
