"""The batched evaluation engine: many replications of an index without rebuilding it.

How it works:

1. The steps before aggregation are run with the real pipeline steps, once per distinct
   combination of their uncertain parameters (e.g. one treated-and-normalised indicator
   matrix per (winmax, normalisation) pair). Step outputs are cached by the parameters of the
   steps up to that one, so the steps before treatment run once and ``treat`` once per winmax.
2. Replications sharing a matrix and an aggregation alternative are aggregated in batches
   with :func:`innovindex.methods.aggregate.batched_means`, the batched form of the plain
   aggregation kernels: a NaN-skipping weighted mean of each aggregate is two products,
   ``sum(w * f(x))`` and ``sum(w * present)``, followed by ``f^-1``. Weights are a
   ``(reps, elements)`` array. Where values are shared by the batch (indicators) the products
   are matrix products; where they vary by replication they are a multiply-and-segment-sum.
3. Batches are sized to a memory cap and spread over threads (numpy releases the GIL in its
   kernels); every batch writes its own rows, so results do not depend on scheduling.

A replication whose geometric/harmonic mean meets a value <= 0 fails as the plain build
would (that build raises :class:`~innovindex.errors.SpecError`): its scores are NaN and it is
counted in :attr:`Evaluation.n_failed`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import SpecError
from ..index import Index
from ..methods import registry
from ..methods.aggregate import batched_means
from ..pipeline import Pipeline
from ..steps import Stage
from .sampling import STEP_OF, ParameterSets, Problem

__all__ = ["Engine", "Evaluation", "rank_rows", "DEFAULT_MEMORY_CAP"]

FloatArray = NDArray[np.float64]
DEFAULT_MEMORY_CAP = 2 * 1024**3
_MAX_BATCH = 2048


def rank_rows(scores: FloatArray) -> FloatArray:
    """Rank each row, 1 = highest, ties share the minimum rank, NaN stays NaN.

    Examples
    --------
    >>> rank_rows(np.array([[1.0, 3.0, 2.0, 4.0], [1.0, 1.0, np.nan, 0.0]])).tolist()
    [[4.0, 2.0, 3.0, 1.0], [1.0, 1.0, nan, 3.0]]
    """
    S = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-S, axis=1, kind="stable")  # NaN sorts last
    srt = np.take_along_axis(S, order, axis=1)
    n = S.shape[1]
    pos = np.broadcast_to(np.arange(1, n + 1, dtype=np.float64), S.shape)
    new = np.ones(S.shape, dtype=bool)
    new[:, 1:] = srt[:, 1:] != srt[:, :-1]
    first = np.maximum.accumulate(np.where(new, pos, 0.0), axis=1)
    first[np.isnan(srt)] = np.nan
    out = np.empty_like(first)
    np.put_along_axis(out, order, first, axis=1)
    return out


@dataclass(frozen=True)
class Evaluation:
    """Scores of the target for every replication.

    Attributes
    ----------
    units
        Unit codes (columns of ``scores``).
    scores
        ``(reps, units)`` scores of the target aggregate (NaN: missing or failed).
    failed
        ``(reps,)`` True where the replication failed (e.g. geometric mean of a value <= 0).
    """

    units: list[str]
    scores: FloatArray
    failed: NDArray[np.bool_]

    @property
    def n_failed(self) -> int:
        """Number of failed replications."""
        return int(self.failed.sum())

    def ranks(self) -> FloatArray:
        """``(reps, units)`` ranks (1 = best)."""
        return rank_rows(self.scores)


@dataclass(frozen=True)
class _Level:
    codes: list[str]
    kids: NDArray[np.intp]  # positions in the "lower" vector, grouped by parent
    starts: NDArray[np.intp]  # start of each parent's group in ``kids``
    sizes: NDArray[np.intp]
    wpos: NDArray[np.intp]  # positions of the kids in the weights vector


class Engine:
    """Evaluate many variants of a built index.

    Parameters
    ----------
    index
        The nominal build (its raw data, framework and pipeline spec are reused).
    problem
        Resolved assumptions (:func:`~innovindex.audit.sampling.resolve`).
    target
        Aggregate code whose scores are returned (default: the root of the tree).
    memory_cap
        Upper bound in bytes on the working memory of one batch (default 2 GiB).
    n_jobs
        Threads to spread batches over (default: the number of CPUs).
    """

    def __init__(
        self,
        index: Index,
        problem: Problem,
        *,
        target: str | None = None,
        memory_cap: int = DEFAULT_MEMORY_CAP,
        n_jobs: int | None = None,
    ) -> None:
        self.index = index
        self.problem = problem
        self.fw = index.framework
        self.pipeline = Pipeline.from_spec(index.spec)
        self.target = _check_target(self.fw, target)
        self.memory_cap = int(memory_cap)
        self.n_jobs = max(1, int(n_jobs or os.cpu_count() or 1))
        if "aggregate" not in self.pipeline or self.pipeline.steps[-1][0] != "aggregate":
            raise SpecError("the audit needs a pipeline that ends with an 'aggregate' step")
        self._pre = [(n, s) for n, s in self.pipeline.steps if n != "aggregate"]
        self._cache: dict[tuple[int, tuple[int, ...]], Stage] = {}
        self._plans: dict[int, dict[int, dict[str, Any]]] = {}
        self._mats: dict[
            tuple[tuple[int, ...], ...], tuple[list[str], dict[tuple[int, ...], FloatArray]]
        ] = {}
        self._levels = self._plan()

    # ------------------------------------------------------------------ structure
    def _plan(self) -> list[_Level]:
        fw, elements = self.fw, self.problem.elements
        wpos = {c: i for i, c in enumerate(elements)}
        top = fw.level(self.target)
        lower = list(fw.indicators)
        out = []
        for lev in (lv for lv in fw.levels if 1 < lv <= top):
            codes = list(fw.codes_at(lev))
            pos = {c: i for i, c in enumerate(lower)}
            kids, sizes = [], []
            for code in codes:
                ks = fw.children(code)
                missing = [k for k in ks if k not in pos]
                if missing:
                    raise SpecError(
                        f"aggregate {code!r} (level {lev}) has children {missing} that are not at "
                        f"level {lev - 1}; the batched engine needs one level per step"
                    )
                kids += [pos[k] for k in ks]
                sizes.append(len(ks))
            sz = np.array(sizes, dtype=np.intp)
            out.append(
                _Level(
                    codes,
                    np.array(kids, dtype=np.intp),
                    np.concatenate([[0], np.cumsum(sz)[:-1]]).astype(np.intp),
                    sz,
                    np.array([wpos[lower[k]] for k in kids], dtype=np.intp),
                )
            )
            lower = codes
        return out

    # ------------------------------------------------------------------ pre-aggregation stages
    def _keys(self, params: ParameterSets) -> NDArray[np.intp]:
        """``(reps, k)`` alternative index of each pre-aggregation assumption (-1 = nominal).

        Alternatives that leave their step's parameters exactly as in the nominal pipeline
        map to -1, so the nominal build's stages are reused for them.
        """
        cols = []
        for a in self._assumptions_by_step():
            col = params.column(a).copy()
            if a in params.problem.names:
                same = [
                    k for k in range(len(self.problem.alternatives[a])) if self._is_nominal(a, k)
                ]
                col[np.isin(col, same)] = -1
            cols.append(col)
        return np.column_stack(cols) if cols else np.zeros((len(params), 0), dtype=np.intp)

    def _is_nominal(self, assumption: str, k: int) -> bool:
        step = self.pipeline[STEP_OF[assumption]]
        edited = step.clone().set_params(**self._step_edits(STEP_OF[assumption], {assumption: k}))
        return bool(edited.get_params() == step.get_params())

    def _assumptions_by_step(self) -> list[str]:
        return [a for a, step in STEP_OF.items() if step != "aggregate" and step in self.pipeline]

    def stage_for(self, key: tuple[int, ...]) -> Stage:
        """The normalised (last pre-aggregation) stage for one combination of alternatives."""
        return self._stage_after(
            len(self._pre) - 1, dict(zip(self._assumptions_by_step(), key, strict=True))
        )

    def _stage_after(self, k: int, choice: dict[str, int]) -> Stage:
        relevant = tuple(
            choice.get(a, -1)
            for a, step in STEP_OF.items()
            if step in [n for n, _ in self._pre[: k + 1]]
        )
        cache_key = (k, relevant)
        if cache_key in self._cache:
            return self._cache[cache_key]
        name, step = self._pre[k]
        if all(v < 0 for v in relevant):
            stage = self.index.stages[step.stage]
        else:
            prev = self._stage_after(k - 1, choice) if k > 0 else self.index.stages["raw"]
            edits = self._step_edits(name, choice)
            stage = step.clone().set_params(**edits).fit_transform(prev)
        self._cache[cache_key] = stage
        return stage

    def _step_edits(self, step_name: str, choice: dict[str, int]) -> dict[str, Any]:
        edits: dict[str, Any] = {}
        for a, step in STEP_OF.items():
            if step == step_name and choice.get(a, -1) >= 0:
                alt = self.problem.alternatives[a][choice[a]]
                edits.update({"winmax": int(alt)} if a == "winmax" else alt)
        return edits

    def _matrices(
        self, keys: list[tuple[int, ...]]
    ) -> tuple[list[str], dict[tuple[int, ...], FloatArray]]:
        """Units (union over the keys and the nominal build) and one indicator matrix per key."""
        ck = tuple(keys)
        if ck not in self._mats:
            mats = {k: self.stage_for(k) for k in keys}
            units = _union_units(
                [
                    self.index.stages["aggregated"].values.index,
                    *[s.values.index for s in mats.values()],
                ]
            )
            X = {k: _matrix(s, self.fw.indicators, units) for k, s in mats.items()}
            self._mats[ck] = (units, X)
        return self._mats[ck]

    def _agg_params(self, agg: int) -> dict[int, dict[str, Any]]:
        if agg not in self._plans:
            self._plans[agg] = self._resolve_agg(agg)
        return self._plans[agg]

    def _resolve_agg(self, agg: int) -> dict[int, dict[str, Any]]:
        step = self.pipeline["aggregate"].clone()
        if agg >= 0:
            step.set_params(**self.problem.alternatives["aggregate"][agg])
        step.fit(self.index.stages["raw"])
        lp: dict[int, dict[str, Any]] = step.level_params_  # type: ignore[attr-defined]
        for lev, p in lp.items():
            if p["method"] == "copeland":
                raise SpecError(
                    f"Copeland aggregation (level {lev}) is not supported by the batched audit engine"
                )
        return lp

    # ------------------------------------------------------------------ evaluation
    def evaluate(
        self, params: ParameterSets, *, progress: Callable[[int], None] | None = None
    ) -> Evaluation:
        """Scores of the target for every replication of ``params``.

        ``progress`` is called with the number of replications finished after each batch.
        """
        n = len(params)
        codes = np.column_stack([self._keys(params), params.column("aggregate")])
        uniq, inverse = np.unique(codes, axis=0, return_inverse=True)
        order = np.argsort(inverse.reshape(-1), kind="stable")
        bounds = np.cumsum(np.bincount(inverse.reshape(-1), minlength=len(uniq)))[:-1]
        groups = {
            (tuple(int(v) for v in u[:-1]), int(u[-1])): rows
            for u, rows in zip(uniq, np.split(order, bounds), strict=True)
        }
        units, X = self._matrices(sorted({g[0] for g in groups}))
        plans = {a: self._agg_params(a) for a in {g[1] for g in groups}}
        scores = np.full((n, len(units)), np.nan)
        failed = np.zeros(n, dtype=bool)
        batch = self._batch_size(len(units))
        tasks = []
        for (key, agg), rows in groups.items():
            for s in range(0, rows.size, batch):
                tasks.append((X[key], plans[agg], rows[s : s + batch]))

        def run(task: tuple[FloatArray, dict[int, dict[str, Any]], NDArray[np.intp]]) -> int:
            x, plan, rows = task
            sc, bad = self._aggregate(x, plan, params.weights(rows))
            scores[rows] = sc
            failed[rows] = bad
            return int(rows.size)

        threads = self._threads(len(units))
        if threads > 1 and len(tasks) > 1:
            with ThreadPoolExecutor(threads) as pool:
                for done in pool.map(run, tasks):
                    if progress:
                        progress(done)
        else:
            for t in tasks:
                done = run(t)
                if progress:
                    progress(done)
        scores[failed] = np.nan
        return Evaluation(units, scores, failed)

    def _batch_size(self, n_units: int) -> int:
        """Replications per batch: bounded by the memory cap, independent of ``n_jobs`` (so
        results are bit-for-bit the same whatever the number of threads)."""
        return int(max(1, min(_MAX_BATCH, self.memory_cap // (2 * self._bytes_per_rep(n_units)))))

    def _bytes_per_rep(self, n_units: int) -> int:
        width = max([len(self.fw.indicators), *(len(lv.codes) for lv in self._levels)])
        return 8 * n_units * width * 8  # ~8 live float arrays of (units x width) per replication

    def _threads(self, n_units: int) -> int:
        per_batch = self._batch_size(n_units) * self._bytes_per_rep(n_units)
        return max(1, min(self.n_jobs, self.memory_cap // per_batch))

    def _aggregate(
        self, x: FloatArray, plan: dict[int, dict[str, Any]], W: FloatArray
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        """Aggregate one batch: ``x`` (units, indicators) shared, ``W`` (reps, elements)."""
        V = x[None, :, :]
        bad = np.zeros(W.shape[0], dtype=bool)
        for lev, level in zip(sorted(plan), self._levels, strict=False):
            Wk = W[:, level.wpos]
            if np.all(Wk == Wk[:1]):
                Wk = Wk[:1]
            V, b = _level_means(V, Wk, level, plan[lev])
            bad |= b
        col = self._levels[-1].codes.index(self.target)
        out = np.broadcast_to(V[:, :, col], (W.shape[0], V.shape[1]))
        return np.array(out), bad


def _level_means(
    V: FloatArray, Wk: FloatArray, level: _Level, lp: dict[str, Any]
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """One level of weighted means. V: (1 or B, U, lower), Wk: (1 or B, kids)."""
    mean = registry.get("aggregate", lp["method"])
    assert mean is not None  # only the "none" fallback and imputation map to None
    return batched_means(
        V[:, :, level.kids],
        Wk,
        level.starts,
        mean=mean,
        p=lp.get("p"),
        min_share=lp.get("min_share"),
    )


def _union_units(indexes: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for ix in indexes:
        for u in ix:
            seen.setdefault(str(u), None)
    return list(seen)


def _matrix(stage: Stage, indicators: tuple[str, ...], units: list[str]) -> FloatArray:
    vals = stage.values[list(indicators)]
    vals.index = vals.index.astype(str)
    return np.ascontiguousarray(vals.reindex(units).to_numpy(dtype=np.float64))


def _check_target(fw: Any, target: str | None) -> str:
    if target is None:
        top = max(fw.levels)
        roots = fw.codes_at(top)
        if len(roots) != 1:
            raise SpecError(
                f"the framework has {len(roots)} elements at its top level {list(roots)}; name the target"
            )
        return str(roots[0])
    if target not in fw.aggregates:
        raise SpecError(
            f"target {target!r} is not an aggregate of the framework; aggregates: {list(fw.aggregates)}"
        )
    return target
