"""Exact attribution of a unit's score change between two years.

See docs/monitor.md ("Change attribution") for the method: a three-factor Shapley split into
the unit's own data, the sample's normalisation bounds and missing data, and within each
factor an exact split by indicator that holds for any power-mean aggregation (arithmetic,
geometric as the log limit, harmonic, generalised).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .panel import Panel

__all__ = ["Explanation", "explain", "EFFECTS"]

#: The three effects, in the order they are reported.
EFFECTS = ("own_data", "bounds", "missing")


@dataclass(frozen=True)
class Explanation:
    """Why a unit's score changed between two years.

    Attributes
    ----------
    unit, code, from_, to
        What was explained: the unit, the aggregate (default the index), the two years.
    summary
        One row: ``score_from``, ``score_to``, the change measures (``change_abs``,
        ``change_pct``, ``cagr_pct``, ``fold``), ``rank_from``, ``rank_to``,
        ``rank_change`` and the three effects ``own_data``, ``bounds``, ``missing``
        (which add up to ``change_abs``).
    contributions
        Tidy: one row per effect and element (indicator, sub-pillar, pillar...):
        ``effect``, ``level``, ``code``, ``name``, ``parent``, ``value_from``, ``value_to``,
        ``contribution``. At every level the contributions add up exactly (to rounding
        error) to the change of the explained score.
    rank_moves
        Units that overtook the unit or were overtaken by it (and units that entered or left
        the sample above it): ``uCode``, ``uName``, ``move``, ``score_from``, ``score_to``,
        ``gap_from``, ``gap_to`` (their score minus the unit's).
    """

    unit: str
    code: str
    from_: int
    to: int
    summary: pd.DataFrame
    contributions: pd.DataFrame
    rank_moves: pd.DataFrame

    def by_level(self, level: int) -> pd.DataFrame:
        """Contributions at one level, one row per element, the effects as columns plus ``total``."""
        raise NotImplementedError


def explain(
    source: str | Path | Panel,
    unit: str,
    from_: int,
    to: int,
    *,
    run: str = "latest",
    code: str | None = None,
) -> Explanation:
    """Explain the change of ``unit``'s score from year ``from_`` to year ``to``.

    Parameters
    ----------
    source
        The store (a path; ``run`` picks the run) or an in-memory :class:`Panel`.
    code
        The aggregate to explain (default: the top of the framework).

    Raises
    ------
    InputError
        Unknown unit or run, a year the run does not have, or a run imported from published
        results (no indicator data to attribute).
    SpecError
        The run's normalisation or aggregation has no exact decomposition (e.g. Copeland).
    """
    raise NotImplementedError
