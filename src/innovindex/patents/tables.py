"""The indicator registry (name -> Ibis expression builder), the filters and data-set
labels every table takes, and the atomic table writer."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from .._identity import canonical
from ..errors import DataWarning, InputError, SpecError
from ..io.writers import write_frame
from . import enterprise, measures, queries
from .facts import TABLE_FACTS, release_cache, with_cache, year_column
from .queries import DEFAULT_FRACTIONAL, DEFAULT_UNKNOWN_INVENTORS, PatentTables, YearBasis
from .schema import is_country_code

__all__ = [
    "TABLES",
    "BY_OPTIONS",
    "NEEDS_CONCORDANCE",
    "build_table",
    "compute_table",
    "parse_codes",
    "parse_years",
    "write_table",
]

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
# tables that map IPC symbols to technology fields (the others run without the concordance)
NEEDS_CONCORDANCE = frozenset({"by_field", "rta", "self_reliance"})
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


def parse_codes(text: str | None, option: str) -> tuple[str, ...]:
    """``"CN, us"`` -> ``("CN", "US")``: ST.3 codes (or ``unknown``) for a filter option."""
    if text is None or not text.strip():
        return ()
    out = []
    for part in text.split(","):
        code = canonical(part).upper()
        if code == "UNKNOWN":
            out.append("unknown")
        elif len(code) == 2 and is_country_code(code):
            out.append(code)
        else:
            raise SpecError(
                f"{option} takes WIPO ST.3 codes like CN,US (or 'unknown'); got {part.strip()!r}"
            )
    return tuple(dict.fromkeys(out))


def _filter_column(kind: str, columns: Sequence[str]) -> str | None:
    """The output column a filter applies to, or None (then it restricts the applications)."""
    order = {
        "office": ("office",),
        "origin": ("origin",),
        "country": ("country", "origin", "office"),
    }[kind]
    return next((c for c in order if c in columns), None)


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
    fractional: str | None = None,
    unknown_inventors: str | None = None,
    office: Sequence[str] = (),
    origin: Sequence[str] = (),
    country: Sequence[str] = (),
) -> ir.Table:
    """The Ibis expression of indicator ``name`` (see :data:`TABLES`).

    ``growth`` / ``shares`` add the columns of :func:`.measures.growth` /
    :func:`.measures.shares` on the table's main count. ``fractional`` (by_field, rta,
    self_reliance; default ``"fields"``) and ``unknown_inventors`` (inventor_fractional;
    default ``"share"``) choose the counting convention; given for another table, they are
    refused (None = not given), like ``key_fields`` (self_reliance only): a convention that
    would silently change nothing is a mistake worth one line.

    ``office``, ``origin`` and ``country`` filter the table. A filter keeps the rows whose
    column of that name is in the list when the table has that column (``country``: the
    ``country`` column, else ``origin``, else ``office``), so shares, RTA and growth are
    still computed against all the data. On a table without such a column it restricts the
    applications counted: ``office`` to those filed at these offices, ``origin`` and
    ``country`` to those of these origins.

    When ``t.dataset`` is set, the table starts with ``dataset`` and ``synthetic`` columns.
    """
    if name not in TABLES:
        raise SpecError(f"unknown patent table {name!r}; expected one of {list(TABLES)}")
    by = [b.strip() for b in by if b.strip()]
    allowed = BY_OPTIONS.get(name, ())
    bad = [b for b in by if b not in allowed]
    if bad:
        raise SpecError(f"table {name!r} cannot be broken down by {bad}; allowed: {list(allowed)}")
    if fractional is not None and name not in NEEDS_CONCORDANCE:
        raise SpecError(
            f"--fractional applies to the field tables ({', '.join(sorted(NEEDS_CONCORDANCE))}) "
            f"only; table {name!r} has no field counts"
        )
    if unknown_inventors is not None and name != "inventor_fractional":
        raise SpecError(
            "--unknown-inventors applies to the inventor_fractional table only; "
            f"table {name!r} has no inventor counts"
        )
    fractional = DEFAULT_FRACTIONAL if fractional is None else fractional
    unknown_inventors = (
        DEFAULT_UNKNOWN_INVENTORS if unknown_inventors is None else unknown_inventors
    )
    queries.frac_column(fractional)
    queries.inventor_column(unknown_inventors)
    kwargs: dict[str, Any] = {"year": year, "years": years}
    if name == "by_field":
        kwargs["level"] = "sector" if "sector" in by else "field"
        by = [b for b in by if b != "sector"]
    if name in BY_OPTIONS:
        kwargs["by"] = by
    if name in NEEDS_CONCORDANCE:
        kwargs["fractional"] = fractional
    if name == "inventor_fractional":
        kwargs["unknown_inventors"] = unknown_inventors
    if key_fields is not None:
        if name != "self_reliance":
            raise SpecError("key fields apply to the self_reliance table only")
        kwargs["key_fields"] = key_fields
    expr = TABLES[name](t, **kwargs)
    rows: list[tuple[str, tuple[str, ...]]] = []
    scope: list[tuple[str, tuple[str, ...]]] = list(t.where)
    for kind, codes in (
        ("office", tuple(office)),
        ("origin", tuple(origin)),
        ("country", tuple(country)),
    ):
        if not codes:
            continue
        column = _filter_column(kind, expr.columns)
        if column is not None:
            rows.append((column, codes))
        else:
            scope.append(("office" if kind == "office" else "origin", codes))
    if len(scope) > len(t.where):
        expr = TABLES[name](replace(t, where=tuple(scope)), **kwargs)
    value = "applications_fractional" if name in ("rta",) else "applications"
    if shares:
        expr = measures.shares(expr, value=value)
    if growth:
        expr = measures.growth(expr, value=value)
    for column, codes in rows:
        expr = expr.filter(expr[column].isin(list(codes)))
    return _labelled(expr, t.dataset)


def compute_table(name: str, t: PatentTables, **options: Any) -> pa.Table:
    """Indicator ``name`` (:func:`build_table` with ``options``) computed as an Arrow table.

    The intermediates the table reads (the per-application table, the (application, field)
    pairs, its facts: :data:`.facts.TABLE_FACTS`) are materialised once first and dropped
    after, as for a whole indicator set: the plain expression would build the field pairs
    twice inside one query, about three times slower on millions of applications.
    """
    cached = with_cache(t, TABLE_FACTS.get(name, ()))
    try:
        table = build_table(name, cached, **options).to_pyarrow()
    finally:
        release_cache(cached)
    years = options.get("years")
    if table.num_rows == 0 and years is not None:
        _warn_no_year_in_range(name, t, options.get("year", "filing"), years)
    return table


def _warn_no_year_in_range(
    name: str, t: PatentTables, year: YearBasis, years: tuple[int, int]
) -> None:
    """Warn (:class:`.DataWarning`) when table ``name`` came out empty because no
    application of the data set has a ``year``-basis year in ``years``; say which years it
    has. One small query, run only for an empty table; an empty table for another reason
    (the filters) is not this warning's business."""
    lo, hi = years
    a = t.applications
    ycol = year_column(year)
    other = "priority" if year == "filing" else "filing"
    row = (
        a.aggregate(
            in_range=a[ycol].between(lo, hi).cast("int64").sum(),
            first=a[ycol].min(),
            last=a[ycol].max(),
            other_first=a[f"{other}_year"].min(),
            other_last=a[f"{other}_year"].max(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    if row["in_range"]:
        return
    if row["first"] is None:
        why = f"no application of the data set has a {year} year"
        if row["other_first"] is not None:
            why += f" (their {other} years run {row['other_first']}-{row['other_last']})"
    else:
        why = (
            f"no application has a {year} year in {lo}-{hi} "
            f"(the data set's {year} years run {row['first']}-{row['last']})"
        )
    warnings.warn(
        f"table {name!r} is empty: {why}",
        DataWarning,
        stacklevel=3,
    )


def _labelled(expr: ir.Table, dataset: object) -> ir.Table:
    """Put ``dataset`` and ``synthetic`` columns first (when the tables carry a label)."""
    if dataset is None:
        return expr
    label = ibis.literal(str(getattr(dataset, "name", dataset)), "string").name("dataset")
    flag = ibis.literal(bool(getattr(dataset, "synthetic", False)), "boolean").name("synthetic")
    return expr.select(label, flag, *expr.columns)


def _is_duckdb_file(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


FORMATS = (".csv", ".parquet", ".xlsx")
_XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


def write_table(
    table: pa.Table,
    path: str | Path,
    *,
    protect: Sequence[str | Path | None] = (),
    dry_run: bool = False,
) -> Path:
    """Write a table atomically (temporary file + rename) in the format of its extension.

    ``.csv``, ``.parquet`` or ``.xlsx`` (a real workbook, through openpyxl). The file gets
    the usual permissions (``0666`` less the umask). Refused, with nothing written: another
    extension, a target that resolves (symlinks included) to one of ``protect`` (the store,
    the inputs), an existing DuckDB database, a folder. ``dry_run`` makes the checks only.

    Raises
    ------
    SpecError
        Unknown extension, or a table too long for a workbook.
    InputError
        The target is protected, a DuckDB file or a folder.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise SpecError(
            f"--out must end in {', '.join(FORMATS)} (the format follows the extension); got {p.name!r}"
        )
    target = p.resolve()
    for q in protect:
        if q is not None and Path(q).exists() and target == Path(q).resolve():
            raise InputError(
                "--out would overwrite an input of this command (the store or a file it reads)",
                file=p,
            )
    if target.is_dir():
        raise InputError("--out is a folder; expected a file name", file=p)
    if target.exists() and _is_duckdb_file(target):
        raise InputError(
            "--out is a DuckDB database; refusing to overwrite it with a table", file=p
        )
    if suffix == ".xlsx" and table.num_rows > _XLSX_MAX_ROWS:
        raise SpecError(
            f"{table.num_rows} rows do not fit in a workbook sheet (max {_XLSX_MAX_ROWS}); use .csv or .parquet"
        )
    if dry_run:
        return p
    # the write itself (temporary file, rename, permissions) has one home: io.writers
    return write_frame(table, p, label="--out")
