"""An ordered list of named steps: built from a spec (dict or YAML), run on data, replayed.

A spec maps step names to parameters, in run order::

    denominate: true
    impute: {method: group_mean, group: EurAsia_group}
    screen: {min_availability: 0.9}
    treat: {skew: 2.0, kurtosis: 3.5, winmax: 5, fallback: log_ct}
    normalise: {method: minmax, range: [0, 100]}
    aggregate: {method: arithmetic}

``true`` (or ``{}``) means default parameters, ``false``/``null`` leaves the step out. The spec
is the complete log of a build: ``Pipeline.from_spec(p.to_spec())`` rebuilds the same thing.

As in scikit-learn, ``pipe["treat"]`` is a step and ``pipe[:2]`` / ``pipe["treat":]`` a
pipeline of some of the steps. Every parameter of every step is checked
(:meth:`Pipeline.validate`) before any step runs. :meth:`Pipeline.run_stage` can start at a
named step, reusing the stages and fitted steps of an earlier build upstream of it (COINr's
``Regen(from = )``); :meth:`innovindex.Index.rebuild` is the usual way in.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Self, overload

from .errors import SpecError
from .io.yamlfiles import read_yaml
from .steps import STEPS, Stage, Step

__all__ = ["Pipeline", "DEFAULT_SPEC", "COINR_EXAMPLE_SPEC"]

#: COINr's usual build when no pipeline is given: treat, normalise 0-100, arithmetic means.
DEFAULT_SPEC: dict[str, Any] = {
    "treat": {},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic"},
}

#: COINr's ``build_example_coin()`` on its ASEM data: the reference pipeline for parity tests,
#: benchmarks and analysts moving from COINr.
COINR_EXAMPLE_SPEC: dict[str, Any] = {
    "denominate": True,
    "impute": {"method": "group_mean", "group": "EurAsia_group"},
    "screen": {"min_availability": 0.9},
    "treat": {"winmax": 5},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic"},
}


class Pipeline:
    """Named steps run in order.

    Parameters
    ----------
    steps
        ``(name, step)`` pairs; names are the spec keys (``treat``, ``normalise``, ...).
    source
        Where the spec came from, for messages.
    """

    def __init__(self, steps: list[tuple[str, Step]], source: str = "<pipeline>") -> None:
        names = [n for n, _ in steps]
        if len(set(names)) != len(names):
            raise SpecError(f"{source}: a step appears twice in the pipeline: {names}")
        self.steps = steps
        self.source = source

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_spec(
        cls, spec: dict[str, Any] | str | Path | None, *, source: str | None = None
    ) -> Pipeline:
        """Build from a dict, a YAML file path, or None (the default pipeline)."""
        if spec is None:
            return cls.from_spec(copy.deepcopy(DEFAULT_SPEC), source=source or "<default pipeline>")
        if isinstance(spec, str | Path):
            return cls.from_yaml(spec)
        src = source or "<pipeline>"
        if not isinstance(spec, dict):
            raise SpecError(
                f"{src}: a pipeline spec must be a mapping of step names to parameters; got {type(spec).__name__}"
            )
        steps: list[tuple[str, Step]] = []
        for key, params in spec.items():
            if key not in STEPS:
                raise SpecError(f"{src}: unknown step {key!r}; valid steps: {sorted(STEPS)}")
            if params is False or params is None:
                continue
            if params is True:
                params = {}
            if not isinstance(params, dict):
                raise SpecError(
                    f"{src}: parameters of step {key!r} must be a mapping or true/false; got {params!r}"
                )
            cls_ = STEPS[key]
            valid = cls_._param_names()
            unknown = sorted(set(params) - set(valid))
            if unknown:
                raise SpecError(
                    f"{src}: unknown parameter(s) {unknown} for step {key!r}; valid: {valid}"
                )
            steps.append((key, cls_(**copy.deepcopy(params))))
        return cls(steps, source=src)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Pipeline:
        """Read a YAML pipeline file."""
        p = Path(path)
        spec = read_yaml(p, "pipeline file")
        if spec is not None and not isinstance(spec, dict):
            raise SpecError(
                f"{p}: a pipeline file must map step names to parameters "
                f"(e.g. 'treat: {{winmax: 5}}'); found {type(spec).__name__} {spec!r:.60}"
            )
        return cls.from_spec(spec if spec is not None else {}, source=str(p))

    def to_spec(self) -> dict[str, Any]:
        """The spec that rebuilds this pipeline (every parameter, in order)."""
        return {name: _plain(step.get_params()) for name, step in self.steps}

    # ------------------------------------------------------------------ access
    @property
    def named_steps(self) -> dict[str, Step]:
        """Steps by name."""
        return dict(self.steps)

    def __contains__(self, name: object) -> bool:
        return name in self.named_steps

    @overload
    def __getitem__(self, key: str | int) -> Step: ...

    @overload
    def __getitem__(self, key: slice) -> Pipeline: ...

    def __getitem__(self, key: str | int | slice) -> Step | Pipeline:
        """A step by name or position, or a sub-pipeline by slice (of positions or names:
        ``pipe["treat":]`` is treat and every step after it, ``pipe[:"normalise"]`` the steps
        before normalise). Sub-pipelines share the step objects, as in scikit-learn."""
        if isinstance(key, slice):
            if key.step not in (None, 1):
                raise SpecError(f"a pipeline slice takes no step; got {key.step!r}")
            start, stop = self.position(key.start), self.position(key.stop)
            return Pipeline(self.steps[start:stop], source=self.source)
        if isinstance(key, int) and not isinstance(key, bool):
            try:
                return self.steps[key][1]
            except IndexError:
                raise SpecError(
                    f"no step at position {key}; the pipeline has {len(self.steps)}"
                ) from None
        return self.steps[self._index_of(key)][1]

    def __len__(self) -> int:
        return len(self.steps)

    def position(self, key: str | int | None) -> int | None:
        """Position of a step given by name (or a position, or None), for slicing."""
        if key is None or (isinstance(key, int) and not isinstance(key, bool)):
            return key
        return self._index_of(key)

    def _index_of(self, name: object) -> int:
        for i, (n, _) in enumerate(self.steps):
            if n == name:
                return i
        raise SpecError(f"no step {name!r} in the pipeline; it has {[n for n, _ in self.steps]}")

    def clone(self) -> Pipeline:
        """An unfitted copy with the same parameters."""
        return Pipeline([(n, s.clone()) for n, s in self.steps], source=self.source)

    def set_params(self, **params: Any) -> Self:
        """Set step parameters with ``step__param=value`` names, e.g. ``treat__winmax=3``."""
        for key, value in params.items():
            step, sep, param = key.partition("__")
            if not sep:
                raise SpecError(f"pipeline parameters are named 'step__param'; got {key!r}")
            self[step].set_params(**{param: value})
        return self

    # ------------------------------------------------------------------ running
    def validate(self, stage: Stage | None = None) -> Self:
        """Check every parameter of every step, against ``stage`` (the input data) if given,
        before anything is fitted. Returns self.

        Raises
        ------
        SpecError
            For the first bad parameter, in run order (one line naming step and parameter).
        """
        for _, step in self.steps:
            step.validate(stage)
        return self

    def run_stage(
        self,
        stage: Stage,
        *,
        from_: str | None = None,
        upstream: tuple[dict[str, Stage], list[tuple[str, Step]]] | None = None,
    ) -> tuple[dict[str, Stage], list[tuple[str, Step]]]:
        """Fit and apply the steps to one cross-section; returns each step's output stage and
        the fitted steps (clones: the pipeline's own steps stay unfitted).

        Parameters
        ----------
        stage
            The input (``raw``) stage.
        from_
            Start at this step: the steps before it are not run; their output stages and
            fitted step objects are taken from ``upstream`` (the ``stages`` and ``steps`` of an
            earlier build of the same data), which must have run them with the same parameters.
        upstream
            ``(stages, steps)`` of the earlier build; required with ``from_``.

        Raises
        ------
        SpecError
            For a bad parameter (before any step runs), or an ``upstream`` build whose steps
            before ``from_`` differ from this pipeline's.
        """
        self.validate(stage)
        start = 0 if from_ is None else self._index_of(from_)
        outputs: dict[str, Stage] = {"raw": stage}
        fitted: list[tuple[str, Step]] = []
        if start:
            if upstream is None:
                raise SpecError(f"running from step {from_!r} needs the stages of an earlier build")
            outputs, fitted = self._reuse(stage, start, *upstream)
            stage = outputs[fitted[-1][1].stage]
        for name, step in self.steps[start:]:
            step = step.clone()
            stage = step.fit_transform(stage)
            outputs[step.stage] = stage
            fitted.append((name, step))
        return outputs, fitted

    def _reuse(
        self, raw: Stage, start: int, stages: dict[str, Stage], steps: list[tuple[str, Step]]
    ) -> tuple[dict[str, Stage], list[tuple[str, Step]]]:
        """The first ``start`` outputs and fitted steps of an earlier build, after checking that
        it ran the same steps with the same parameters on the same input."""
        if stages.get("raw") is not raw:
            raise SpecError("the earlier build was made from other data: rebuild it in full")
        ours = [(n, _plain(s.get_params())) for n, s in self.steps[:start]]
        theirs = [(n, _plain(s.get_params())) for n, s in steps[:start]]
        if ours != theirs:
            raise SpecError(
                f"the earlier build ran {[n for n, _ in steps[:start]]} with other parameters than "
                f"this pipeline's {[n for n, _ in self.steps[:start]]}; start from the first step "
                "that differs"
            )
        fitted = list(steps[:start])
        outputs = {"raw": raw, **{s.stage: stages[s.stage] for _, s in fitted}}
        return outputs, fitted

    def __repr__(self) -> str:
        return f"Pipeline({[n for n, _ in self.steps]})"


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if hasattr(obj, "item"):
        return obj.item()
    return obj
