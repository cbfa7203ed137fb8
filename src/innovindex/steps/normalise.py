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
#: Kernel options that may differ from column to column (passed as one value per column).
_PER_COLUMN = frozenset({"lower", "upper", "scale", "target"})


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
        X = stage.indicators.to_numpy(dtype=float)
        codes = list(self.params_)
        mm = [j for j, c in enumerate(codes) if self.params_[c]["method"] == "minmax"]
        lo, hi = np.nanmin(X[:, mm], axis=0), np.nanmax(X[:, mm], axis=0)
        rows = {codes[j]: (lo[i], hi[i]) for i, j in enumerate(mm)}
        for code, p in self.params_.items():
            if p["method"] == "scaled":
                rows[code] = (p["lower"], p["upper"])
        rows = {c: rows[c] for c in codes if c in rows}  # indicator order
        self.bounds_ = pd.DataFrame.from_dict(rows, orient="index", columns=["lower", "upper"])
        return self

    def transform(self, stage: Stage) -> Stage:
        self._check_fitted("params_")
        directions = stage.framework.directions
        X = stage.indicators.to_numpy(dtype=float, copy=True)
        bounds = {
            c: tuple(b) for c, b in zip(self.bounds_.index, self.bounds_.to_numpy(), strict=True)
        }
        # columns sharing a method and its scalar options are normalised in one kernel call
        # (the kernels work column by column; per-column options are passed as arrays)
        blocks: dict[tuple[Any, ...], list[tuple[int, str, dict[str, Any]]]] = {}
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
            shared = tuple(sorted((k, v) for k, v in kwargs.items() if k not in _PER_COLUMN))
            blocks.setdefault((method, shared), []).append((j, code, kwargs))
        for (method, shared), cols in blocks.items():
            idx = [j for j, _, _ in cols]
            kwargs = dict(shared)
            for k in {k for _, _, kw in cols for k in kw} & _PER_COLUMN:
                kwargs[k] = np.array([kw[k] for _, _, kw in cols], dtype=float)
            d = np.array([directions[c] for _, c, _ in cols], dtype=float)
            X[:, idx] = self._apply(method, X[:, idx], d, kwargs, [c for _, c, _ in cols])
        return stage.with_indicators(X)

    @staticmethod
    def _apply(
        method: str, X: np.ndarray, d: np.ndarray, kwargs: dict[str, Any], codes: list[str]
    ) -> np.ndarray:
        """One kernel call on a block of columns; a refusal names the indicator."""
        func = registry.get("normalise", method)
        assert func is not None
        try:
            return np.asarray(func(X, direction=d, **kwargs), dtype=float)
        except SpecError as exc:
            if len(codes) > 1:  # find the indicator the kernel refuses
                for i, code in enumerate(codes):
                    one = {k: v[i] if k in _PER_COLUMN else v for k, v in kwargs.items()}
                    Normalise._apply(method, X[:, [i]], d[[i]], one, [code])
            raise SpecError(f"normalising indicator {codes[0]!r} ({method}): {exc}") from None
