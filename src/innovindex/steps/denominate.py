"""Denominate: divide indicators by the denominator named in the framework (e.g. GDP, population)."""

from __future__ import annotations

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
        values = stage.values.copy()
        for code, den in self.denominators_.items():
            if den not in stage.units.columns:
                raise InputError(
                    f"denominator {den!r} of indicator {code!r} is not a column of the data",
                    column=den,
                )
            d = stage.units[den].astype(float)
            values[code] = values[code] / d.where(d != 0)
        return stage.evolve(values=values)
