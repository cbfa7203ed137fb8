"""`innovindex show`: a result as a Rich table, from an output folder or the project store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError, SpecError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _from_store(db: Path, run: str) -> tuple[str, pd.DataFrame, bool]:
    from ..dbfile import connect_store
    from ..store import read_runs, read_scores

    with connect_store(db, read_only=True) as con:  # one-line refusals of non-stores
        sql = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'index_runs'"
        row = con.execute(sql).fetchone()
    runs = read_runs(db) if row and row[0] else None
    if runs is None or runs.empty:
        raise InputError("the store holds no index runs (build with --db first)", file=db)
    run_id = str(runs["run_id"].iloc[0]) if run == "latest" else run
    if run_id not in set(runs["run_id"]):
        raise SpecError(f"no run {run!r} in {db}; recent runs: {list(runs['run_id'][:5])}")
    flag = runs.loc[runs["run_id"] == run_id, "synthetic"].dropna()
    return run_id, read_scores(db, run_id), bool(len(flag)) and bool(flag.iloc[0])


def show_cmd(
    folder: Annotated[
        Path | None, typer.Argument(help="an output folder of `innovindex build`")
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="project store (with --run)")] = None,
    run: Annotated[str, typer.Option("--run", help="run id in the store, or latest")] = "latest",
    top: Annotated[int, typer.Option("--top", help="number of units shown")] = 10,
    unit: Annotated[
        str | None, typer.Option("--unit", help="one unit: scores and ranks at every level")
    ] = None,
    level: Annotated[int | None, typer.Option("--level", help="aggregates of this level")] = None,
    time: Annotated[int | None, typer.Option("--time", help="year (default: the latest)")] = None,
) -> None:
    """Show a result as a table: the top N units, or one unit at every level."""
    from rich.console import Console
    from rich.table import Table

    from ..viewing import is_synthetic_output, read_output, view

    if (folder is None) == (db is None):
        raise SpecError("give an output FOLDER or --db STORE (with --run ID|latest), not both")
    if folder is not None:
        from ._common import echo_warnings

        with echo_warnings():
            scores, source = read_output(folder), str(folder)
        synthetic = is_synthetic_output(folder)
    else:
        assert db is not None
        run_id, scores, synthetic = _from_store(db, run)
        source = f"{db} run {run_id}"
    v = view(scores, top=top, unit=unit, level=level, time=time)
    console = Console(width=None if Console().is_terminal else 200)
    if synthetic:  # the project rule: synthetic data is labelled wherever it is shown
        from ..demo.world import SYNTHETIC_LABEL

        console.print(SYNTHETIC_LABEL, style="bold", markup=False, highlight=False)
    table = Table(title=f"{v.title}\n[dim]{source}[/dim]")
    for col in v.table.columns:
        table.add_column(str(col), justify="left" if col in ("uCode", "uName", "code") else "right")
    cells = [[_cell(x) for x in v.table[c].astype(object)] for c in v.table.columns]
    for row in zip(*cells, strict=True):
        table.add_row(*row)
    console.print(table)


def _cell(x: object) -> str:
    if x is None or (isinstance(x, float) and x != x) or str(x) == "<NA>":
        return "-"  # missing (None, NaN or pandas.NA)
    return f"{x:.2f}" if isinstance(x, float) else str(x)


def register(app: typer.Typer) -> None:
    """Attach ``show`` to the main app."""
    app.command("show")(show_cmd)
