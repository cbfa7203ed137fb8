"""`innovindex data ...`: fetch public statistics into iData, assemble recipes, read WIPO files.

A thin layer over :mod:`innovindex.sources`. Every failure is an InnovindexError (one stderr
line, exit 2) raised before anything is written; degenerate results are DataWarnings, one
stderr line each.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import DataWarning, SpecError
from ._common import echo_warnings
from ._progress import status

if TYPE_CHECKING:  # pragma: no cover
    from ..sources import Fetched, FetchOptions

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="iData file to write (.csv or .parquet)")]
YearsOpt = Annotated[
    str | None, typer.Option("--years", help="inclusive year range A-B, e.g. 2010-2020")
]
CountriesOpt = Annotated[
    str | None, typer.Option("--countries", help="ISO3 codes, comma-separated (default: all)")
]
AggOpt = Annotated[
    Path | None,
    typer.Option(
        "--aggregates-out", help="also write the source's aggregates (regions, income groups) here"
    ),
]
CacheOpt = Annotated[
    Path | None, typer.Option("--cache-dir", help="response cache folder (default: user cache)")
]
TtlOpt = Annotated[float, typer.Option("--ttl", help="hours a cached response stays fresh")]
OfflineOpt = Annotated[
    bool, typer.Option("--offline", help="answer from the cache only; name what is missing")
]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", help="seconds to wait for a server per attempt")
]
RetriesOpt = Annotated[
    int, typer.Option("--retries", help="further attempts after a 429/5xx or timeout")
]


def _options(
    cache_dir: Path | None, ttl: float, offline: bool, timeout: float, retries: int
) -> FetchOptions:
    from ..sources import FetchOptions

    if ttl < 0:
        raise SpecError(f"--ttl must be >= 0 hours; got {ttl:g}")
    if timeout <= 0:
        raise SpecError(f"--timeout must be > 0 seconds; got {timeout:g}")
    if retries < 0:
        raise SpecError(f"--retries must be >= 0; got {retries}")
    return FetchOptions(
        cache_dir=cache_dir, ttl=ttl * 3600, offline=offline, timeout=timeout, retries=retries
    )


def _write(got: Fetched, out: Path, aggregates_out: Path | None) -> None:
    from ..errors import InputError
    from ..sources import to_idata, write_fetched

    _check_targets(out, aggregates_out)
    frame = to_idata(got.data, got.series)
    if frame.empty:
        raise InputError(
            f"{got.provenance['source']}: no economy has data for the query, only aggregates "
            "(regions, income groups), which iData for an index does not take"
        )
    empty = [s for s in got.series if frame[s].isna().all()]
    for s in empty:
        warnings.warn(
            f"series {s} has no observation for the query; its column is empty",
            DataWarning,
            stacklevel=2,
        )
    path, side = write_fetched(frame, out, got.provenance)
    typer.echo(f"wrote {path} ({len(frame)} rows, {len(got.series)} series) and {side.name}")
    agg = got.aggregates
    n = 0 if agg is None else agg[["uCode", "Time"]].drop_duplicates().shape[0]
    if aggregates_out is not None and agg is not None and n:
        apath, _ = write_fetched(
            to_idata(agg, got.series), aggregates_out, {**got.provenance, "aggregates": True}
        )
        typer.echo(f"wrote {apath} ({n} aggregate rows)")
    elif n:
        typer.echo(
            f"kept apart {n} aggregate rows (regions, income groups, ...); --aggregates-out FILE writes them",
            err=True,
        )


def _check_targets(out: Path, aggregates_out: Path | None) -> None:
    from ..sources.provenance import check_out

    check_out(out)
    if aggregates_out is not None:
        check_out(aggregates_out)
        if Path(aggregates_out).absolute() == Path(out).absolute():
            raise SpecError("--aggregates-out must differ from --out")


def _run(fetch: Callable[[], Fetched], out: Path, aggregates_out: Path | None, what: str) -> None:
    _check_targets(out, aggregates_out)
    with echo_warnings():
        with status(f"fetching {what}"):
            got = fetch()
        _write(got, out, aggregates_out)


#: Sources queried by indicator codes: (argument help, what the status line calls them, doc).
_BY_INDICATOR = {
    "worldbank": (
        "series codes, e.g. GB.XPD.RSDV.GD.ZS IP.PAT.RESD",
        "World Bank series",
        "World Bank (WDI, Indicators API v2) series into iData: uCode ISO3, one column per series.",
    ),
    "uis": (
        "UIS indicator codes",
        "UIS indicator(s)",
        "UNESCO UIS indicators (keyless UIS Data API) into iData.",
    ),
}


def _indicators_cmd(source: str) -> Callable[..., None]:
    """The ``data fetch worldbank|uis`` command: the two differ only in the fetcher called."""
    arg_help, label, doc = _BY_INDICATOR[source]

    def cmd(
        indicators: list[str],
        out: OutOpt,
        countries: CountriesOpt = None,
        years: YearsOpt = None,
        aggregates_out: AggOpt = None,
        cache_dir: CacheOpt = None,
        ttl: TtlOpt = 24.0,
        offline: OfflineOpt = False,
        timeout: TimeoutOpt = 30.0,
        retries: RetriesOpt = 3,
    ) -> None:
        from .. import sources
        from ..sources._query import parse_years

        fetch = {"worldbank": sources.fetch_worldbank, "uis": sources.fetch_uis}[source]
        opts = _options(cache_dir, ttl, offline, timeout, retries)
        span = parse_years(years)
        _run(
            lambda: fetch(indicators, countries=countries, years=span, options=opts),
            out,
            aggregates_out,
            f"{len(indicators)} {label}",
        )

    # The help differs per source; a string annotation could not see ``arg_help``.
    cmd.__annotations__["indicators"] = Annotated[list[str], typer.Argument(help=arg_help)]
    cmd.__doc__ = doc
    return cmd


def _sdmx_cmd(source: str) -> Callable[..., None]:
    def cmd(
        flow: Annotated[
            str,
            typer.Argument(
                help="dataflow (OECD: DSD_MSTI@DF_MSTI or AGENCY,ID,VERSION; Eurostat: dataset code)"
            ),
        ],
        out: OutOpt,
        key: Annotated[
            str, typer.Argument(help="series key: codes joined by '.', alternatives by '+'")
        ] = "all",
        years: YearsOpt = None,
        unit: Annotated[str | None, typer.Option("--unit", help="dimension giving uCode")] = None,
        series_dims: Annotated[
            str | None,
            typer.Option("--series-dims", help="dimensions naming the series, comma-separated"),
        ] = None,
        aggregates_out: AggOpt = None,
        cache_dir: CacheOpt = None,
        ttl: TtlOpt = 24.0,
        offline: OfflineOpt = False,
        timeout: TimeoutOpt = 30.0,
        retries: RetriesOpt = 3,
    ) -> None:
        from ..sources import SdmxSpec, fetch_sdmx
        from ..sources._query import parse_years
        from ..sources.sdmx import DEFAULT_SPECS

        opts = _options(cache_dir, ttl, offline, timeout, retries)
        span = parse_years(years)
        d = DEFAULT_SPECS[source]
        dims = (
            tuple(s.strip() for s in series_dims.split(",") if s.strip()) if series_dims else None
        )
        spec = SdmxSpec(unit=unit or d.unit, time=d.time, series=dims, iso3=d.iso3)
        _run(
            lambda: fetch_sdmx(source, flow, key, years=span, spec=spec, options=opts),
            out,
            aggregates_out,
            f"{source} {flow}",
        )

    cmd.__doc__ = {
        "oecd": "OECD data (SDMX, e.g. MSTI) into iData: uCode from REF_AREA, one column per series.",
        "eurostat": "Eurostat data (SDMX) into iData: uCode ISO3 from geo, one column per series.",
    }[source]
    return cmd


def concordance_cmd(
    dest: Annotated[
        Path | None, typer.Option(help="Where to cache the concordance (default: user cache).")
    ] = None,
) -> None:
    """Download WIPO's IPC-technology concordance into the user cache."""
    _fetch_concordance(dest)


def _fetch_concordance(dest: Path | None) -> None:
    from ..patents.concordance import fetch_concordance

    with status("downloading the WIPO concordance"):
        path = fetch_concordance(dest)
    typer.echo(f"cached {path}")


def assemble_cmd(
    recipe: Annotated[
        str, typer.Argument(help="recipe YAML file or built-in name (self_reliance_wdi)")
    ],
    out: OutOpt,
    years: YearsOpt = None,
    countries: CountriesOpt = None,
    meta_out: Annotated[
        Path | None,
        typer.Option("--meta-out", help="also write an iMeta (framework) for the recipe"),
    ] = None,
    cache_dir: CacheOpt = None,
    ttl: TtlOpt = 24.0,
    offline: OfflineOpt = False,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 3,
) -> None:
    """Assemble one iData from a recipe's sources, with derived measures and provenance."""
    from ..sources import assemble, load_recipe, recipe_meta, write_fetched
    from ..sources.provenance import check_out

    check_out(out)
    if meta_out is not None and Path(meta_out).suffix.lower() != ".csv":
        raise SpecError(f"--meta-out must be a .csv file; got {str(meta_out)!r}")
    opts = _options(cache_dir, ttl, offline, timeout, retries)
    rec = load_recipe(recipe)
    with echo_warnings():
        with status(f"assembling {rec.name}"):
            frame, provenance = assemble(rec, years=years, countries=countries, options=opts)
        path, side = write_fetched(frame, out, provenance)
    typer.echo(
        f"wrote {path} ({len(frame)} rows, {len(rec.indicators)} indicators) and {side.name}"
    )
    if meta_out is not None:
        recipe_meta(rec).to_csv(meta_out, index=False, lineterminator="\n")
        typer.echo(f"wrote {meta_out}")


def wipo_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="IP Statistics Data Center downloads (.csv or .xlsx)")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="iData file to write (.csv or .parquet)")
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="store: load into table source_wipo_ipstats")
    ] = None,
    series: Annotated[
        str, typer.Option("--series", help="column name of the series in the iData")
    ] = "wipo_applications",
    by: Annotated[
        str, typer.Option("--by", help="unit of the iData: office (filing office) or origin")
    ] = "office",
    aggregates_out: AggOpt = None,
) -> None:
    """Read WIPO IP Statistics Data Center downloads into iData (--out) and/or the store (--db)."""
    from ..sources import read_wipo, store_wipo, wipo_to_fetched
    from ..sources._query import check_codes

    if out is None and db is None:
        raise SpecError("give --out FILE (iData) and/or --db STORE (table source_wipo_ipstats)")
    if out is not None:
        _check_targets(out, aggregates_out)
    name = check_codes([series], r"[A-Za-z][A-Za-z0-9_.\-]*", "series name", "wipo_applications")[0]
    with echo_warnings():
        tables = [read_wipo(f) for f in files]
        if out is not None:
            _write(wipo_to_fetched(tables, name, by), out, aggregates_out)
    if db is not None:
        n = store_wipo(tables, db)
        typer.echo(f"loaded {n} rows into {db} table source_wipo_ipstats")


def register(app: typer.Typer) -> None:
    """Attach the ``data`` group: ``fetch`` (concordance and sources), ``assemble``, ``wipo``."""
    data = typer.Typer(
        help="Public data: fetch series into iData, assemble recipes, read WIPO downloads.",
        no_args_is_help=True,
    )
    fetch = typer.Typer(
        help="Fetch series into iData (or, with no source, the WIPO IPC concordance).",
        invoke_without_command=True,
    )

    @fetch.callback()
    def fetch_default(
        ctx: typer.Context,
        dest: Annotated[
            Path | None, typer.Option(help="Where to cache the concordance (default: user cache).")
        ] = None,
    ) -> None:
        """Without a source: download WIPO's IPC-technology concordance (as before)."""
        if ctx.invoked_subcommand is None:
            _fetch_concordance(dest)

    fetch.command("worldbank")(_indicators_cmd("worldbank"))
    fetch.command("oecd")(_sdmx_cmd("oecd"))
    fetch.command("eurostat")(_sdmx_cmd("eurostat"))
    fetch.command("uis")(_indicators_cmd("uis"))
    fetch.command("concordance")(concordance_cmd)
    data.add_typer(fetch, name="fetch")
    data.command("assemble")(assemble_cmd)
    data.command("wipo")(wipo_cmd)
    app.add_typer(data, name="data")


__all__ = ["register"]
