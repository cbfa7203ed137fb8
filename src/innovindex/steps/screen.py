"""Screen units by data availability and zero values, and flag data minimum coverage (DMC)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import Map, Real, Strings
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

    _constraints = {
        "min_availability": Real(0, 1, none_ok=True),
        "min_nonzero": Real(0, 1, none_ok=True),
        "exclude": Strings(),
        "include": Strings(),
        "coverage": Map(),
    }

    def _table(self, stage: Stage) -> pd.DataFrame:
        """Availability, non-zero share, kept and reason for every unit of ``stage``."""
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
        if self.include:  # kept whatever the rules say ...
            keep |= codes.isin(self.include)
            reason[codes.isin(self.include)] = ""
        if self.exclude:  # ... unless also excluded (COINr: exclusion wins)
            forced = codes.isin(self.exclude)
            reason[forced] = "excluded"
            keep &= ~forced
        table = pd.DataFrame(
            {
                "availability": availability,
                "nonzero_share": nonzero,
                "kept": keep,
                "reason": reason,
            },
            index=codes,
        )
        if not keep.any():
            raise SpecError(
                f"screening removed every unit ({len(keep)}): relax min_availability="
                f"{self.min_availability!r} / min_nonzero={self.min_nonzero!r} or the exclude list"
            )
        return table

    def _check_against(self, stage: Stage) -> None:
        codes = set(stage.values.index)
        for name in ("exclude", "include"):
            unknown = sorted(set(getattr(self, name) or ()) - codes)
            if unknown:
                raise SpecError(f"screen {name!r} names unit(s) not in the data: {unknown}")

    def fit(self, stage: Stage) -> Screen:
        super().fit(stage)
        self.table_ = self._table(stage)
        if self.coverage:
            from ..methods.coverage import dmc_flags

            present = stage.indicators.notna().to_numpy()
            self.coverage_ = dmc_flags(present, stage.framework, **self.coverage)
        return self

    def transform(self, stage: Stage) -> Stage:
        """Apply the screening rules to ``stage`` (``table_`` describes the fitted data)."""
        self._check_fitted("table_")
        table = self._table(stage)
        keep = table["kept"].to_numpy()
        notes = {**stage.notes, "screen": table}
        return stage.evolve(values=stage.values[keep], units=stage.units[keep], notes=notes)
