"""Warnings about degenerate inputs that still build: things a user must hear about.

Each check looks at a finished build (:class:`~innovindex.index.Index`) and issues one
:class:`~innovindex.errors.DataWarning` per problem, one line each, naming the indicator:

* an indicator that is constant, or entirely missing, after screening: it separates no units
  (min-max gives every unit the midpoint);
* a geometric or harmonic aggregation over indicators whose normalised values can be zero
  (or negative): a zero collapses the mean, so the build fails on the first unit at the
  bottom of the scale;
* an indicator that outlier treatment left outside its skew and kurtosis thresholds.

The result is never changed. :func:`collect` records the warnings of a block of code (the CLI
prints them and writes them to run.json under ``"warnings"``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .errors import DataWarning, NotBuiltError
from .index import Index

__all__ = ["check_index", "check_panel", "collect"]

_SCREENED = ("screened", "imputed", "denominated", "raw")
#: Normalisations whose output never reaches 0: rank (1..n); minmax/scaled on a range above 0.
_POSITIVE_METHODS = ("rank",)
_MEANS_NEEDING_POSITIVE = ("geometric", "harmonic")


def _when(idx: Index) -> str:
    return f" in Time {idx.time}" if idx.time is not None else ""


def _constant(idx: Index) -> list[str]:
    name = next(n for n in _SCREENED if n in idx.stages)
    X = idx.stage(name)
    normalised = idx.stage("normalised") if "normalised" in idx.stages else None
    out = []
    for code in X.columns:
        col = X[code].dropna()
        if col.empty:
            out.append(
                f"indicator {code!r} has no data after screening{_when(idx)}: every value is "
                "missing, so it adds nothing to its aggregates"
            )
        elif col.nunique() == 1:
            got = ""
            if normalised is not None and normalised[code].notna().any():
                got = f"; normalised to {normalised[code].dropna().iloc[0]:g} for every unit"
            out.append(
                f"indicator {code!r} is constant after screening{_when(idx)} "
                f"({col.iloc[0]:g} for all {len(col)} units): it does not separate units{got}"
            )
    return out


def _can_be_zero(p: Mapping[str, Any]) -> bool:
    if p["method"] in _POSITIVE_METHODS:
        return False
    if p["method"] in ("minmax", "scaled"):
        return min(float(v) for v in p["range"]) <= 0
    return True


def _geometric(idx: Index) -> list[str]:
    try:
        agg, norm = idx._step("aggregate"), idx._step("normalise")
    except NotBuiltError:
        return []
    level_params: dict[int, dict[str, Any]] = getattr(agg, "level_params_", {})
    params: dict[str, dict[str, Any]] = getattr(norm, "params_", {})
    fw = idx.framework
    out = []
    for level, lp in level_params.items():
        if lp["method"] not in _MEANS_NEEDING_POSITIVE:
            continue
        under = [i for code in fw.codes_at(level) for i in fw.descendants(code)]
        zero = [c for c in dict.fromkeys(under) if c in params and _can_be_zero(params[c])]
        if zero:
            ranges = sorted({str(list(params[c]["range"])) for c in zero})
            methods = sorted({params[c]["method"] for c in zero})
            out.append(
                f"{lp['method']} aggregation at level {level}{_when(idx)} over indicator(s) "
                f"{zero[:8]}{' ...' if len(zero) > 8 else ''} whose normalised values can be 0 "
                f"(normalise {'/'.join(methods)}, range {', '.join(ranges)}): a zero fails or "
                "collapses the mean; normalise to a range such as [1, 100]"
            )
    return out


def _treatment(idx: Index) -> list[str]:
    try:
        table = idx.treatment
        params: dict[str, dict[str, Any]] = getattr(idx._step("treat"), "params_", {})
    except NotBuiltError:
        return []
    asked = table["iCode"].map(lambda c: params.get(c, {}).get("mode", "auto") != "none")
    failed = table[asked & ~table["passed"].astype(bool) & table["skew_before"].notna()]
    out = []
    for row in failed.to_dict("records"):
        how = f"{row['n_low'] + row['n_high']} point(s) winsorised"
        if isinstance(row["fallback"], str) and row["fallback"] not in ("", "none"):
            how += f", then {row['fallback']}"
        out.append(
            f"indicator {row['iCode']!r}: outlier treatment ({how}) left it outside the "
            f"thresholds{_when(idx)} (skew {row['skew_after']:.2f}, "
            f"kurtosis {row['kurt_after']:.2f})"
        )
    return out


def check_index(idx: Index) -> list[str]:
    """Warn (:class:`DataWarning`) about each problem of one build; return the messages."""
    messages = [*_constant(idx), *_geometric(idx), *_treatment(idx)]
    for msg in messages:
        warnings.warn(msg, DataWarning, stacklevel=2)
    return messages


def check_panel(panel: Mapping[int | None, Index]) -> list[str]:
    """:func:`check_index` for every year of a build."""
    return [m for idx in panel.values() for m in check_index(idx)]


@contextmanager
def collect() -> Iterator[list[str]]:
    """Record the :class:`DataWarning` messages raised in the block (others pass through).

    Examples
    --------
    >>> import warnings
    >>> with collect() as found:
    ...     warnings.warn("indicator 'x' is constant", DataWarning)
    >>> found
    ["indicator 'x' is constant"]
    """
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        yield found
    for w in caught:
        if issubclass(w.category, DataWarning):
            msg = " ".join(str(w.message).split())
            if msg not in found:
                found.append(msg)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
