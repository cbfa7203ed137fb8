"""Computing a recipe's columns: the derive operations, lookups of fetched series, and
dropping years no index can be built for."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import DataWarning, SpecError

if TYPE_CHECKING:  # pragma: no cover
    from .recipe import Recipe

__all__ = ["OPERATIONS", "evaluate", "drop_empty_years"]


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray = np.asarray(a / b, dtype=float)
    out[~np.isfinite(out)] = np.nan
    return out


#: name -> (number of operands or None for two or more, function of the operand arrays)
OPERATIONS: dict[str, tuple[int | None, Callable[..., np.ndarray]]] = {
    "ratio": (2, lambda a, b: _div(a, b)),
    "share": (2, lambda a, b: _div(a, a + b)),
    "difference": (2, lambda a, b: a - b),
    "product": (2, lambda a, b: a * b),
    "sum": (None, lambda *xs: np.sum(np.vstack(xs), axis=0)),
}


def evaluate(recipe: Recipe, series: pd.DataFrame) -> pd.DataFrame:
    """The indicator and denominator columns from the fetched series (a column per series,
    named ``label:code`` and, when unambiguous, ``code``), in recipe order."""
    out = pd.DataFrame(index=series.index)
    for ind in recipe.order():
        if ind.derive is not None:
            cols = [
                out[a] if a in out.columns else _lookup(series, a, recipe, ind.code)
                for a in ind.derive.args
            ]
            fn = OPERATIONS[ind.derive.op][1]
            out[ind.code] = fn(*[c.to_numpy(dtype=float) for c in cols])
        else:
            assert ind.source is not None
            out[ind.code] = _lookup(series, ind.source, recipe, ind.code).astype(float) * ind.scale
    for col, ref in recipe.denominators.items():
        out[col] = _lookup(series, ref, recipe, col).astype(float)
    return out


def _lookup(series: pd.DataFrame, ref: str, recipe: Recipe, who: str) -> pd.Series:
    if ref in series.columns:
        return series[ref]
    matches = [c for c in series.columns if c.endswith(":" + ref)] if ":" not in ref else []
    if len(matches) == 1:
        return series[matches[0]]
    raise SpecError(
        f"recipe {recipe.name!r}: {who} uses series {ref!r}, which the sources did not return "
        f"(got {sorted(c for c in series.columns if ':' not in c)[:12]})"
    )


def drop_empty_years(frame: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Drop years in which some indicator has no value for any unit (one warning per year):
    a build cannot score a year where an indicator is entirely missing."""
    keep = []
    for t, part in frame.groupby("Time", sort=True):
        empty = [c for c in codes if part[c].isna().all()]
        if empty:
            warnings.warn(
                f"year {t} dropped: no value at all for {empty[:4]}", DataWarning, stacklevel=3
            )
        else:
            keep.append(t)
    return frame[frame["Time"].isin(keep)].reset_index(drop=True)
