"""Data minimum coverage (DMC): which aggregate scores rest on too little data.

The Global Innovation Index computes a score for every sub-pillar and pillar an economy has
any data for, but shows the score and rank "in brackets" when the economy does not meet the
data minimum coverage of that element. This module computes those flags from the pattern of
available indicator values alone (the scores are not involved); units are never removed.

The rule, with the parameters of :func:`dmc_flags`:

1. An aggregate whose children are indicators (a GII sub-pillar) is flagged when the share
   of its indicators with data is below ``min_share`` (a count share: weights play no part).
2. An aggregate one level up (a GII pillar) is flagged when the number of its flagged
   children lies in ``[min_flagged_children, max_flagged_children]``. Higher levels use the
   same rule on their own children, up to ``max_level``; levels above are never flagged.

GII 2019 (inferred from the bracketed ranks of the 2019 database, see ``docs/gii2019.md``):
``min_share=0.65`` (2 of 3, 3 of 4 and 4 of 5 indicators suffice, 3 of 5 do not),
``min_flagged_children=2, max_flagged_children=2`` (a pillar is bracketed when exactly two of
its three sub-pillars are; the three economies with all three sub-pillars bracketed are not),
``max_level=3`` (the sub-indices and the GII carry no brackets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import SpecError

if TYPE_CHECKING:  # pragma: no cover
    from ..framework import Framework

__all__ = ["Coverage", "dmc_flags"]


@dataclass(frozen=True)
class Coverage:
    """Data coverage of every aggregate for every unit.

    Attributes
    ----------
    codes
        Aggregate codes (the columns of the arrays), bottom level first.
    n_available, n_total
        Per unit x aggregate: indicators under the aggregate with data, and in total.
    share
        ``n_available / n_total`` (float, units x aggregates).
    flagged
        True where the aggregate does not meet the data minimum coverage (bool, same shape).
    params
        The rule's parameters, as given to :func:`dmc_flags`.
    """

    codes: tuple[str, ...]
    n_available: NDArray[np.int64]
    n_total: NDArray[np.int64]
    share: NDArray[np.float64]
    flagged: NDArray[np.bool_]
    params: dict[str, float | int | None]

    def flags(self) -> dict[str, NDArray[np.bool_]]:
        """The DMC flags as ``{aggregate code: bool array over units}``."""
        return {c: self.flagged[:, j] for j, c in enumerate(self.codes)}

    def column(self, code: str) -> int:
        """Position of an aggregate code in :attr:`codes`."""
        try:
            return self.codes.index(code)
        except ValueError:
            raise SpecError(
                f"no coverage computed for {code!r}; aggregates are {list(self.codes)}"
            ) from None


def _check_params(min_share: float, lo: int, hi: int | None, max_level: int | None) -> None:
    if (
        isinstance(min_share, bool)
        or not isinstance(min_share, int | float)
        or not 0 <= min_share <= 1
    ):
        raise SpecError(
            "the 'min_share' parameter of the coverage rule must be a share in [0, 1]; "
            f"got {min_share!r}"
        )
    for name, v in (
        ("min_flagged_children", lo),
        ("max_flagged_children", hi),
        ("max_level", max_level),
    ):
        if v is None and name != "min_flagged_children":
            continue
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
            raise SpecError(
                f"the {name!r} parameter of the coverage rule must be a whole number >= 0"
                f"{' or null' if name != 'min_flagged_children' else ''}; got {v!r}"
            )
    if hi is not None and hi < lo:
        raise SpecError(
            f"the coverage rule needs min_flagged_children <= max_flagged_children; got {lo} > {hi}"
        )


def dmc_flags(
    available: ArrayLike,
    framework: Framework,
    *,
    min_share: float = 0.65,
    min_flagged_children: int = 2,
    max_flagged_children: int | None = None,
    max_level: int | None = 3,
) -> Coverage:
    """Flag aggregates that miss the data minimum coverage, unit by unit.

    Parameters
    ----------
    available
        Boolean array, units x indicators, True where a value is present. Columns follow
        ``framework.indicators``.
    framework
        The index framework (its tree gives which indicators sit under which aggregate).
    min_share
        Lowest share of an aggregate's indicators that must have data, for aggregates whose
        children are indicators. Compared as ``n_available / n_total >= min_share``.
    min_flagged_children, max_flagged_children
        An aggregate whose children are aggregates is flagged when the number of its flagged
        children is at least ``min_flagged_children`` and (unless None) at most
        ``max_flagged_children``.
    max_level
        Highest level that can be flagged (None: all levels).

    Returns
    -------
    Coverage
        Counts, shares and flags for every aggregate; ``Coverage.flags()`` gives the
        ``{code: bool array}`` form.

    Raises
    ------
    SpecError
        For a parameter out of range or an ``available`` array of the wrong shape.

    Examples
    --------
    >>> import innovindex as ii, numpy as np
    >>> fw = ii.Framework.builtin("gii2019")
    >>> cov = dmc_flags(np.ones((2, len(fw.indicators)), bool), fw, max_flagged_children=2)
    >>> bool(cov.flagged.any())
    False
    """
    _check_params(min_share, min_flagged_children, max_flagged_children, max_level)
    avail = np.asarray(available, dtype=bool)
    indicators = framework.indicators
    if avail.ndim != 2 or avail.shape[1] != len(indicators):
        raise SpecError(
            f"coverage needs a units x indicators array with {len(indicators)} columns "
            f"(the framework's indicators); got shape {avail.shape}"
        )
    col = {c: j for j, c in enumerate(indicators)}
    codes = framework.aggregates
    n_units = avail.shape[0]
    n_av = np.zeros((n_units, len(codes)), dtype=np.int64)
    n_tot = np.zeros((n_units, len(codes)), dtype=np.int64)
    flagged = np.zeros((n_units, len(codes)), dtype=bool)
    pos = {c: j for j, c in enumerate(codes)}
    for j, code in enumerate(codes):  # bottom level first, so children are done before parents
        leaves = [col[c] for c in framework.descendants(code, 1) if c in col]
        n_av[:, j] = avail[:, leaves].sum(axis=1)
        n_tot[:, j] = len(leaves)
        level = framework.level(code)
        if max_level is not None and level > max_level:
            continue
        kids = framework.children(code)
        sub = [pos[k] for k in kids if k in pos]
        if not sub:  # children are indicators
            with np.errstate(invalid="ignore", divide="ignore"):
                flagged[:, j] = n_av[:, j] / np.maximum(n_tot[:, j], 1) < min_share
        else:
            n_flag = flagged[:, sub].sum(axis=1)
            hit = n_flag >= min_flagged_children
            if max_flagged_children is not None:
                hit &= n_flag <= max_flagged_children
            flagged[:, j] = hit
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_tot > 0, n_av / np.maximum(n_tot, 1), np.nan)
    params: dict[str, float | int | None] = {
        "min_share": min_share,
        "min_flagged_children": min_flagged_children,
        "max_flagged_children": max_flagged_children,
        "max_level": max_level,
    }
    return Coverage(codes, n_av, n_tot, share, flagged, params)
