"""Name -> kernel tables: the only place a method name (from YAML, CLI or API) becomes a callable.

Families and names:

* ``normalise``: borda, dist2max, dist2ref, dist2targ, fracmax, goalposts, minmax,
  percentile_rank, rank, scaled, zscore
* ``fallback`` (treatment transforms): gii_log, log, log_ct, none
* ``impute``: constant, group_mean, group_median, linear, mean, median, none, row_mean,
  row_median
* ``aggregate``: arithmetic, copeland, generalised, geometric, harmonic

``none`` (a fallback or an imputation) maps to ``None``: treatment then keeps the winsorised
column, imputation leaves the gaps. Steps take their ``Options`` from :func:`names`, call
kernels found by :func:`get`, and learn what a kernel takes from :func:`parameters` and
(imputation) :func:`impute_scope`, so a method is added here and in its kernel module only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from innovindex.errors import SpecError
from innovindex.methods import aggregate, impute, normalise, transforms

__all__ = [
    "AGGREGATORS",
    "FALLBACKS",
    "FAMILIES",
    "IMPUTERS",
    "IMPUTE_SCOPES",
    "NORMALISERS",
    "get",
    "impute_scope",
    "names",
    "parameters",
]

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
        "gii_log": transforms.gii_log,
        "log": transforms.log,
        "log_ct": transforms.log_ct,
        "none": None,
    }
)

IMPUTERS: Mapping[str, Kernel | None] = MappingProxyType(
    {
        "constant": impute.constant,
        "group_mean": impute.group_mean,
        "group_median": impute.group_median,
        "linear": impute.linear,
        "mean": impute.mean,
        "median": impute.median,
        "none": None,
        "row_mean": impute.row_mean,
        "row_median": impute.row_median,
    }
)

#: What each imputation kernel reads: ``column`` (one column), ``group`` (one column and the
#: units' group labels), ``row`` (the matrix and blocks of columns), ``time`` (one unit's
#: series over the years of a panel), or ``none``.
IMPUTE_SCOPES: Mapping[str, str] = MappingProxyType(
    {
        "constant": "time",
        "group_mean": "group",
        "group_median": "group",
        "linear": "time",
        "mean": "column",
        "median": "column",
        "none": "none",
        "row_mean": "row",
        "row_median": "row",
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
        The kernel; None only for the "none" fallback and the "none" imputation.

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


@cache
def parameters(family: str, name: str) -> tuple[str, ...]:
    """Keyword-only parameters of a kernel (its options), ``direction`` excepted.

    A step passes exactly these of its parameters to the kernel.

    Examples
    --------
    >>> parameters("normalise", "goalposts")
    ('lower', 'upper', 'scale', 'trunc')
    """
    fn = get(family, name)
    if fn is None:
        return ()
    return tuple(
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.name != "direction"
    )


def impute_scope(name: str) -> str:
    """What the imputation method ``name`` reads (see :data:`IMPUTE_SCOPES`).

    Raises
    ------
    SpecError
        For an unknown method, listing the valid ones.
    """
    get("impute", name)
    return IMPUTE_SCOPES[name]
