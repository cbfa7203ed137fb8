"""The step contract: parameters in ``__init__``, learned state in ``fit``, output in ``transform``.

Modelled on scikit-learn's estimators so a build is reproducible from its parameters alone:

* ``__init__`` only stores its arguments (validation happens in :meth:`Step.fit`);
* learned attributes end in ``_`` (``min_``, ``treatment_``) and exist only after ``fit``;
* :meth:`get_params` / :meth:`set_params` round-trip every parameter, so a pipeline spec is
  the complete log of a build and ``clone() + set_params(...)`` is how the audit varies it.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any, ClassVar, Self

from .._validation import Constraint, check
from ..errors import NotBuiltError, SpecError
from ..stage import Stage

__all__ = ["Stage", "Step"]


class Step:
    """Base class of pipeline steps.

    Subclasses declare ``name`` (the pipeline key) and ``stage`` (the name of the dataset they
    produce), take their parameters as keyword arguments of ``__init__`` and implement
    :meth:`fit` and :meth:`transform`.
    """

    name: ClassVar[str] = "step"
    stage: ClassVar[str] = "stage"
    #: Constraint of each parameter, checked in :meth:`_validate` (and on per-indicator overrides).
    _constraints: ClassVar[dict[str, Constraint]] = {}

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        names = []
        for p in sig.parameters.values():
            if p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__} must not take *args/**kwargs")
            names.append(p.name)
        return names

    def get_params(self) -> dict[str, Any]:
        """The parameters as passed to ``__init__`` (a copy)."""
        return {n: copy.deepcopy(getattr(self, n)) for n in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        """Change parameters in place; unknown names are a :class:`SpecError`."""
        valid = self._param_names()
        for k, v in params.items():
            if k not in valid:
                raise SpecError(f"unknown parameter {k!r} for step {self.name!r}; valid: {valid}")
            setattr(self, k, v)
        return self

    def clone(self) -> Self:
        """An unfitted copy with the same parameters."""
        return type(self)(**self.get_params())

    def validate(self, stage: Stage | None = None) -> None:
        """Check every parameter without fitting anything.

        The declared constraints always; given the data (the pipeline's input stage), also
        what the parameters name in the framework and the data: per-indicator overrides,
        levels, group columns, units. :meth:`Pipeline.validate` runs this for every step
        before any step runs, so a bad parameter of a late step costs no work.

        Raises
        ------
        SpecError
            One line naming the step, the parameter, what was expected and what was found.
        """
        self._validate()
        if stage is not None:
            self._check_against(stage)

    def _validate(self) -> None:
        for param, constraint in self._constraints.items():
            check(self.name, param, getattr(self, param), constraint)

    def _check_against(self, stage: Stage) -> None:
        """Checks of the parameters that need the framework or the data (none by default)."""

    def _indicator_params(self, stage: Stage) -> dict[str, dict[str, Any]]:
        """Every indicator's effective parameters: the step's, updated by the framework's
        ``<step>.<param>`` override columns, each checked against the same constraints."""
        base = self.get_params()
        valid = self._param_names()
        out = {}
        for code, over in stage.framework.overrides(self.name).items():
            unknown = sorted(set(over) - set(valid))
            if unknown:
                raise SpecError(
                    f"{stage.framework.source}: unknown override column(s) "
                    f"{[f'{self.name}.{u}' for u in unknown]}; valid: "
                    f"{[f'{self.name}.{v}' for v in valid]}"
                )
            for param, value in over.items():
                if param in self._constraints:
                    where = f"(override for indicator {code!r} in {stage.framework.source})"
                    check(
                        self.name,
                        param,
                        _override_value(value, self._constraints[param]),
                        self._constraints[param],
                        where,
                    )
            out[code] = over
        return {
            code: {
                **base,
                **{
                    k: _override_value(v, self._constraints.get(k))
                    for k, v in out.get(code, {}).items()
                },
            }
            for code in stage.framework.indicators
        }

    def _check_fitted(self, attr: str) -> None:
        if not hasattr(self, attr):
            raise NotBuiltError(f"step {self.name!r} is not fitted: call fit() first")

    def fit(self, stage: Stage) -> Self:
        """Learn what the step needs from ``stage``; returns self."""
        self.validate(stage)
        return self

    def transform(self, stage: Stage) -> Stage:  # pragma: no cover - abstract
        """Apply the step, returning a new stage."""
        raise NotImplementedError

    def fit_transform(self, stage: Stage) -> Stage:
        """``fit`` then ``transform`` on the same stage."""
        return self.fit(stage).transform(stage)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def _override_value(value: Any, constraint: Constraint | None) -> Any:
    """Override cells come from a table: whole floats become ints where an integer is wanted,
    and "[5, 50]"-style cells are parsed for pairs."""
    from .._validation import Integer, Pair

    if isinstance(constraint, Integer) and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(constraint, Pair) and isinstance(value, str):
        import yaml

        try:
            return yaml.safe_load(value)
        except yaml.YAMLError:
            return value
    return value
