"""`innovindex runs`, `results import`, `explain` and `profile`: monitoring over time.

A thin layer over :mod:`innovindex.monitor`: every command names a run of the store
(``--run ID`` or ``--run latest``), prints a Rich table on stderr-free stdout, and with
``--out FILE`` writes the tidy rows as CSV, Parquet or XLSX (by the file's suffix), atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ._common import echo_warnings

if TYPE_CHECKING:  # pragma: no cover - pandas loads only when a command runs
    import pandas as pd

DEFAULT_DB = Path("innovindex.duckdb")
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB project store")]
RunOpt = Annotated[str, typer.Option("--run", help="run id (a unique prefix works) or 'latest'")]
UnitOpt = Annotated[str, typer.Option("--unit", help="unit code (e.g. CHN) or name")]
OutFileOpt = Annotated[
    Path | None, typer.Option("--out", help="write the tidy rows: .csv, .parquet or .xlsx")
]

results_app = typer.Typer(
    help="Published results: import them as a run of the store.", no_args_is_help=True
)


def write_rows(frame: pd.DataFrame, out: Path, *, db: Path, run: str) -> None:
    """Write tidy rows to ``--out`` in the format its suffix names, atomically; rows of a
    synthetic (demo) run start with a ``synthetic`` column, as patent tables do."""
    from ..io.writers import write_frame
    from ..monitor.runs import is_synthetic

    if is_synthetic(db, run):
        frame = frame.copy()
        frame.insert(0, "synthetic", True)
    write_frame(frame, out, label="--out")


def _table(title: str, frame: pd.DataFrame, columns: list[str], digits: int = 2) -> Table:
    from ..report._text import cell_text

    table = Table(title=title)
    for c in columns:
        table.add_column(c, justify="left" if frame[c].dtype == object else "right")
    for row in frame[columns].itertuples(index=False):
        table.add_row(*(cell_text(v, digits) for v in row))
    return table


def synthetic_label(console: Console, db: Path, run: str) -> None:
    """Print the SYNTHETIC label as the first line when the run holds synthetic (demo) data."""
    from ..demo.world import SYNTHETIC_LABEL
    from ..monitor.runs import is_synthetic

    if is_synthetic(db, run):
        console.print(SYNTHETIC_LABEL, style="bold", markup=False, highlight=False)


def runs_cmd(db: DbOpt = DEFAULT_DB) -> None:
    """List the runs recorded in the store, newest first."""
    from ..monitor import list_runs

    runs = list_runs(db)
    runs["times"] = runs["times"].map(lambda t: f"{min(t)}-{max(t)}" if t and None not in t else "")
    runs["created"] = runs["created"].astype(str).str[:19]
    Console().print(
        _table(
            f"Runs in {db}",
            runs,
            [
                "run_id",
                "created",
                "kind",
                "dataset",
                "framework",
                "times",
                "n_units",
                "reference_year",
                "synthetic",
            ],
        )
    )


def import_cmd(
    file: Annotated[
        Path, typer.Argument(help="published results: CSV (; or ,), decimal commas allowed")
    ],
    framework: Annotated[str, typer.Option("--framework", help="built-in framework or iMeta file")],
    db: DbOpt = DEFAULT_DB,
    time: Annotated[
        int | None, typer.Option("--time", help="the edition year of every row")
    ] = None,
    time_column: Annotated[
        str | None, typer.Option("--time-column", help="column holding the year")
    ] = None,
    unit_column: Annotated[
        str | None, typer.Option("--unit-column", help="column holding the economy")
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=CODE for a column the framework cannot match"),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="a row breaking the aggregation identity is an error")
    ] = False,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="dataset name (default: the file name)")
    ] = None,
) -> None:
    """Store published scores (overall and pillars by edition) as a run."""
    from ..monitor import import_results

    mapping = {}
    for m in maps or []:
        col, sep, code = m.partition("=")
        if not sep or not col.strip() or not code.strip():
            raise InputError(f"--map takes COLUMN=CODE; got {m!r}")
        mapping[col.strip()] = code.strip()
    with echo_warnings():
        run_id = import_results(
            file, framework=framework, db=db, time=time, time_column=time_column,
            unit_column=unit_column, mapping=mapping, strict=strict, dataset=dataset,
        )  # fmt: skip
    typer.echo(f"imported {file} as run {run_id} in {db}")


def explain_cmd(
    unit: UnitOpt,
    from_: Annotated[int, typer.Option("--from", help="first year")],
    to: Annotated[int, typer.Option("--to", help="second year")],
    run: RunOpt = "latest",
    code: Annotated[
        str | None, typer.Option("--code", help="aggregate to explain (default: the index)")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    out: OutFileOpt = None,
    top: Annotated[int, typer.Option("--top", help="indicators shown")] = 10,
) -> None:
    """Explain a unit's score change between two years: own data, bounds, missing data."""
    from ..monitor import explain

    e = explain(db, unit, from_, to, run=run, code=code)
    if out is not None:
        write_rows(e.contributions, out, db=db, run=run)
    s = e.summary.iloc[0]
    console = Console()
    synthetic_label(console, db, run)
    console.print(
        f"[bold]{s['uName']} ({e.unit})[/bold], {e.code} {e.from_} -> {e.to}: "
        f"{s['score_from']:.2f} -> {s['score_to']:.2f}, change {s['change_abs']:+.2f} "
        f"({s['change_pct']:+.1f}%, CAGR {s['cagr_pct']:+.2f}%/yr, {s['fold']:.3f}-fold); "
        f"rank {s['rank_from']} -> {s['rank_to']}"
    )
    console.print(
        f"own data {s['own_data']:+.3f}  bounds (sample) {s['bounds']:+.3f}  "
        f"missing data {s['missing']:+.3f}  (sum - change = {s['residual']:.1e})"
    )
    top_level = int(e.contributions["level"].max())
    pillar_level = max(1, top_level - 2)
    for level, title, n in (
        (pillar_level, f"by element at level {pillar_level}", None),
        (1, "largest indicator contributions", top),
    ):
        tab = e.by_level(level)
        if n is not None:
            tab = tab.head(n)
        console.print(
            _table(
                f"{e.code} change {title}",
                tab,
                ["code", "name", "own_data", "bounds", "missing", "total"],
                3,
            )
        )
    if len(e.rank_moves):
        console.print(
            _table(
                "Rank moves",
                e.rank_moves,
                ["uCode", "uName", "move", "score_from", "score_to", "gap_from", "gap_to"],
            )
        )
    if out is not None:
        typer.echo(f"wrote {len(e.contributions)} rows to {out}", err=True)


def profile_cmd(
    unit: UnitOpt,
    run: RunOpt = "latest",
    time: Annotated[
        int | None, typer.Option("--time", help="one year (default: every year)")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    out: OutFileOpt = None,
    level: Annotated[int | None, typer.Option("--level", help="show only this level")] = None,
    n_peers: Annotated[int, typer.Option("--peers", help="also show the N nearest units")] = 0,
) -> None:
    """An economy profile: scores, ranks, coverage, strengths and weaknesses, group comparison.

    Ranks in [brackets] did not meet the data-minimum coverage (the GII's convention)."""
    import pandas as pd

    from ..monitor import peers, profile

    prof = profile(db, unit, run=run, time=time)
    if out is not None:
        write_rows(prof, out, db=db, run=run)
    shown = prof if level is None else prof[prof["level"] == level]
    if time is None and level is None:  # many years: the aggregates only on the terminal
        shown = prof[prof["level"] > 1]
    shown = shown.assign(
        rank=[
            f"[{r}]" if d is True else ("" if pd.isna(r) else str(r))
            for r, d in zip(shown["rank"], shown["dmc_flag"], strict=True)
        ]
    )
    cols = [
        "time",
        "level",
        "code",
        "name",
        "score",
        "rank",
        "n_units",
        "flag",
        "coverage",
        "group_flag",
    ]
    console = Console()
    synthetic_label(console, db, run)
    console.print(_table(f"Profile of {prof['uCode'].iloc[0]}", shown, cols, 1))
    if n_peers > 0:
        year = int(prof["time"].max())
        for by, what in (
            ("score", "by index score"),
            ("profile", "by profile shape (centred pillar scores, Euclidean)"),
        ):
            near = peers(db, unit, run=run, time=year, n=n_peers, by=by)
            console.print(
                _table(
                    f"Nearest units in {year}, {what}",
                    near,
                    ["uCode", "uName", "distance", "score", "rank"],
                )
            )
    if out is not None:
        typer.echo(f"wrote {len(prof)} rows to {out}", err=True)


def register(app: typer.Typer) -> None:
    """Attach ``runs``, ``results import``, ``explain`` and ``profile`` to the main app."""
    app.command("runs")(runs_cmd)
    results_app.command("import")(import_cmd)
    app.add_typer(results_app, name="results")
    app.command("explain")(explain_cmd)
    app.command("profile")(profile_cmd)
