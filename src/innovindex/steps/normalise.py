"""Normalise indicators onto a common scale; direction -1 flips so that higher is always better."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import Boolean, Options, Pair, Real, Text
from ..errors import SpecError
from ..methods import registry
from ._base import Stage, Step

__all__ = ["Normalise"]

#: The normalisation methods (the registry's ``normalise`` family); each takes the step
#: parameters named like its kernel's options (``registry.parameters``).
METHODS = tuple(registry.names("normalise"))


class Normalise(Step):
    """Normalise each indicator column.

    Parameters
    ----------
    method
        ``minmax``, ``scaled`` (a fixed scale ``lower``-``upper``), ``zscore``, ``rank``,
        ``percentile_rank``, ``borda``, ``goalposts``, ``dist2targ``, ``dist2max``,
        ``dist2ref`` or ``fracmax``.
    range
        Output range of ``minmax`` and ``scaled``.
    mean, sd
        Target mean and standard deviation of ``zscore``.
    fixed_scale
        Indicators with ``ScaleMin``/``ScaleMax`` in the framework are scaled on those bounds
        instead of the sample's min and max (the GII's rule for index and percentage data).
    lower, upper, scale, trunc
        Goalposts (or the fixed scale of ``scaled``); usually given per indicator through
        ``normalise.lower`` ... columns of the framework.
    target, cap_max
        ``dist2targ`` target (default: the framework's ``Target`` column) and capping.
    ref_unit
        Unit code of the reference for ``dist2ref``.

    Attributes
    ----------
    bounds_ : pandas.DataFrame
        For ``minmax`` and fixed-scale indicators: the raw bounds learned in ``fit``, so that
        one year's normalisation can be applied to another year's data.
    """

    name = "normalise"
    stage = "normalised"
    _constraints = {
        "method": Options(METHODS),
        "range": Pair(),
        "mean": Real(),
        "sd": Real(0, low_open=True),
        "fixed_scale": Boolean(),
        "lower": Real(none_ok=True),
        "upper": Real(none_ok=True),
        "scale": Real(0, low_open=True),
        "trunc": Boolean(),
        "target": Real(none_ok=True),
        "cap_max": Boolean(),
        "ref_unit": Text(none_ok=True),
    }

    def __init__(
        self,
        method: str = "minmax",
        range: tuple[float, float] | list[float] = (0.0, 100.0),  # noqa: A002 - the spec's word
        mean: float = 0.0,
        sd: float = 1.0,
        fixed_scale: bool = False,
        lower: float | None = None,
        upper: float | None = None,
        scale: float = 1.0,
        trunc: bool = True,
        target: float | None = None,
        cap_max: bool = False,
        ref_unit: str | None = None,
    ) -> None:
        self.method = method
        self.range = range
        self.mean = mean
        self.sd = sd
        self.fixed_scale = fixed_scale
        self.lower = lower
        self.upper = upper
        self.scale = scale
        self.trunc = trunc
        self.target = target
        self.cap_max = cap_max
        self.ref_unit = ref_unit

    def _column_params(self, stage: Stage) -> dict[str, dict[str, Any]]:
        fw = stage.framework
        targets = fw.attribute("Target")
        lo, hi = fw.attribute("ScaleMin"), fw.attribute("ScaleMax")
        out = {}
        for code, p in self._indicator_params(stage).items():
            if self.fixed_scale and lo[code] is not None and p["method"] == "minmax":
                p.update(method="scaled", lower=float(lo[code]), upper=float(hi[code]))
            if p["method"] == "dist2targ" and p["target"] is None:
                if targets[code] is None:
                    raise SpecError(
                        f"normalise method 'dist2targ' needs a Target for indicator {code!r}"
                    )
                p["target"] = float(targets[code])
            if p["method"] == "dist2ref" and p["ref_unit"] not in stage.values.index:
                raise SpecError(f"normalise 'ref_unit' {p['ref_unit']!r} is not a unit of the data")
            if p["method"] in ("scaled", "goalposts") and (
                p["lower"] is None or p["upper"] is None
            ):
                raise SpecError(
                    f"normalise method {p['method']!r} needs 'lower' and 'upper' for indicator {code!r}"
                )
            p["range"] = (float(p["range"][0]), float(p["range"][1]))
            out[code] = p
        return out

    def _check_against(self, stage: Stage) -> None:
        self._column_params(stage)

    def fit(self, stage: Stage) -> Normalise:
        super().fit(stage)
        self.params_ = self._column_params(stage)
        rows = {}
        X = stage.indicators.to_numpy(dtype=float)
        for j, (code, p) in enumerate(self.params_.items()):
            x = X[:, j]
            if p["method"] == "minmax":
                rows[code] = (np.nanmin(x), np.nanmax(x))
            elif p["method"] == "scaled":
                rows[code] = (p["lower"], p["upper"])
        self.bounds_ = pd.DataFrame.from_dict(rows, orient="index", columns=["lower", "upper"])
        return self

    def transform(self, stage: Stage) -> Stage:
        self._check_fitted("params_")
        directions = stage.framework.directions
        X = stage.indicators.to_numpy(dtype=float, copy=True)
        bounds = {
            c: tuple(b) for c, b in zip(self.bounds_.index, self.bounds_.to_numpy(), strict=True)
        }
        for j, (code, p) in enumerate(self.params_.items()):
            method = p["method"]
            kwargs = {k: p[k] for k in registry.parameters("normalise", method) if k in p}
            if method == "dist2ref":  # the reference unit's position in *this* data
                if p["ref_unit"] not in stage.values.index:
                    raise SpecError(
                        f"normalise 'ref_unit' {p['ref_unit']!r} is not a unit of the data"
                    )
                kwargs["ref_index"] = int(stage.values.index.get_loc(p["ref_unit"]))  # type: ignore[arg-type]
            if code in bounds and bounds[code][0] != bounds[code][1]:
                lower, upper = bounds[code]
                method, kwargs = "scaled", {"lower": lower, "upper": upper, "range": p["range"]}
            func = registry.get("normalise", method)
            assert func is not None
            try:
                X[:, j] = func(X[:, j], direction=directions[code], **kwargs)
            except SpecError as exc:
                raise SpecError(f"normalising indicator {code!r} ({method}): {exc}") from None
        return stage.with_indicators(X)
