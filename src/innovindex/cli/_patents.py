"""`innovindex patents ...`: a thin layer over innovindex.patents.

Bad input raises :class:`innovindex.errors.InnovindexError`; the main app turns it into one
stderr line and exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand

from .._progress import progress_bar
from ..errors import SpecError
from ._common import echo_warnings
from ._progress import status

if TYPE_CHECKING:
    import pyarrow as pa

DEFAULT_DB = Path("innovindex.duckdb")


def _import(
    files: Annotated[
        list[Path], typer.Argument(help="Export files (PATSTAT: the tls201/209/206/207 files).")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="espacenet, lens, patentscope, patstat, patentsview, google"
        ),
    ],
    db: Annotated[Path, typer.Option("--db", help="Project store (DuckDB file).")] = DEFAULT_DB,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="Data set name (default: from the file names).")
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="Flat exports: 'auto' (UTF-8, else mac_roman) or a codec.")
    ] = "auto",
    on_error: Annotated[
        str, typer.Option("--on-error", help="skip: reject bad rows and report; raise: stop.")
    ] = "skip",
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the data set's records.")
    ] = False,
    wait: Annotated[
        float | None,
        typer.Option(
            "--wait",
            help="Seconds to wait for another process's lock on the store "
            "(default: $INNOVINDEX_LOCK_TIMEOUT or 120).",
        ),
    ] = None,
    show: Annotated[int, typer.Option("--show", help="Issues to list.")] = 20,
) -> None:
    """Import patent records into a data set of the store's patent_* tables."""
    from ..patents.importers import get_importer
    from ..patents.store import import_files

    get_importer(fmt)
    if on_error not in ("skip", "raise"):
        raise SpecError(f"--on-error must be 'skip' or 'raise'; got {on_error!r}")
    _check_wait(wait)
    options: dict[str, object] = {"on_error": on_error}
    if fmt.lower() in ("espacenet", "lens", "patentscope"):
        options["encoding"] = encoding
    with echo_warnings(), status(f"importing {len(files)} {fmt} file(s)"):
        result, counts = import_files(
            db, fmt, files, dataset=dataset, replace=replace, wait=wait, **options
        )
    typer.echo(result.summary())
    for issue in result.issues[:show]:
        typer.echo(f"  {issue}")
    more = len(result.issues) - show + result.unlisted_issues
    if more > 0:
        typer.echo(f"  ... and {more} more issue(s)")
    if result.replaced is not None:
        typer.echo(
            f"replaced data set {result.dataset!r}: its {result.replaced} earlier application(s) "
            "and their records were removed"
        )
    typer.echo(
        f"store data set {result.dataset!r}: " + ", ".join(f"{k}={v}" for k, v in counts.items())
    )


def _table(
    name: Annotated[str, typer.Argument(help="The table to compute.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output file (.csv, .parquet or .xlsx).")
    ],
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", help="Data set (required when the store holds several)."),
    ] = None,
    by: Annotated[
        str, typer.Option(help="Extra breakdown, comma-separated: office, origin, sector.")
    ] = "",
    years: Annotated[str | None, typer.Option(help="Year range A-B (inclusive).")] = None,
    year_basis: Annotated[
        str, typer.Option("--year-basis", help="filing (WIPO default) or priority.")
    ] = "filing",
    office: Annotated[
        str | None, typer.Option("--office", help="Filing offices, e.g. CN,US.")
    ] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="Origins (first applicant's country), e.g. CN.")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Countries (the table's country column).")
    ] = None,
    fractional: Annotated[
        str | None,
        typer.Option(
            "--fractional",
            help="by_field, rta, self_reliance: field shares by fields (WIPO, the default) "
            "or symbols.",
        ),
    ] = None,
    unknown_inventors: Annotated[
        str | None,
        typer.Option(
            "--unknown-inventors",
            help="inventor_fractional: share (the default) or ignore inventors of unknown "
            "residence.",
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    db: Annotated[Path, typer.Option("--db", help="Project store (DuckDB file).")] = DEFAULT_DB,
    parquet: Annotated[
        Path | None, typer.Option(help="Read canonical Parquet files from this directory instead.")
    ] = None,
    spark: Annotated[
        str | None, typer.Option(help="Spark Connect URL (sc://host:port); default local mode.")
    ] = None,
    concordance: Annotated[
        Path | None, typer.Option(help="WIPO IPC-technology concordance (CSV/XLSX).")
    ] = None,
    growth: Annotated[
        bool, typer.Option("--growth", help="Add year-on-year, fold, increase and CAGR columns.")
    ] = False,
    shares: Annotated[
        bool, typer.Option("--shares", help="Add each row's share of its year.")
    ] = False,
    key_fields: Annotated[
        str | None, typer.Option(help="self_reliance: WIPO field numbers, e.g. 4,6,8.")
    ] = None,
    wait: Annotated[
        float | None,
        typer.Option(
            "--wait",
            help="Seconds to wait for a writer's lock on the store "
            "(default: $INNOVINDEX_LOCK_TIMEOUT or 120).",
        ),
    ] = None,
) -> None:
    """Compute one indicator table (of one data set) and write it to --out."""
    from ..patents.backends import session
    from ..patents.concordance import load_concordance
    from ..patents.tables import (
        NEEDS_CONCORDANCE,
        TABLES,
        compute_table,
        parse_codes,
        parse_years,
        write_table,
    )

    if name not in TABLES:
        raise SpecError(f"unknown patent table {name!r}; expected one of {list(TABLES)}")
    _check_wait(wait)
    if year_basis not in ("filing", "priority"):
        raise SpecError(f"--year-basis must be 'filing' or 'priority'; got {year_basis!r}")
    kf = None
    if key_fields:
        try:
            kf = [int(x) for x in key_fields.split(",") if x.strip()]
        except ValueError:
            raise SpecError(
                f"--key-fields must be field numbers like 4,6,8; got {key_fields!r}"
            ) from None
    filters = {
        "office": parse_codes(office, "--office"),
        "origin": parse_codes(origin, "--origin"),
        "country": parse_codes(country, "--country"),
    }
    span = parse_years(years)
    protect = [db if parquet is None else None, concordance]
    if parquet is not None:  # every file the folder may be read from
        from ..patents.export import SIDE_TABLES
        from ..patents.summary import SUMMARY_FILE

        inputs = ("applications", "classifications", "parties", *SIDE_TABLES)
        protect += [parquet / f"{n}.parquet" for n in inputs] + [parquet / SUMMARY_FILE]
    if dataset is not None:
        from ..patents.datasets import check_dataset_name

        dataset = check_dataset_name(dataset)
    # a given --concordance is always used: top_applicants and self_reliance_firms need it
    # for their field breakdown although they are not in NEEDS_CONCORDANCE
    needed = name in NEEDS_CONCORDANCE or concordance is not None
    conc = load_concordance(concordance).table if needed else None
    write_table(_empty(), out, protect=protect, dry_run=True)  # refuse a bad --out before computing
    # degenerate input still computes: one ``warning:`` line per DataWarning, exit status 0
    with echo_warnings(), status(f"computing {name} on {engine}"):
        with session(
            engine,
            concordance=conc,
            db=None if parquet else db,
            parquet_dir=parquet,
            spark=spark,
            dataset=dataset,
            wait=wait,
        ) as t:
            table = compute_table(
                name,
                t,
                by=by.split(","),
                year=year_basis,
                years=span,
                growth=growth,
                shares=shares,
                key_fields=kf,
                fractional=fractional,
                unknown_inventors=unknown_inventors,
                **filters,
            )
    write_table(table, out, protect=protect)
    typer.echo(f"wrote {out} ({table.num_rows} rows)")


class _TableCommand(TyperCommand):
    """``patents table``, whose NAME help lists every registered table.

    The list is read from the registry (:data:`innovindex.patents.tables.TABLES`, which
    patents/enterprise.py extends) only when the help is shown: the registry imports Ibis,
    too slow for every command's start, and a list typed here would go stale.
    """

    # Any: typer's (vendored) click types are private; the signature is format_help's
    def format_help(self, ctx: Any, formatter: Any) -> None:
        from ..patents.tables import TABLES

        for param in self.params:
            if param.name == "name" and isinstance(param, TyperArgument):
                param.help = "One of: " + ", ".join(TABLES) + "."
        super().format_help(ctx, formatter)


def _check_wait(wait: float | None) -> None:
    if wait is not None and not 0 <= wait <= 86_400:
        raise SpecError(f"--wait must be 0-86400 seconds; got {wait:g}")


def _empty() -> pa.Table:
    import pyarrow as pa

    return pa.table({})


def _generate(
    n: Annotated[int, typer.Option("--n", help="Number of applications.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output directory for the Parquet files.")
    ],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2024,
) -> None:
    """Generate synthetic PATSTAT-shaped Parquet files (tls201/209/206/207)."""
    from ..patents.synthetic import generate_patstat

    if n < 1:
        raise SpecError(f"--n must be a positive number of applications; got {n}")
    with progress_bar(n, True, "generating synthetic applications") as advance:
        paths = generate_patstat(n, out, seed=seed, progress=advance)
    for p in paths.values():
        typer.echo(f"wrote {p}")


def register(app: typer.Typer) -> None:
    """Attach the ``patents`` sub-app to the main app (``data fetch`` lives in cli/_data.py)."""
    patents = typer.Typer(
        help="Patent statistics: import records, compute WIPO-style indicators.",
        no_args_is_help=True,
    )
    patents.command("import")(_import)
    patents.command("table", cls=_TableCommand)(_table)
    patents.command("generate")(_generate)
    app.add_typer(patents, name="patents")


__all__ = ["register"]
