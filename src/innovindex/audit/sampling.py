"""From unit-cube samples to concrete parameter sets.

Each assumption of an :class:`~innovindex.audit.spec.UncertaintySpec` becomes one input on
[0, 1). A sample ``u`` picks alternative ``floor(u * n)`` of the ``n`` alternatives (COINr's
``sample_2_para`` with ``cut``). Weight noise is drawn once, up front, from the spec's seed
into ``sets`` weight vectors (COINr's ``get_noisy_weights``), so the weights input is discrete
too. The result, :class:`ParameterSets`, says for every replication which alternative of each
assumption it uses, gives the per-replication weights as one ``(reps, elements)`` array for
the batched engine, and translates any replication back into the plain
``pipeline.clone().set_params(...)`` + ``framework.with_weights(...)`` edits it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..errors import SpecError
from ..framework import Framework
from ..pipeline import Pipeline
from ..steps.impute import OVER_TIME
from .spec import UncertaintySpec, WeightsNoise, WinmaxSpec

__all__ = ["Problem", "ParameterSets", "resolve", "to_parameter_sets", "unit_to_index"]

#: Assumption -> the pipeline step it edits.
STEP_OF = {
    "winmax": "treat",
    "normalise": "normalise",
    "aggregate": "aggregate",
    "impute": "impute",
}


@dataclass(frozen=True)
class Problem:
    """Assumptions resolved against a framework and pipeline.

    Attributes
    ----------
    names
        Assumption names in spec order (one input dimension each).
    alternatives
        For each name, the list of alternatives: whole numbers (winmax), parameter mappings
        (normalise, aggregate, impute), code lists (exclude), or row indices into
        ``weight_sets`` (weights).
    elements
        Tree element codes, bottom-up: the columns of every weights array.
    nominal_weights
        The framework's weights in ``elements`` order.
    weight_sets
        ``(n_sets, elements)`` weights of the ``weights`` assumption (None without it).
    """

    names: list[str]
    alternatives: dict[str, list[Any]]
    elements: list[str]
    nominal_weights: NDArray[np.float64]
    weight_sets: NDArray[np.float64] | None

    @property
    def sizes(self) -> list[int]:
        """Number of alternatives of each assumption."""
        return [len(self.alternatives[n]) for n in self.names]


def resolve(
    spec: UncertaintySpec, framework: Framework, pipeline: Pipeline, rng: np.random.Generator
) -> Problem:
    """Check a spec against a framework and pipeline, and draw the noisy weight sets from ``rng``.

    Raises
    ------
    SpecError
        If an assumption edits a step the pipeline does not have, or names unknown codes.
    """
    elements = list(framework.iter_tree())
    nominal = np.array([framework.weights[c] for c in elements], dtype=np.float64)
    levels = np.array([framework.level(c) for c in elements])
    alts: dict[str, list[Any]] = {}
    weight_sets = None
    for name, body in spec.assumptions.items():
        step = STEP_OF.get(name)
        if step is not None and step not in pipeline:
            raise SpecError(
                f"assumption {name!r} varies the {step!r} step, but the pipeline has no such step; "
                f"its steps are {[n for n, _ in pipeline.steps]}"
            )
        if name == "winmax":
            assert isinstance(body, WinmaxSpec)
            alts[name] = body.alternatives()
        elif name == "weights":
            assert isinstance(body, WeightsNoise)
            weight_sets = _weight_sets(body, elements, nominal, levels, framework, rng)
            alts[name] = list(range(len(weight_sets)))
        elif name == "exclude":
            for alt in body.values:
                unknown = sorted(set(alt) - set(elements))
                if unknown:
                    raise SpecError(f"assumption 'exclude': unknown element code(s) {unknown}")
            alts[name] = [list(a) for a in body.values]
        else:
            valid = set(type(pipeline[STEP_OF[name]])._param_names())
            for alt in body.values:
                unknown = sorted(set(alt) - valid)
                if unknown:
                    raise SpecError(
                        f"assumption {name!r}: unknown parameter(s) {unknown} of step "
                        f"{STEP_OF[name]!r}; valid: {sorted(valid)}"
                    )
            alts[name] = [dict(a) for a in body.values]
            if name == "impute":
                methods = [pipeline["impute"].get_params()["method"]]
                methods += [a.get("method", methods[0]) for a in body.values]
                if set(methods) & set(OVER_TIME):
                    raise SpecError(
                        "assumption 'impute' cannot vary or start from imputation over years "
                        f"({'/'.join(OVER_TIME)}): it runs on the whole panel before the audited "
                        "year is built; vary within-year methods (mean, median, group_mean, ...)"
                    )
    return Problem(spec.names, alts, elements, nominal, weight_sets)


def _weight_sets(
    body: WeightsNoise,
    elements: list[str],
    nominal: NDArray[np.float64],
    levels: NDArray[np.int_],
    framework: Framework,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    if body.values is not None:
        out = np.tile(nominal, (len(body.values), 1))
        pos = {c: i for i, c in enumerate(elements)}
        for r, ws in enumerate(body.values):
            unknown = sorted(set(ws) - set(pos))
            if unknown:
                raise SpecError(
                    f"assumption 'weights': set {r + 1} names unknown element code(s) {unknown}"
                )
            for code, w in ws.items():
                if not np.isfinite(w) or w < 0:
                    raise SpecError(
                        f"assumption 'weights': set {r + 1}: weight of {code!r} must be >= 0; got {w}"
                    )
                out[r, pos[code]] = w
        return out
    assert body.levels is not None and body.noise is not None
    bad = sorted(set(body.levels) - set(framework.levels))
    if bad:
        raise SpecError(
            f"assumption 'weights': level(s) {bad} not in the framework; it has levels {list(framework.levels)}"
        )
    out = np.tile(nominal, (body.sets, 1))
    for lev in body.levels:  # one uniform factor per weight, level by level (COINr's order)
        cols = np.flatnonzero(levels == lev)
        u = rng.random((body.sets, cols.size))
        out[:, cols] *= 1.0 + (2.0 * u - 1.0) * body.noise
    return out


def unit_to_index(u: NDArray[np.float64], n: int) -> NDArray[np.intp]:
    """Map samples in [0, 1] to alternative indices 0..n-1 (equal-width bins).

    Examples
    --------
    >>> unit_to_index(np.array([0.0, 0.49, 0.5, 1.0]), 2).tolist()
    [0, 0, 1, 1]
    """
    return np.minimum((np.asarray(u) * n).astype(np.intp), n - 1)


@dataclass(frozen=True)
class ParameterSets:
    """Which alternative each replication uses (``choice[r, j]`` for assumption ``j``)."""

    problem: Problem
    choice: NDArray[np.intp]

    def __len__(self) -> int:
        return int(self.choice.shape[0])

    def column(self, name: str) -> NDArray[np.intp]:
        """Alternative indices of one assumption (-1 everywhere if it is not uncertain)."""
        if name not in self.problem.names:
            return np.full(len(self), -1, dtype=np.intp)
        return self.choice[:, self.problem.names.index(name)]

    def weights(self, rows: NDArray[np.intp] | slice) -> NDArray[np.float64]:
        """``(len(rows), elements)`` weights of the given replications (exclusions are 0)."""
        p = self.problem
        wcol, xcol = self.column("weights")[rows], self.column("exclude")[rows]
        if p.weight_sets is not None:
            W = p.weight_sets[wcol].copy()
        else:
            W = np.tile(p.nominal_weights, (len(wcol), 1))
        if "exclude" in p.names:
            pos = {c: i for i, c in enumerate(p.elements)}
            for k, codes in enumerate(p.alternatives["exclude"]):
                if codes:
                    hit = np.flatnonzero(xcol == k)
                    W[np.ix_(hit, np.array([pos[c] for c in codes], dtype=np.intp))] = 0.0
        return W

    def edits(self, r: int) -> tuple[dict[str, Any], dict[str, float]]:
        """The plain-rebuild equivalent of replication ``r``.

        Returns
        -------
        params : dict
            ``step__param`` values for ``Pipeline.set_params``.
        weights : dict
            ``code -> weight`` for ``Framework.with_weights`` (every tree element).
        """
        p = self.problem
        params: dict[str, Any] = {}
        for j, name in enumerate(p.names):
            alt = p.alternatives[name][int(self.choice[r, j])]
            if name == "winmax":
                params["treat__winmax"] = int(alt)
            elif name in STEP_OF:
                params.update({f"{STEP_OF[name]}__{k}": v for k, v in alt.items()})
        w = self.weights(np.array([r]))[0]
        return params, {c: float(v) for c, v in zip(p.elements, w, strict=True)}

    def frame(self) -> pd.DataFrame:
        """One row per replication with a readable label of each chosen alternative."""
        cols = {}
        for j, name in enumerate(self.problem.names):
            labels = [_label(a) for a in self.problem.alternatives[name]]
            cols[name] = [labels[i] for i in self.choice[:, j]]
        df = pd.DataFrame(cols)
        df.index.name = "replication"
        return df


def _label(alt: Any) -> str:
    if isinstance(alt, dict):
        return ", ".join(f"{k}={v}" for k, v in alt.items())
    if isinstance(alt, list):
        return "+".join(alt) if alt else "(none)"
    return str(alt)


def refuse_failures(params: ParameterSets, failed: NDArray[np.bool_]) -> None:
    """Raise :class:`SpecError` when replications failed, naming the first failing
    combination of alternatives (failed replications would silently bias the statistics)."""
    n_failed = int(np.count_nonzero(failed))
    if not n_failed:
        return
    r = int(np.flatnonzero(failed)[0])
    choice = []
    for j, name in enumerate(params.problem.names):
        alt = params.problem.alternatives[name][params.choice[r, j]]
        choice.append(f"{name}={'set ' + str(alt) if name == 'weights' else alt!r}")
    raise SpecError(
        f"{n_failed} of {len(params)} replications failed, e.g. {', '.join(choice)} "
        "(a geometric or harmonic mean of values <= 0, or an aggregate left with zero weight); "
        "use normalisations with positive ranges for geometric or harmonic means"
    )


def to_parameter_sets(problem: Problem, u: NDArray[np.float64]) -> ParameterSets:
    """Turn an ``(n, d)`` unit-cube sample into parameter sets."""
    u = np.asarray(u, dtype=np.float64)
    if u.ndim != 2 or u.shape[1] != len(problem.names):
        raise SpecError(f"expected a sample with {len(problem.names)} columns; got shape {u.shape}")
    choice = np.column_stack([unit_to_index(u[:, j], n) for j, n in enumerate(problem.sizes)])
    return ParameterSets(problem, choice.astype(np.intp))
