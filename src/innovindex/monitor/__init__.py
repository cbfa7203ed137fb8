"""Monitoring an index over time: stored runs, panels, change attribution, economy profiles.

Everything here returns tidy pandas frames (one row per observation, named columns) so that
the CLI, the REST API and notebooks share one layer. A *source* is either the DuckDB store
(a path, with ``run="latest"`` or a run id) or an in-memory :class:`Panel`.

=====================  =========================================================
``resolve_run``        a run id from ``"latest"`` or an id (unknown id: InputError)
``list_runs``          every recorded run, newest first
``scores``             scores and ranks of a run (filter by level, code, time)
``timeseries``         one unit's scores and ranks over the years, with changes
``change_measures``    absolute, percent, CAGR and fold change, named distinctly
``profile``            an economy profile: scores, ranks, coverage, strengths/weaknesses
``strengths_weaknesses``  the GII 2019 rule on any tidy score table
``peers``              the nearest units by score or by profile shape
``explain``            exact attribution of a score change between two years
``explain_all``        the three effects for every unit, one pair of years
``explain_pairs``      the same for several pairs at once (e.g. every consecutive pair)
``import_results``     store published results (scores by edition) as a run
``Panel``              a built panel (every year) that can be explained and recorded
=====================  =========================================================
"""

from __future__ import annotations

from .changes import change_measures
from .explain import EFFECTS, Explanation, explain, explain_all, explain_pairs
from .importing import import_results
from .panel import Panel, panel
from .profile import peers, profile, strengths_weaknesses
from .runs import list_runs, resolve_run, scores, timeseries

__all__ = [
    "EFFECTS",
    "Explanation",
    "Panel",
    "change_measures",
    "explain",
    "explain_all",
    "explain_pairs",
    "import_results",
    "list_runs",
    "panel",
    "peers",
    "profile",
    "resolve_run",
    "scores",
    "strengths_weaknesses",
    "timeseries",
]
