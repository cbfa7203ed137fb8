"""Denominate: divide indicators by the denominator named in the framework (e.g. GDP, population)."""

from __future__ import annotations

import numpy as np

from .._validation import Boolean
from ..errors import InputError
from ._base import Stage, Step

__all__ = ["Denominate"]


class Denominate(Step):
    """Divide each indicator by its iMeta ``Denominator`` column of iData.

    Parameters
    ----------
    enabled
        ``False`` makes the step a pass-through (kept so a spec can switch it off).
    """

    name = "denominate"
    stage = "denominated"
    _constraints = {"enabled": Boolean()}

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

    def fit(self, stage: Stage) -> Denominate:
        super().fit(stage)
        self.denominators_ = {
            code: den
            for code, den in stage.framework.attribute("Denominator").items()
            if den is not None and self.enabled
        }
        return self

    def transform(self, stage: Stage) -> Stage:
        self._check_fitted("denominators_")
        for code, den in self.denominators_.items():
            if den not in stage.units.columns:
                raise InputError(
                    f"denominator {den!r} of indicator {code!r} is not a column of the data",
                    column=den,
                )
        if not self.denominators_:
            return stage
        codes = list(self.denominators_)
        D = stage.units[list(self.denominators_.values())].to_numpy(dtype=float)
        values = stage.values.copy()
        with np.errstate(invalid="ignore", divide="ignore"):
            quotient = values[codes].to_numpy(dtype=float) / np.where(D != 0, D, np.nan)
        values[codes] = quotient
        return stage.evolve(values=values)
