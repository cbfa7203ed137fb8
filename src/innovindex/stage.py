"""What flows between pipeline steps: one cross-section of units, with its framework."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .framework import Framework

__all__ = ["Stage"]


@dataclass(frozen=True)
class Stage:
    """One cross-section of units.

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

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """The indicator columns only, in framework order (selected once per stage: steps
        read them several times; treat the frame as read-only)."""
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
