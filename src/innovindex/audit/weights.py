"""What-if analyses on weights, run on the batched engine: remove one element at a time
(COINr ``remove_elements``) and optimise weights towards target importances (COINr
``get_opt_weights``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..index import Index
from ..pipeline import Pipeline
from .engine import Engine, rank_rows
from .sampling import ParameterSets, Problem, resolve
from .spec import load_spec

__all__ = ["RemovalResult", "WeightOptimisation", "optimise_weights", "remove_elements"]


@dataclass(frozen=True)
class RemovalResult:
    """Ranks of the target with each element removed (weight 0, siblings renormalised).

    Attributes
    ----------
    ranks
        ``uCode``, ``nominal`` and one column of ranks per removed element.
    rank_diffs
        ``nominal - rank without the element`` (COINr's sign), same shape.
    mean_abs_diff
        Per removed element: mean over units of the absolute rank change.
    """

    ranks: pd.DataFrame
    rank_diffs: pd.DataFrame
    mean_abs_diff: pd.Series


def remove_elements(index: Index, level: int, *, target: str | None = None) -> RemovalResult:
    """Remove each element of ``level`` in turn and re-rank the target (default: the root).

    Examples
    --------
    >>> res = remove_elements(idx, level=2)            # doctest: +SKIP
    >>> res.mean_abs_diff.sort_values().tail(3)        # doctest: +SKIP
    """
    fw = index.framework
    codes = list(fw.codes_at(level))
    if not codes:
        raise SpecError(
            f"the framework has no elements at level {level}; levels: {list(fw.levels)}"
        )
    spec = load_spec({"assumptions": {"exclude": {"values": [[c] for c in codes]}}})
    problem = resolve(spec, fw, Pipeline.from_spec(index.spec), np.random.default_rng(0))
    engine = Engine(index, problem, target=target, n_jobs=1)
    params = ParameterSets(problem, np.arange(len(codes), dtype=np.intp)[:, None])
    ev = engine.evaluate(params)
    nominal = index.scores()[engine.target]
    nominal.index = nominal.index.astype(str)
    nom_rank = rank_rows(nominal.reindex(ev.units).to_numpy()[None, :])[0]
    ranks = pd.DataFrame(ev.ranks().T, columns=codes, index=pd.Index(ev.units, name="uCode"))
    diffs = ranks.rsub(nom_rank, axis=0)
    out_ranks = ranks.copy()
    out_ranks.insert(0, "nominal", nom_rank)
    out_diffs = diffs.copy()
    out_diffs.insert(0, "nominal", nom_rank)
    mad = diffs.abs().mean()
    mad.name = "mean_abs_diff"
    return RemovalResult(out_ranks.reset_index(), out_diffs.reset_index(), mad)


@dataclass(frozen=True)
class WeightOptimisation:
    """Result of :func:`optimise_weights`.

    Attributes
    ----------
    table
        ``iCode, target, obtained, weight``: target importance (normalised), correlation
        with the index normalised to sum to 1, and the optimised weight (summing to 1).
    weights
        Every tree element's weight with the optimised level substituted, for
        ``Framework.with_weights``.
    converged
        Whether the optimiser reported success.
    """

    table: pd.DataFrame
    weights: dict[str, float]
    converged: bool


def optimise_weights(
    index: Index,
    level: int,
    itarg: str | Sequence[float] = "equal",
    *,
    method: str = "pearson",
    toler: float = 0.1,
    maxiter: int = 500,
    nonnegative: bool = False,
) -> WeightOptimisation:
    """Weights at ``level`` whose elements' correlations with the index match ``itarg``.

    The objective is COINr's: ``log(mean((itarg - r / sum(r))**2))`` where ``r`` are the
    correlations of the level's elements with the index re-aggregated with the candidate
    weights, minimised by Nelder-Mead from ``itarg``. Each evaluation is one engine pass
    (no rebuild).

    Parameters
    ----------
    itarg
        ``"equal"`` or one relative importance per element of ``level``.
    method
        ``pearson`` or ``spearman``.
    toler, maxiter
        Convergence tolerance on the objective, and iteration cap.
    nonnegative
        Keep weights >= 0 (optimise ``|w|``). COINr does not, so by default a weight can
        turn negative when the targets cannot be met otherwise (e.g. ``itarg = (1, 2)`` on
        the example coin's Conn and Sust, whose correlation is 0.6).
    """
    from scipy.optimize import minimize  # imported here: it is slow to import

    fw = index.framework
    codes = list(fw.codes_at(level))
    if level >= max(fw.levels) or level < 1 or not codes:
        raise SpecError(
            f"level must be one of {list(fw.levels)[:-1]} (below the index); got {level}"
        )
    if isinstance(itarg, str):
        if itarg != "equal":
            raise SpecError(f"itarg must be 'equal' or a list of numbers; got {itarg!r}")
        target = np.ones(len(codes))
    else:
        target = np.asarray(itarg, dtype=float)
        if target.shape != (len(codes),) or np.any(target <= 0):
            raise SpecError(
                f"itarg needs {len(codes)} positive numbers (one per element of level {level}: {codes}); got {list(itarg)}"
            )
    if method not in ("pearson", "spearman"):
        raise SpecError(f"method must be 'pearson' or 'spearman'; got {method!r}")
    target = target / target.sum()
    elements = list(fw.iter_tree())
    nominal = np.array([fw.weights[c] for c in elements])
    cols = [elements.index(c) for c in codes]
    scores = index.scores()
    scores.index = scores.index.astype(str)

    def scale(w: np.ndarray) -> np.ndarray:
        w = np.abs(w) if nonnegative else w
        return np.asarray(w / w.sum())

    units = [str(u) for u in scores.index]
    X = scores[codes].to_numpy(dtype=float)
    engine = Engine(
        index, Problem(["weights"], {"weights": [0]}, elements, nominal, nominal[None, :]), n_jobs=1
    )
    one = np.zeros((1, 1), dtype=np.intp)
    pos = np.array(
        [engine.evaluate(ParameterSets(engine.problem, one)).units.index(u) for u in units]
    )

    def corr(w: np.ndarray) -> np.ndarray:
        W = nominal.copy()
        W[cols] = scale(w)
        problem = Problem(["weights"], {"weights": [0]}, elements, nominal, W[None, :])
        ev = engine.evaluate(ParameterSets(problem, one))
        y = ev.scores[0][pos]
        if method == "spearman":
            return np.array([_pearson(_rank(x), _rank(y)) for x in X.T])
        return np.array([_pearson(x, y) for x in X.T])

    def objective(w: np.ndarray) -> float:
        if abs(w.sum()) < 1e-12:
            return float("inf")
        r = corr(w)
        return float(np.log(np.mean((target - r / r.sum()) ** 2) + 1e-300))

    res = minimize(
        objective,
        target.copy(),
        method="Nelder-Mead",
        options={"fatol": toler, "xatol": 1e-4, "maxiter": maxiter},
    )
    w = scale(res.x)
    r = corr(w)
    table = pd.DataFrame({"iCode": codes, "target": target, "obtained": r / r.sum(), "weight": w})
    full = dict(zip(elements, nominal.tolist(), strict=True))
    full.update(dict(zip(codes, w.tolist(), strict=True)))
    return WeightOptimisation(table, full, bool(res.success))


def _rank(x: np.ndarray) -> np.ndarray:
    return np.asarray(pd.Series(x).rank().to_numpy(), dtype=float)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    ok = ~(np.isnan(x) | np.isnan(y))
    return float(np.corrcoef(x[ok], y[ok])[0, 1])
