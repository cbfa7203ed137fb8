"""Reference-year mode: treatment caps and normalisation bounds fitted on one year, applied to all.

The European Innovation Scoreboard normalises every year on the bounds of a reference year so
that scores are comparable over time; the GII normalises each edition on its own sample. In
reference-year mode each year's data go through the pipeline with:

* ``denominate``, ``impute``, ``screen``, ``aggregate``: fitted on the year itself (they have
  nothing to carry over: their rules apply to whatever data they see);
* ``treat``: the reference year's treatment applied as a fixed function. A winsorised column is
  clipped to the reference year's caps (its treated minimum / maximum on the side winsorised);
  a column the reference year log-transformed gets the same transform with the reference
  year's minimum and maximum (values outside that range are first clipped to it, so the log is
  defined); an untreated column is left alone;
* ``normalise``: the reference year's fitted step (its ``bounds_``) transforms every year.
  Values beyond the reference bounds fall outside the output range (e.g. above 100): that is
  the point, progress stays visible.

So a unit whose raw data did not change keeps exactly the same score.
"""

from __future__ import annotations

import numpy as np

from ..errors import SpecError
from ..methods import registry
from ..pipeline import Pipeline
from ..stage import Stage
from ..steps import Step

__all__ = ["ReferenceFit"]

_BOUNDED = ("minmax", "scaled")


class ReferenceFit:
    """A pipeline fitted on the reference year's stage, able to run any year's stage."""

    def __init__(self, pipe: Pipeline, stage: Stage) -> None:
        self.pipe = pipe
        outputs, fitted = pipe.run_stage(stage)
        self.fitted = dict(fitted)
        self.treat_input: np.ndarray | None = None
        self.treat_output: np.ndarray | None = None
        if "treat" in self.fitted:
            names = list(outputs)
            before = names[names.index("treated") - 1]
            self.treat_input = outputs[before].indicators.to_numpy(dtype=float)
            self.treat_output = outputs["treated"].indicators.to_numpy(dtype=float)
        if "normalise" in self.fitted:
            params = self.fitted["normalise"].params_  # type: ignore[attr-defined]
            other = sorted({p["method"] for p in params.values()} - set(_BOUNDED))
            if other:
                raise SpecError(
                    f"reference-year mode needs bounded normalisation (minmax or a fixed scale); "
                    f"the pipeline normalises with {other}"
                )

    def _treat(self, stage: Stage) -> Stage:
        step = self.fitted["treat"]
        table = step.treatment_  # type: ignore[attr-defined]
        assert self.treat_input is not None and self.treat_output is not None
        X = stage.indicators.to_numpy(dtype=float, copy=True)
        for j, row in enumerate(table.itertuples(index=False)):
            ref_in = self.treat_input[:, j]
            ref_out = self.treat_output[:, j]
            fallback = row.fallback if isinstance(row.fallback, str) else None
            if fallback:
                lo, hi = np.nanmin(ref_in), np.nanmax(ref_in)
                func = registry.get("fallback", fallback)
                assert func is not None
                x = np.clip(X[:, j], lo, hi)
                X[:, j] = func(np.concatenate([ref_in, x]))[ref_in.size :]
            elif row.n_low or row.n_high:
                lo = np.nanmin(ref_out) if row.n_low else -np.inf
                hi = np.nanmax(ref_out) if row.n_high else np.inf
                X[:, j] = np.clip(X[:, j], lo, hi)
        return stage.with_indicators(X, notes={**stage.notes, "treat": table})

    def run_stage(self, stage: Stage) -> tuple[dict[str, Stage], list[tuple[str, Step]]]:
        """Run one year's stage with the reference fits; same shape as ``Pipeline.run_stage``."""
        outputs: dict[str, Stage] = {"raw": stage}
        fitted: list[tuple[str, Step]] = []
        for name, step in self.pipe.steps:
            if name == "treat":
                stage = self._treat(stage)
                ref = self.fitted["treat"]
            elif name == "normalise":
                ref = self.fitted["normalise"]
                stage = ref.transform(stage)
            else:
                ref = step.clone()
                stage = ref.fit_transform(stage)
            outputs[ref.stage] = stage
            fitted.append((name, ref))
        return outputs, fitted
