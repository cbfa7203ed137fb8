"""Screen units by data availability and zero values, and flag data minimum coverage (DMC)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecError
from ._base import Stage, Step

__all__ = ["Screen"]


class Screen(Step):
    """Remove units with too little data, and flag aggregates that miss a coverage rule.

    Parameters
    ----------
    min_availability
        Units whose share of available indicator values is below this are removed
        (COINr ``dat_thresh``). ``None`` keeps every unit.
    min_nonzero
        Units whose share of non-zero values (among available ones) is below this are
        removed (COINr ``nonzero_thresh``). ``None`` disables the zero rule.
    exclude, include
        Unit codes to remove, or to keep whatever the rules say.
    coverage
        Parameters of the data-minimum-coverage rule
        (:func:`innovindex.methods.coverage.dmc_flags`); flags are reported, units are kept.
    """

    name = "screen"
    stage = "screened"

    def __init__(
        self,
        min_availability: float | None = None,
        min_nonzero: float | None = None,
        exclude: list[str] | None = None,
        include: list[str] | None = None,
        coverage: dict[str, Any] | None = None,
    ) -> None:
        self.min_availability = min_availability
        self.min_nonzero = min_nonzero
        self.exclude = exclude
        self.include = include
        self.coverage = coverage

    def _validate(self) -> None:
        for name in ("min_availability", "min_nonzero"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, int | float) and 0 <= v <= 1):
                raise SpecError(
                    f"the {name!r} parameter of step 'screen' must be a share in [0, 1]; got {v!r}"
                )

    def fit(self, stage: Stage) -> Screen:
        super().fit(stage)
        x = stage.indicators.to_numpy(dtype=float)
        present = ~np.isnan(x)
        availability = present.mean(axis=1)
        n_present = present.sum(axis=1)
        nonzero = np.where(
            n_present > 0, (present & (x != 0)).sum(axis=1) / np.maximum(n_present, 1), 0.0
        )
        keep = np.ones(len(x), dtype=bool)
        reason = np.array([""] * len(x), dtype=object)
        if self.min_availability is not None:
            low = availability < self.min_availability
            keep &= ~low
            reason[low] = "availability"
        if self.min_nonzero is not None:
            low = nonzero < self.min_nonzero
            reason[low & keep] = "zeros"
            keep &= ~low
        codes = stage.values.index
        if self.exclude:
            forced = codes.isin(self.exclude)
            reason[forced & keep] = "excluded"
            keep &= ~forced
        if self.include:
            keep |= codes.isin(self.include)
            reason[codes.isin(self.include)] = ""
        self.table_ = pd.DataFrame(
            {
                "availability": availability,
                "nonzero_share": nonzero,
                "kept": keep,
                "reason": reason,
            },
            index=codes,
        )
        if self.coverage:
            from ..methods.coverage import dmc_flags

            self.coverage_ = dmc_flags(present, stage.framework, **self.coverage)
        return self

    def transform(self, stage: Stage) -> Stage:
        self._check_fitted("table_")
        keep = self.table_["kept"].reindex(stage.values.index).fillna(True).astype(bool)
        notes = dict(stage.notes)
        notes["screen"] = self.table_
        return stage.evolve(
            values=stage.values[keep.to_numpy()], units=stage.units[keep.to_numpy()], notes=notes
        )
