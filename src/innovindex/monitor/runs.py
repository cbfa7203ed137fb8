"""Reading recorded runs from the store: which runs exist, their scores, one unit's series."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["list_runs", "resolve_run", "scores", "timeseries"]

DbLike = str | Path


def resolve_run(db: DbLike, run: str = "latest") -> str:
    """The id of a recorded run: ``"latest"`` (the newest) or an id (a unique prefix works).

    Raises
    ------
    InputError
        When the store has no runs, or no run has that id (the message names it).
    """
    raise NotImplementedError


def list_runs(db: DbLike) -> pd.DataFrame:
    """Every recorded run, newest first.

    Columns: ``run_id``, ``created``, ``kind`` (``build`` or ``import``), ``label``,
    ``dataset``, ``framework``, ``reference_year``, ``synthetic``, ``times`` (list of years),
    ``n_units``, ``innovindex_version``.
    """
    raise NotImplementedError


def scores(
    db: DbLike,
    run: str = "latest",
    *,
    level: int | None = None,
    code: str | None = None,
    time: int | None = None,
) -> pd.DataFrame:
    """Scores and ranks of one run, tidy: one row per unit, aggregate and year.

    Columns: ``run_id``, ``time``, ``uCode``, ``uName``, ``code``, ``name``, ``level``,
    ``score``, ``rank`` (1 = highest, ties share the minimum rank), ``coverage`` (share of the
    aggregate's indicators with data, NaN for imported results).

    Raises
    ------
    InputError
        Unknown run, a ``code`` not in the run, or a ``time`` the run does not have.
    """
    raise NotImplementedError


def timeseries(db: DbLike, run: str, unit: str, code: str | None = None) -> pd.DataFrame:
    """One unit's scores and ranks over every year of a run.

    Parameters
    ----------
    code
        One aggregate code (default: every aggregate).

    Returns
    -------
    pandas.DataFrame
        ``time``, ``code``, ``name``, ``level``, ``score``, ``rank``, ``n_units`` (units ranked
        that year), and the change from the previous year: ``change_abs``, ``change_pct``,
        ``rank_change`` (positive = moved up).
    """
    raise NotImplementedError
