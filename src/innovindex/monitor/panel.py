"""A panel: the index built for every year, in one of two normalisation modes.

* default: each year is treated and normalised on its own sample (the GII's practice);
* ``reference_year=YEAR``: treatment caps and normalisation bounds are fitted on that year and
  applied to every year (the European Innovation Scoreboard's practice), so a unit whose data
  did not change keeps exactly the same score.
"""

from __future__ import annotations

import warnings as _warnings
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

    def __init__(
        self,
        years: dict[int | None, Index],
        *,
        reference_year: int | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        super().__init__(years)
        self.reference_year = reference_year
        self.warnings = list(warnings or [])

    def scores(self) -> pd.DataFrame:
        """Tidy scores and ranks of every year: ``time, uCode, uName, code, name, level, score, rank``."""
        from ..store import _frame, _scores_long

        out = _frame([_scores_long("", t, idx) for t, idx in self.items()]).drop(columns="run_id")
        for col in ("time", "level", "rank"):
            out[col] = pd.array(out[col].to_numpy(dtype=float), dtype="Int64")
        fw = next(iter(self.values())).framework
        names = dict(zip(fw.meta["iCode"].astype(str), fw.meta["iName"].astype(str), strict=True))
        out["name"] = out["code"].map(names)
        return out[["time", "uCode", "uName", "code", "name", "level", "score", "rank", "coverage"]]

    def timeseries(self, unit: str, code: str | None = None) -> pd.DataFrame:
        """One unit's series (see :func:`innovindex.monitor.timeseries`)."""
        from .runs import unit_series

        return unit_series(self.scores(), unit, code, source="the panel")

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
        from ..store import record_build

        return record_build(
            db,
            self,
            label=label,
            synthetic=synthetic,
            seed=seed,
            dataset=dataset,
            inputs=inputs,
            reference_year=self.reference_year,
            warnings=self.warnings,
        )


def panel(
    data: Any,
    framework: Any,
    pipeline: Any = None,
    *,
    reference_year: int | None = None,
    times: list[int] | None = None,
    impute: dict[str, Any] | None = None,
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
    impute
        Panel imputation before anything else, e.g. ``{"method": "carry_forward",
        "max_gap": 2}`` (see :func:`innovindex.monitor.impute.impute_panel`).

    Examples
    --------
    >>> import innovindex as ii
    >>> from innovindex.demo import demo_world
    >>> p = ii.panel(demo_world(seed=1, years=[2023, 2024]), "gii2019", reference_year=2023)
    >>> sorted(p)
    [2023, 2024]
    """
    from ..building import build_panel

    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        years = build_panel(
            data,
            framework,
            pipeline,
            times=times,
            progress=progress,
            reference_year=reference_year,
            panel_impute=impute,
        )
    messages = []
    for w in caught:  # keep them on the panel and pass them on to the caller
        messages.append(str(w.message))
        _warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return Panel(years, reference_year=reference_year, warnings=messages)
