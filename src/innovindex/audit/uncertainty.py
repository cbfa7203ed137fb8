"""Monte Carlo uncertainty analysis: rank and score distributions of every unit.

>>> import innovindex as ii                                    # doctest: +SKIP
>>> res = ii.audit.uncertainty(idx, "uncertainty.yaml", n=1000)  # doctest: +SKIP
>>> res.rank_stats.head()                                     # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._progress import progress_bar
from ..errors import SpecError
from ..index import Index
from ..pipeline import Pipeline
from .engine import DEFAULT_MEMORY_CAP, Engine, Evaluation, rank_rows
from .sampling import ParameterSets, Problem, refuse_failures, resolve, to_parameter_sets
from .spec import UncertaintySpec, load_spec

__all__ = ["UncertaintyResult", "rank_statistics", "uncertainty", "prepare", "progress_bar"]

SpecLike = UncertaintySpec | dict[str, Any] | str | Path


@dataclass(frozen=True)
class UncertaintyResult:
    """Outcome of :func:`uncertainty`.

    Attributes
    ----------
    rank_stats
        One row per unit: ``uCode, nominal, mean, median, q5, q95`` of the rank,
        ``mean_abs_shift`` (mean absolute difference from the nominal rank), then the same
        statistics of the score (``score_nominal`` ... ``score_q95``). Sorted by nominal rank.
    params
        The parameter set of every replication.
    evaluation
        Target scores of every replication (``evaluation.scores``, ``evaluation.ranks()``).
    nominal
        Nominal scores of the target, by unit.
    target
        The aggregate studied.
    seed
        The seed used.
    """

    rank_stats: pd.DataFrame
    params: ParameterSets
    evaluation: Evaluation
    nominal: pd.Series
    target: str
    seed: int | None

    def replications(self) -> pd.DataFrame:
        """One row per replication: the alternative chosen for each assumption."""
        return self.params.frame()


def prepare(
    index: Index,
    spec: SpecLike,
    *,
    seed: int | None = None,
    target: str | None = None,
    memory_cap: int = DEFAULT_MEMORY_CAP,
    n_jobs: int | None = None,
) -> tuple[UncertaintySpec, Problem, Engine, np.random.Generator]:
    """Validate the spec, draw the weight sets and set up the engine (shared by UA and SA).

    The seed actually used (``seed``, else the spec's, else a fresh one) is recorded on the
    returned spec, so every run can be repeated.
    """
    sp = load_spec(spec)
    chosen = seed if seed is not None else sp.seed
    if chosen is None:
        chosen = int(np.random.SeedSequence().entropy % 2**63)  # type: ignore[operator]
    sp = sp.model_copy(update={"seed": chosen})
    rng = np.random.default_rng(chosen)
    problem = resolve(sp, index.framework, Pipeline.from_spec(index.spec), rng)
    engine = Engine(
        index, problem, target=target or sp.target, memory_cap=memory_cap, n_jobs=n_jobs
    )
    return sp, problem, engine, rng


def uncertainty(
    index: Index,
    spec: SpecLike,
    n: int,
    *,
    seed: int | None = None,
    target: str | None = None,
    memory_cap: int = DEFAULT_MEMORY_CAP,
    n_jobs: int | None = None,
    progress: bool = False,
) -> UncertaintyResult:
    """Run ``n`` Monte Carlo replications of the uncertain assumptions.

    Parameters
    ----------
    index
        The nominal build (:func:`innovindex.building`).
    spec
        An uncertainty spec: model, mapping or YAML path (see :mod:`innovindex.audit.spec`).
    n
        Number of replications.
    seed
        Overrides the spec's seed. The same seed gives the same results.
    target
        Aggregate whose ranks are studied (default: the spec's target, else the root).
    memory_cap
        Bytes of working memory per batch (default 2 GiB).
    n_jobs
        Threads (default: all CPUs).
    progress
        Show a progress bar on stderr.

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    SpecError
        For a bad spec, or ``n < 1``.
    """
    if n < 1:
        raise SpecError(f"the number of replications must be >= 1; got {n}")
    sp, problem, engine, rng = prepare(
        index, spec, seed=seed, target=target, memory_cap=memory_cap, n_jobs=n_jobs
    )
    params = to_parameter_sets(problem, rng.random((n, len(problem.names))))
    with progress_bar(n, progress, "uncertainty") as advance:
        ev = engine.evaluate(params, progress=advance)
    refuse_failures(params, ev.failed)
    nominal = _nominal(index, engine.target, ev.units)
    stats = rank_statistics(ev.units, nominal.to_numpy(), ev.scores, ev.ranks())
    return UncertaintyResult(stats, params, ev, nominal, engine.target, sp.seed)


def _nominal(index: Index, target: str, units: list[str]) -> pd.Series:
    s = index.scores()[target].copy()
    s.index = s.index.astype(str)
    return s.reindex(units).astype(float)


def rank_statistics(
    units: list[str],
    nominal: NDArray[np.float64],
    scores: NDArray[np.float64],
    ranks: NDArray[np.float64],
) -> pd.DataFrame:
    """Per-unit rank and score statistics over replications (NaN-skipping, quantile type 7).

    ``nominal`` holds the nominal scores; nominal ranks are computed from them the same way
    as replication ranks (1 = best, ties share the minimum).
    """
    nom_rank = rank_rows(np.asarray(nominal, dtype=np.float64)[None, :])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN units stay NaN
        q = np.nanquantile(ranks, [0.5, 0.05, 0.95], axis=0)
        sq = np.nanquantile(scores, [0.5, 0.05, 0.95], axis=0)
        df = pd.DataFrame(
            {
                "uCode": units,
                "nominal": nom_rank,
                "mean": np.nanmean(ranks, axis=0),
                "median": q[0],
                "q5": q[1],
                "q95": q[2],
                "mean_abs_shift": np.nanmean(np.abs(ranks - nom_rank), axis=0),
                "score_nominal": nominal,
                "score_mean": np.nanmean(scores, axis=0),
                "score_median": sq[0],
                "score_q5": sq[1],
                "score_q95": sq[2],
            }
        )
    return df.sort_values(["nominal", "uCode"], kind="stable", na_position="last").reset_index(
        drop=True
    )
