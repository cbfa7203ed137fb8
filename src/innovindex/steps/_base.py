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
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from ..errors import NotBuiltError, SpecError
from ..framework import Framework

__all__ = ["Stage", "Step"]


@dataclass(frozen=True)
class Stage:
    """What flows between steps: one cross-section of units.

    Attributes
    ----------
    values
        Index ``uCode``; one float column per indicator (and per aggregate after aggregation).
    units
        Index ``uCode``; ``uName``, ``Time`` and the group and denominator columns.
    framework
        The framework the values belong to.
    notes
        Per-step diagnostics keyed by step name (e.g. the treatment table).
    """

    values: pd.DataFrame
    units: pd.DataFrame
    framework: Framework
    notes: dict[str, Any] = field(default_factory=dict)

    def evolve(self, **changes: Any) -> Stage:
        """A copy with some fields replaced (stages are never mutated in place)."""
        return replace(self, **changes)

    @property
    def indicators(self) -> pd.DataFrame:
        """The indicator columns only, in framework order."""
        return self.values[list(self.framework.indicators)]

    def with_indicators(self, matrix: np.ndarray, **changes: Any) -> Stage:
        """A copy whose indicator columns are replaced by ``matrix`` (units x indicators)."""
        inds = list(self.framework.indicators)
        if list(self.values.columns) == inds:
            values = pd.DataFrame(matrix, index=self.values.index, columns=inds)
        else:
            values = self.values.copy()
            values[inds] = matrix
        return self.evolve(values=values, **changes)


class Step:
    """Base class of pipeline steps.

    Subclasses declare ``name`` (the pipeline key) and ``stage`` (the name of the dataset they
    produce), take their parameters as keyword arguments of ``__init__`` and implement
    :meth:`fit` and :meth:`transform`.
    """

    name: ClassVar[str] = "step"
    stage: ClassVar[str] = "stage"
    #: Allowed values of string parameters, checked in :meth:`_validate`.
    _options: ClassVar[dict[str, tuple[Any, ...]]] = {}

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

    def _validate(self) -> None:
        for param, allowed in self._options.items():
            value = getattr(self, param)
            if value not in allowed:
                raise SpecError(
                    f"the {param!r} parameter of step {self.name!r} must be one of "
                    f"{sorted(map(str, allowed))}; got {value!r}"
                )

    def _check_fitted(self, attr: str) -> None:
        if not hasattr(self, attr):
            raise NotBuiltError(f"step {self.name!r} is not fitted: call fit() first")

    def fit(self, stage: Stage) -> Self:
        """Learn what the step needs from ``stage``; returns self."""
        self._validate()
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
