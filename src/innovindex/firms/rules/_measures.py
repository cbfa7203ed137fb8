"""The measure functions a rule set may name (``fn:``): the only place such a name becomes
code. Each takes a firm's window of fiscal years and returns ``(value, note)``; ``value``
is None when the data cannot give it (a missing column, year or zero denominator), and the
note says why or how it was computed."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from ...errors import SpecError

__all__ = ["FirmWindow", "MEASURE_FUNCTIONS", "Measured", "evaluate_measure"]

Measured = tuple[float | None, str]


@dataclass(frozen=True)
class FirmWindow:
    """One firm's fiscal years under assessment (oldest first) and its dates."""

    firm_id: str
    rows: pd.DataFrame  # the firm's rows for ``years`` that exist in the data, by year
    years: tuple[int, ...]  # fiscal years assessed (actual period for young firms)
    registered_on: date | None
    apply_date: date

    def column(self, col: str, last: int | None = None) -> tuple[list[float] | None, str]:
        """The values of ``col`` over the window (or its last ``last`` years)."""
        years = self.years[-last:] if last else self.years
        if not years:
            return None, "no fiscal year in the window"
        if col not in self.rows.columns:
            return None, f"no column {col!r} in the data"
        vals = []
        for y in years:
            hit = self.rows[self.rows["year"] == y]
            if hit.empty:
                return None, f"no row for {y}"
            v = hit[col].iloc[0]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return None, f"{col} missing for {y}"
            vals.append(float(v))
        return vals, ""


def _latest(w: FirmWindow, spec: Mapping[str, Any], ctx: Any) -> Measured:
    vals, why = w.column(spec["column"], last=1)
    if vals is None:
        return None, why
    return vals[0], f"{spec['column']} {w.years[-1]}"


def _window_sum(w: FirmWindow, spec: Mapping[str, Any], ctx: Any) -> Measured:
    vals, why = w.column(spec["column"], last=spec.get("last"))
    if vals is None:
        return None, why
    return math.fsum(vals), f"sum of {spec['column']} over {_span(w, spec.get('last'))}"


def _window_mean(w: FirmWindow, spec: Mapping[str, Any], ctx: Any) -> Measured:
    vals, why = w.column(spec["column"], last=spec.get("last"))
    if vals is None:
        return None, why
    return math.fsum(vals) / len(
        vals
    ), f"mean of {spec['column']} over {_span(w, spec.get('last'))}"


def _span(w: FirmWindow, last: int | None) -> str:
    ys = w.years[-last:] if last else w.years
    return f"{ys[0]}-{ys[-1]}" if len(ys) > 1 else str(ys[0])


def _add(w: FirmWindow, spec: Mapping[str, Any], ctx: Any) -> Measured:
    total = 0.0
    for m in spec["of"]:
        v, why = ctx(m)
        if v is None:
            return None, why
        total += v
    return total, "sum of " + ", ".join(str(m) for m in spec["of"])


def _ratio(w: FirmWindow, spec: Mapping[str, Any], ctx: Any) -> Measured:
    num, why = ctx(spec["num"])
    if num is None:
        return None, why
    den, why = ctx(spec["den"])
    if den is None:
        return None, why
    if den == 0:
        return None, "zero denominator"
    return num / den, ""


def _days_registered(w: FirmWindow, spec: Mapping[str, Any], ctx: Any) -> Measured:
    if w.registered_on is None:
        return None, "no registered_on date"
    return float((w.apply_date - w.registered_on).days), f"{w.registered_on} to {w.apply_date}"


def _mean_ratio_growth(w: FirmWindow, spec: Mapping[str, Any], ctx: Any) -> Measured:
    """The HNTE Guidelines' growth rate over three years v1, v2, v3:
    ``(v2/v1 + v3/v2) / 2 - 1`` (the arithmetic mean of the two year-on-year ratios).

    Special cases (Guidelines): v1 = 0 -> the last two years only (v3/v2 - 1); v2 = 0 ->
    0 points (returned as rate 0). A firm with two years uses v2/v1 - 1 (its actual
    period); with one year no growth can be measured (rate 0, 0 points). A negative base
    (v1 or v2 below 0) makes the ratios meaningless: rate 0 (0 points), said in the note
    (the Guidelines do not cover it).
    """
    vals, why = w.column(spec["column"])
    if vals is None:
        return None, why
    col = spec["column"]
    if len(vals) == 1:
        return 0.0, f"one fiscal year only ({w.years[0]}): no growth, 0 points"
    if len(vals) == 2:
        v1, v2 = vals
        if v1 <= 0:
            return 0.0, f"{col} {w.years[0]} is {v1:g}: no base year, 0 points"
        return v2 / v1 - 1.0, f"actual period {w.years[0]}-{w.years[1]}: v2/v1 - 1"
    v1, v2, v3 = vals[-3:]
    if v2 == 0:
        return 0.0, f"{col} is 0 in the second year: 0 points (Guidelines)"
    if v1 < 0 or v2 < 0:
        return 0.0, f"negative {col} in a base year: 0 points"
    if v1 == 0:
        return v3 / v2 - 1.0, f"{col} is 0 in the first year: last two years v3/v2 - 1 (Guidelines)"
    return (v2 / v1 + v3 / v2) / 2.0 - 1.0, "(v2/v1 + v3/v2)/2 - 1"


MEASURE_FUNCTIONS: Mapping[str, Callable[[FirmWindow, Mapping[str, Any], Any], Measured]] = {
    "latest": _latest,
    "window_sum": _window_sum,
    "window_mean": _window_mean,
    "add": _add,
    "ratio": _ratio,
    "days_registered": _days_registered,
    "mean_ratio_growth": _mean_ratio_growth,
}


def evaluate_measure(
    spec: Any, w: FirmWindow, named: Mapping[str, Any], cache: dict[str, Measured]
) -> Measured:
    """Evaluate a measure: a name of the rule set's ``measures`` or an inline ``{fn: ...}``."""
    if isinstance(spec, str):
        if spec not in cache:
            if spec not in named:
                raise SpecError(f"rule set: unknown measure {spec!r}; defined: {sorted(named)}")
            cache[spec] = evaluate_measure(named[spec], w, named, cache)
        return cache[spec]
    if not isinstance(spec, Mapping) or "fn" not in spec:
        raise SpecError(f"rule set: a measure must be a name or a mapping with 'fn'; got {spec!r}")
    fn = MEASURE_FUNCTIONS.get(str(spec["fn"]))
    if fn is None:
        raise SpecError(
            f"rule set: unknown measure function {spec['fn']!r}; expected one of {sorted(MEASURE_FUNCTIONS)}"
        )
    return fn(w, spec, lambda s: evaluate_measure(s, w, named, cache))
