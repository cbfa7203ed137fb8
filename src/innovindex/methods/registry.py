"""Name -> kernel tables: the only place a method name (from YAML, CLI or API) becomes a callable.

Families and names:

* ``normalise``: borda, dist2max, dist2ref, dist2targ, fracmax, goalposts, minmax,
  percentile_rank, rank, scaled, zscore
* ``fallback`` (treatment transforms): gii_log, log, log_ct, none
* ``impute``: group_mean, group_median, mean, median, panel
* ``aggregate``: arithmetic, copeland, generalised, geometric, harmonic

The ``none`` fallback maps to ``None``: treatment then keeps the winsorised column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from innovindex.errors import SpecError
from innovindex.methods import aggregate, impute, normalise, treat

__all__ = ["AGGREGATORS", "FALLBACKS", "FAMILIES", "IMPUTERS", "NORMALISERS", "get", "names"]

Kernel = Callable[..., Any]

NORMALISERS: Mapping[str, Kernel] = MappingProxyType(
    {
        "borda": normalise.borda,
        "dist2max": normalise.dist2max,
        "dist2ref": normalise.dist2ref,
        "dist2targ": normalise.dist2targ,
        "fracmax": normalise.fracmax,
        "goalposts": normalise.goalposts,
        "minmax": normalise.minmax,
        "percentile_rank": normalise.percentile_rank,
        "rank": normalise.rank,
        "scaled": normalise.scaled,
        "zscore": normalise.zscore,
    }
)

FALLBACKS: Mapping[str, Kernel | None] = MappingProxyType(
    {
        "gii_log": treat.gii_log,
        "log": treat.log,
        "log_ct": treat.log_ct,
        "none": None,
    }
)

IMPUTERS: Mapping[str, Kernel] = MappingProxyType(
    {
        "group_mean": impute.group_mean,
        "group_median": impute.group_median,
        "mean": impute.mean,
        "median": impute.median,
        "panel": impute.panel,
    }
)

AGGREGATORS: Mapping[str, Kernel] = MappingProxyType(
    {
        "arithmetic": aggregate.arithmetic,
        "copeland": aggregate.copeland,
        "generalised": aggregate.generalised,
        "geometric": aggregate.geometric,
        "harmonic": aggregate.harmonic,
    }
)

FAMILIES: Mapping[str, Mapping[str, Kernel | None]] = MappingProxyType(
    {
        "normalise": NORMALISERS,
        "fallback": FALLBACKS,
        "impute": IMPUTERS,
        "aggregate": AGGREGATORS,
    }
)


def names(family: str) -> list[str]:
    """Sorted method names of a family.

    Raises
    ------
    SpecError
        If ``family`` is unknown.
    """
    return sorted(_family(family))


def _family(family: str) -> Mapping[str, Kernel | None]:
    try:
        return FAMILIES[family]
    except (KeyError, TypeError):
        raise SpecError(
            f"unknown method family {family!r}; valid: {', '.join(sorted(FAMILIES))}"
        ) from None


def get(family: str, name: str) -> Kernel | None:
    """Look up a kernel by family and name.

    Parameters
    ----------
    family
        "normalise", "fallback", "impute" or "aggregate".
    name
        Method name within the family.

    Returns
    -------
    callable or None
        The kernel; None only for the "none" fallback.

    Raises
    ------
    SpecError
        Naming the unknown family or method and listing the valid names.

    Examples
    --------
    >>> get("normalise", "minmx")
    Traceback (most recent call last):
    ...
    innovindex.errors.SpecError: unknown normalise method 'minmx'; valid: borda, dist2max, \
dist2ref, dist2targ, fracmax, goalposts, minmax, percentile_rank, rank, scaled, zscore
    """
    table = _family(family)
    try:
        return table[name]
    except (KeyError, TypeError):
        raise SpecError(
            f"unknown {family} method {name!r}; valid: {', '.join(sorted(table))}"
        ) from None
