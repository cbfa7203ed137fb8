"""The indicator registry (name -> Ibis expression builder) and atomic table writers."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import SpecError
from . import enterprise, measures, queries
from .queries import PatentTables, YearBasis

__all__ = ["TABLES", "BY_OPTIONS", "build_table", "parse_years", "write_table"]

TABLES: dict[str, Callable[..., ir.Table]] = {
    "by_office": queries.by_office,
    "by_origin": queries.by_origin,
    "resident": measures.resident,
    "inventor_fractional": queries.inventor_fractional,
    "by_field": queries.by_field,
    "rta": measures.rta,
    "concentration": measures.concentration,
    "self_reliance": measures.self_reliance,
}
# extra breakdowns each table accepts ("sector" on by_field = aggregate fields to sectors)
BY_OPTIONS: dict[str, tuple[str, ...]] = {
    "by_origin": ("office",),
    "inventor_fractional": ("office",),
    "by_field": ("office", "origin", "sector"),
}
enterprise.register(TABLES, BY_OPTIONS)  # by_sector, top_applicants, self_reliance_firms (firms)


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``"2000-2010"`` -> (2000, 2010); ``"2005"`` -> (2005, 2005); None -> None."""
    if text is None or not text.strip():
        return None
    parts = text.strip().split("-")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        raise SpecError(f"--years must look like 2000-2010 or 2005; got {text!r}") from None
    if len(nums) == 1:
        nums = nums * 2
    if len(nums) != 2 or nums[0] > nums[1]:
        raise SpecError(f"--years must be an ascending range like 2000-2010; got {text!r}")
    return nums[0], nums[1]


def build_table(
    name: str,
    t: PatentTables,
    *,
    by: Sequence[str] = (),
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
    growth: bool = False,
    shares: bool = False,
    key_fields: Sequence[int] | None = None,
) -> ir.Table:
    """The Ibis expression of indicator ``name`` (see :data:`TABLES`).

    ``growth`` / ``shares`` add the columns of :func:`.measures.growth` /
    :func:`.measures.shares` on the table's main count.
    """
    if name not in TABLES:
        raise SpecError(f"unknown patent table {name!r}; expected one of {list(TABLES)}")
    by = [b.strip() for b in by if b.strip()]
    allowed = BY_OPTIONS.get(name, ())
    bad = [b for b in by if b not in allowed]
    if bad:
        raise SpecError(f"table {name!r} cannot be broken down by {bad}; allowed: {list(allowed)}")
    kwargs: dict[str, Any] = {"year": year, "years": years}
    if name == "by_field":
        kwargs["level"] = "sector" if "sector" in by else "field"
        by = [b for b in by if b != "sector"]
    if name in BY_OPTIONS:
        kwargs["by"] = by
    if key_fields is not None:
        if name != "self_reliance":
            raise SpecError("key fields apply to the self_reliance table only")
        kwargs["key_fields"] = key_fields
    expr = TABLES[name](t, **kwargs)
    value = "applications_fractional" if name in ("rta",) else "applications"
    if shares:
        expr = measures.shares(expr, value=value)
    if growth:
        expr = measures.growth(expr, value=value)
    return expr


def write_table(table: pa.Table, path: str | Path) -> Path:
    """Write a table as CSV (or Parquet for ``.parquet``) atomically: temp file + rename."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    os.close(fd)
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            pq.write_table(table, tmp)
        else:
            pacsv.write_csv(table, tmp)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
