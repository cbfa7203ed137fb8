"""Variance-based (Sobol) sensitivity analysis with SALib's designs and estimators.

The design is SALib's Saltelli layout without second-order terms: ``N * (d + 2)`` rows, in
blocks of ``A, AB_1, ..., AB_d, B``. ``design="sobol"`` draws A and B from SALib's scrambled
Sobol' sequence (``SALib.sample.sobol``); ``design="random"`` draws them with
``numpy.random.default_rng`` (plain Monte Carlo, as COINr's ``SA_sample``). First-order (S1,
Saltelli 2010) and total (ST, Jansen) indices and their bootstrap resamples come from
``SALib.analyze.sobol``; intervals are percentiles of those resamples (COINr reports the 5th
and 95th).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._extras import require
from .._progress import progress_bar
from ..errors import SpecError
from ..index import Index
from .engine import DEFAULT_MEMORY_CAP, Evaluation
from .sampling import ParameterSets, refuse_failures, to_parameter_sets
from .spec import UncertaintySpec
from .uncertainty import _nominal, prepare, rank_statistics

__all__ = ["SensitivityResult", "saltelli_design", "sensitivity", "sobol_indices", "OutputLike"]

FloatArray = NDArray[np.float64]
#: ``"mean_abs_rank_shift"``, ``"rank:<uCode>"``, ``"score:<uCode>"``, or
#: ``f(scores, ranks, nominal_ranks) -> (reps,)`` on ``(reps, units)`` arrays.
OutputLike = str | Callable[[FloatArray, FloatArray, FloatArray], FloatArray]


def saltelli_design(
    d: int, n: int, *, seed: int | np.random.Generator | None = None, design: str = "sobol"
) -> tuple[FloatArray, list[str]]:
    """An ``(n * (d + 2), d)`` unit-cube design in SALib's Saltelli layout.

    Returns
    -------
    u : ndarray
    notes : list of str
        Caveats, e.g. that ``n`` is not a power of 2 for a Sobol' sequence.

    Examples
    --------
    >>> u, _ = saltelli_design(3, 8, seed=1)
    >>> u.shape
    (40, 3)
    """
    if d < 2:
        raise SpecError(f"a sensitivity analysis needs at least 2 uncertain assumptions; got {d}")
    if n < 2:
        raise SpecError(f"the base sample size N must be >= 2; got {n}")
    rng = np.random.default_rng(seed)
    notes: list[str] = []
    if design == "sobol":
        sobol_sample = require("SALib.sample.sobol", "audit", "Sobol sensitivity")

        problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            u = sobol_sample.sample(problem, n, calc_second_order=False, seed=rng)
        notes += [str(w.message).strip() for w in caught]
        return np.asarray(u, dtype=np.float64), notes
    if design != "random":
        raise SpecError(f"design must be 'sobol' or 'random'; got {design!r}")
    A, B = rng.random((n, d)), rng.random((n, d))
    blocks = np.empty((n, d + 2, d))
    blocks[:, 0] = A
    blocks[:, d + 1] = B
    for j in range(d):
        blocks[:, j + 1] = A
        blocks[:, j + 1, j] = B[:, j]
    return blocks.reshape(n * (d + 2), d), notes


def sobol_indices(
    y: FloatArray,
    names: list[str],
    *,
    n_bootstrap: int = 100,
    conf_level: float = 0.90,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices of ``y`` (SALib), with percentile bootstrap intervals.

    Parameters
    ----------
    y
        Outputs in the order of :func:`saltelli_design`.
    names
        Input names.
    n_bootstrap
        Bootstrap resamples.
    conf_level
        Interval width (0.90 gives the 5th and 95th percentiles).

    Returns
    -------
    pandas.DataFrame
        ``assumption, S1, S1_low, S1_high, ST, ST_low, ST_high, S1_conf, ST_conf`` (the last
        two are SALib's normal-approximation half-widths).
    """
    sobol_analyze = require("SALib.analyze.sobol", "audit", "Sobol sensitivity")

    y = np.asarray(y, dtype=np.float64)
    d = len(names)
    if y.ndim != 1 or y.size % (d + 2):
        raise SpecError(f"expected N * (d + 2) outputs for d = {d} inputs; got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        raise SpecError(
            f"{int((~np.isfinite(y)).sum())} model output(s) are missing or infinite; Sobol indices need every replication"
        )
    # SALib's analyze ignores seed 0 ("if seed:"), so always hand it a positive one.
    boot_seed = int(np.random.default_rng(seed).integers(1, 2**31 - 1))
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    res = sobol_analyze.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=n_bootstrap,
        conf_level=conf_level,
        keep_resamples=True,
        seed=boot_seed,
    )
    lo, hi = 100 * (1 - conf_level) / 2, 100 * (1 + conf_level) / 2
    s1_all, st_all = np.asarray(res["S1_conf_all"]), np.asarray(res["ST_conf_all"])
    return pd.DataFrame(
        {
            "assumption": list(names),
            "S1": np.asarray(res["S1"], dtype=float),
            "S1_low": np.nanpercentile(s1_all, lo, axis=0),
            "S1_high": np.nanpercentile(s1_all, hi, axis=0),
            "ST": np.asarray(res["ST"], dtype=float),
            "ST_low": np.nanpercentile(st_all, lo, axis=0),
            "ST_high": np.nanpercentile(st_all, hi, axis=0),
            "S1_conf": np.asarray(res["S1_conf"], dtype=float),
            "ST_conf": np.asarray(res["ST_conf"], dtype=float),
        }
    )


@dataclass(frozen=True)
class SensitivityResult:
    """Outcome of :func:`sensitivity`.

    Attributes
    ----------
    indices
        Sobol indices of each assumption on the output (see :func:`sobol_indices`).
    rank_stats
        Rank statistics over the A and B rows of the design (independent samples).
    y
        The output of every replication, in design order.
    params, evaluation
        Parameter sets and target scores of every replication.
    output
        Name of the output analysed.
    notes
        Caveats of the design.
    """

    indices: pd.DataFrame
    rank_stats: pd.DataFrame
    y: FloatArray
    params: ParameterSets
    evaluation: Evaluation
    output: str
    target: str
    seed: int | None
    notes: list[str] = field(default_factory=list)


def output_values(
    output: OutputLike,
    units: list[str],
    scores: FloatArray,
    ranks: FloatArray,
    nominal_ranks: FloatArray,
) -> FloatArray:
    """One scalar per replication from the ``(reps, units)`` scores and ranks."""
    if callable(output):
        return np.asarray(output(scores, ranks, nominal_ranks), dtype=np.float64).reshape(-1)
    if output == "mean_abs_rank_shift":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.asarray(
                np.nanmean(np.abs(ranks - nominal_ranks[None, :]), axis=1), dtype=np.float64
            )
    kind, _, unit = output.partition(":")
    if kind in ("rank", "score") and unit:
        if unit not in units:
            raise SpecError(
                f"output {output!r}: unit {unit!r} is not in the results; units: {units[:10]}..."
            )
        src = ranks if kind == "rank" else scores
        return np.asarray(src[:, units.index(unit)], dtype=np.float64)
    raise SpecError(
        f"unknown output {output!r}; expected 'mean_abs_rank_shift', 'rank:<uCode>', 'score:<uCode>' or a function"
    )


def sensitivity(
    index: Index,
    spec: UncertaintySpec | dict[str, Any] | str | Path,
    n: int,
    *,
    output: OutputLike = "mean_abs_rank_shift",
    seed: int | None = None,
    target: str | None = None,
    design: str | None = None,
    memory_cap: int = DEFAULT_MEMORY_CAP,
    n_jobs: int | None = None,
    progress: bool = False,
) -> SensitivityResult:
    """Sobol sensitivity of ``output`` to each uncertain assumption: ``n * (d + 2)`` replications.

    Parameters
    ----------
    index, spec, seed, target, memory_cap, n_jobs, progress
        As for :func:`~innovindex.audit.uncertainty.uncertainty`.
    n
        Base sample size N (a power of 2 suits the Sobol' sequence best).
    output
        ``"mean_abs_rank_shift"`` (COINr's: mean over units of the absolute rank change
        from nominal), ``"rank:<uCode>"``, ``"score:<uCode>"`` or a function.
    design
        ``"sobol"`` or ``"random"``; default from the spec.
    """
    sp, problem, engine, rng = prepare(
        index, spec, seed=seed, target=target, memory_cap=memory_cap, n_jobs=n_jobs
    )
    d = len(problem.names)
    u, notes = saltelli_design(d, n, seed=rng, design=design or sp.design)
    params = to_parameter_sets(problem, u)
    with progress_bar(len(params), progress, "sensitivity") as advance:
        ev = engine.evaluate(params, progress=advance)
    refuse_failures(params, ev.failed)
    nominal = _nominal(index, engine.target, ev.units)
    ranks = ev.ranks()
    nom_rank = rank_statistics(ev.units, nominal.to_numpy(), ev.scores[:1], ranks[:1])
    nom_ranks = nom_rank.set_index("uCode").loc[ev.units, "nominal"].to_numpy(dtype=float)
    y = output_values(output, ev.units, ev.scores, ranks, nom_ranks)
    indices = sobol_indices(
        y, problem.names, n_bootstrap=sp.bootstrap, conf_level=sp.conf_level, seed=rng
    )
    ab = np.r_[np.arange(0, len(params), d + 2), np.arange(d + 1, len(params), d + 2)]
    stats = rank_statistics(ev.units, nominal.to_numpy(), ev.scores[ab], ranks[ab])
    name = output if isinstance(output, str) else getattr(output, "__name__", "custom")
    return SensitivityResult(indices, stats, y, params, ev, name, engine.target, sp.seed, notes)
