"""Resource limits checked before work starts, so a mistyped count is one line, not a crash.

An audit keeps, per replication, the target's score and rank for every unit, the sampled
assumption choices, and a row of the replications table. :func:`check_audit` estimates that
from the request (replications x units x assumptions) and refuses, before anything is
allocated, a request that would need more memory than the limit:

    N=1000000000 would need ~59.6 GiB; the limit is 7.8 GiB (--memory-limit or
    INNOVINDEX_MEMORY_LIMIT)

The limit defaults to half of the machine's physical memory.
"""

from __future__ import annotations

import os
import re
from typing import Any

from .errors import SpecError

__all__ = [
    "audit_bytes",
    "check_audit",
    "check_time",
    "check_value",
    "check_values",
    "memory_limit",
    "parse_size",
]

_UNITS = {
    "": 1,
    "B": 1,
    "K": 1000,
    "KB": 1000,
    "KIB": 1024,
    "M": 1000**2,
    "MB": 1000**2,
    "MIB": 1024**2,
    "G": 1000**3,
    "GB": 1000**3,
    "GIB": 1024**3,
    "T": 1000**4,
    "TB": 1000**4,
    "TIB": 1024**4,
}
_GIB = 1024**3


def parse_size(text: str, what: str = "memory limit") -> int:
    """Bytes from ``"8GiB"``, ``"500 MB"``, ``"2e9"`` or ``"1073741824"``.

    Examples
    --------
    >>> parse_size("2GiB")
    2147483648
    >>> parse_size("1.5 GB")
    1500000000
    """
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?(?:[eE][0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
    unit = m.group(2).upper() if m else ""
    if m is None or unit not in _UNITS:
        raise SpecError(
            f"{what} must be a size such as 4GiB, 500MB or a number of bytes; got {str(text)[:40]!r}"
        )
    value = float(m.group(1)) * _UNITS[unit]
    if not value >= 1:
        raise SpecError(f"{what} must be at least 1 byte; got {str(text)[:40]!r}")
    return int(min(value, 2**62))


def _physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * _GIB


def memory_limit(limit: str | int | None = None) -> int:
    """The limit in bytes: ``limit`` when given, else ``$INNOVINDEX_MEMORY_LIMIT``, else half
    of the physical memory."""
    if isinstance(limit, int) and not isinstance(limit, bool):
        if limit < 1:
            raise SpecError(f"memory limit must be at least 1 byte; got {limit}")
        return limit
    if limit is not None:
        return parse_size(str(limit))
    env = os.environ.get("INNOVINDEX_MEMORY_LIMIT", "").strip()
    if env:
        return parse_size(env, "INNOVINDEX_MEMORY_LIMIT")
    return _physical_memory() // 2


def audit_bytes(replications: int, units: int, assumptions: int, elements: int) -> int:
    """Estimated peak bytes of an audit: scores and ranks of every unit (float64), the
    sampled design and choices, one batch of weights, and the replications table."""
    per_rep = 8 * (2 * units + 2 * assumptions + 1) + 64 * (assumptions + 2)
    return replications * per_rep + 8 * elements * min(replications, 4096)


def _fmt(n_bytes: float) -> str:
    if n_bytes >= 0.1 * _GIB:
        return f"{n_bytes / _GIB:.1f} GiB"
    if n_bytes >= 1024**2:
        return f"{n_bytes / 1024**2:.1f} MiB"
    return f"{int(n_bytes):,} bytes"


def check_audit(
    index: Any, spec: Any, n: int, *, sobol: bool = False, limit: str | int | None = None
) -> None:
    """Refuse, in one line, an audit whose size is nonsense or would not fit in memory, and
    an ``exclude`` assumption naming the root (the index itself: excluding it changes nothing).

    Parameters
    ----------
    index
        The nominal :class:`innovindex.Index`.
    spec
        The validated :class:`innovindex.audit.spec.UncertaintySpec`.
    n
        Replications (uncertainty) or base sample size N (Sobol: ``N * (d + 2)`` replications).
    limit
        Memory limit (bytes or a size such as ``"8GiB"``); see :func:`memory_limit`.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise SpecError(f"--n must be a whole number >= 1; got {str(n)[:40]}")
    d = len(spec.assumptions)
    reps = n * (d + 2) if sobol else n
    units = int(index.stage("raw").shape[0]) if _has_raw(index) else 1
    elements = len(list(index.framework.iter_tree()))
    need = audit_bytes(reps, units, d, elements)
    cap = memory_limit(limit)
    if need > cap:
        what = f"N={n} ({reps} replications)" if sobol else f"N={n}"
        raise SpecError(
            f"{what} would need ~{_fmt(need)}; the limit is {_fmt(cap)} "
            "(--memory-limit or INNOVINDEX_MEMORY_LIMIT)"
        )
    excl = spec.assumptions.get("exclude")
    if excl is not None:
        roots = [c for c in index.framework.iter_tree() if index.framework.parent(c) is None]
        for i, alt in enumerate(excl.values):
            hit = sorted(set(alt) & set(roots))
            if hit:
                raise SpecError(
                    f"assumption 'exclude': alternative {i + 1} excludes {hit[0]!r}, the root of "
                    "the index; excluding it has no effect: list indicators or aggregates below it"
                )


def _has_raw(index: Any) -> bool:
    try:
        index.stage("raw")
    except Exception:  # noqa: BLE001 - any index without a raw stage: estimate with one unit
        return False
    return True


#: Largest magnitude accepted in indicator data. Beyond it, spreads, squares and weighted sums
#: overflow float64 (1.7e308) and scores silently become NaN or 0; no real indicator comes
#: anywhere near it (world GDP in US dollars is ~1e14).
MAX_ABS_VALUE = 1e150
#: Range of ``Time`` values (years) accepted: outside it, whole-number conversion wraps.
TIME_RANGE = (1, 9999)


#: The one wording for an infinite number in an input file (every reader says the same).
INFINITE_VALUE = "infinite value; expected a finite number"


def check_values(df: Any, columns: list[str], source: str) -> None:
    """Refuse indicator or denominator values whose magnitude would overflow the arithmetic
    (one line naming the file, row and column)."""
    import numpy as np

    from .errors import InputError

    if not columns:
        return
    block = np.abs(df[columns].to_numpy(dtype=float))
    with np.errstate(invalid="ignore"):
        big = block > MAX_ABS_VALUE
    if big.any():
        i, j = (int(v[0]) for v in np.nonzero(big))
        raise InputError(
            _out_of_range(float(df[columns[j]].iloc[i])),
            file=source,
            row=i + 2,
            column=columns[j],
        )


def check_value(value: float, *, file: Any, row: int, column: str) -> float:
    """One value read from a file: refuse infinity and magnitudes beyond
    :data:`MAX_ABS_VALUE`, as :func:`check_values` does for a whole iData frame.

    For readers that convert cell by cell (``data wipo``); returns ``value`` unchanged.
    """
    import math

    from .errors import InputError

    if math.isinf(value):
        raise InputError(INFINITE_VALUE, file=file, row=row, column=column)
    if abs(value) > MAX_ABS_VALUE:
        raise InputError(_out_of_range(value), file=file, row=row, column=column)
    return value


def _out_of_range(value: float) -> str:
    return (
        f"value {value:.4g} is outside the range innovindex computes with "
        f"(|x| <= {MAX_ABS_VALUE:g}); rescale the indicator (e.g. to millions)"
    )


def check_time(time: Any, source: str) -> None:
    """Refuse ``Time`` values outside :data:`TIME_RANGE` (whole years)."""
    import numpy as np

    from .errors import InputError

    values = time.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (values < TIME_RANGE[0]) | (values > TIME_RANGE[1])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"Time must be a year between {TIME_RANGE[0]} and {TIME_RANGE[1]}; got {values[i]:.6g}",
            file=source,
            row=i + 2,
            column="Time",
        )
