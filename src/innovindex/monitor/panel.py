"""A panel: the index built for every year, in one of two normalisation modes.

* default: each year is treated and normalised on its own sample (the GII's practice);
* ``reference_year=YEAR``: treatment caps and normalisation bounds are fitted on that year and
  applied to every year (the European Innovation Scoreboard's practice), so a unit whose data
  did not change keeps exactly the same score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..index import Index

__all__ = ["Panel", "panel"]


class Panel(dict[int | None, Index]):
    """Every year's :class:`~innovindex.Index` of one build, keyed by ``Time``.

    A plain ``dict`` (``panel[2022]`` is that year's Index) with the panel's settings and
    helpers for the monitoring questions.

    Attributes
    ----------
    reference_year
        The year bounds were fitted on, or None (each year on its own sample).
    warnings
        Messages of the DataWarnings raised while building.
    """

    reference_year: int | None = None
    warnings: list[str]

    def scores(self) -> pd.DataFrame:
        """Tidy scores and ranks of every year: ``time, uCode, uName, code, name, level, score, rank``."""
        raise NotImplementedError

    def timeseries(self, unit: str, code: str | None = None) -> pd.DataFrame:
        """One unit's series (see :func:`innovindex.monitor.timeseries`)."""
        raise NotImplementedError

    def record(
        self,
        db: str | Path,
        *,
        dataset: str,
        label: str = "build",
        inputs: dict[str, Any] | None = None,
        synthetic: bool = False,
        seed: int | None = None,
    ) -> str:
        """Record the panel in the store (one transaction) and return the run id."""
        raise NotImplementedError


def panel(
    data: Any,
    framework: Any,
    pipeline: Any = None,
    *,
    reference_year: int | None = None,
    times: list[int] | None = None,
    progress: bool = False,
) -> Panel:
    """Build every year of a multi-year iData (``Time`` column) in one run, like COINr's purse.

    Parameters
    ----------
    data, framework, pipeline
        As for :func:`innovindex.build`.
    reference_year
        Fit treatment caps and normalisation bounds on this year and apply them to all years.
    times
        Build only these years (the reference year is still fitted on its own data).

    Examples
    --------
    >>> import innovindex as ii
    >>> from innovindex.demo import demo_world
    >>> p = ii.panel(demo_world(seed=1, years=[2023, 2024]), "gii2019", reference_year=2023)
    >>> sorted(p)
    [2023, 2024]
    """
    raise NotImplementedError
