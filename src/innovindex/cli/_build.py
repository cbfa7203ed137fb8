"""`innovindex build` and `innovindex demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import SpecError
from ._common import (
    DataOpt,
    FrameworkOpt,
    MetaOpt,
    OutOpt,
    PipelineOpt,
    check_out,
    load_inputs,
    status,
)

FormatOpt = Annotated[str, typer.Option("--format", help="csv, parquet or xlsx (one workbook)")]


def build_cmd(
    data: DataOpt,
    out: OutOpt,
    meta: MetaOpt = None,
    framework: FrameworkOpt = None,
    pipeline: PipelineOpt = None,
    fmt: FormatOpt = "csv",
) -> None:
    """Build a composite index and write scores, ranks, stages, treatment and run.json."""
    from ..building import build_panel
    from ..io.writers import FORMATS, atomic_dir, write_tables
    from ..results import result_tables, run_info

    if fmt not in FORMATS:
        raise SpecError(f"--format must be one of {list(FORMATS)}; got {fmt!r}")
    check_out(out, [data, meta, pipeline], fmt)
    fw, inputs = load_inputs(meta, framework, data=data, pipeline=pipeline)
    with status("Building index"):
        panel = build_panel(data, fw, pipeline)
        tables = result_tables(panel)
    _check_scores(tables, pipeline)
    info = run_info(panel, inputs=inputs, extra={"format": fmt})
    with atomic_dir(out, keep=[i["path"] for i in inputs.values()]) as tmp:
        write_tables(tmp, tables, fmt, info)
    typer.echo(f"wrote {len(tables) + 1} outputs for {len(panel)} year(s) to {out}", err=True)


def _check_scores(tables: dict[str, Any], pipeline: Path | None) -> None:
    """Refuse a build that computed nothing; say so (one line) when scores are missing."""
    where = str(pipeline) if pipeline is not None else "the pipeline"
    if not tables:
        raise SpecError(f"{where}: no step computes anything (every step is off); nothing to write")
    scores = tables.get("scores")
    if scores is None:
        typer.echo(
            f"warning: {where} has no aggregate step: no scores or ranks are written", err=True
        )
        return
    values = scores.drop(columns=[c for c in ("uCode", "Time") if c in scores.columns])
    missing = values.isna().to_numpy()
    if missing.any():
        i, j = (int(v[0]) for v in missing.nonzero())
        typer.echo(
            f"warning: {int(missing.sum())} score(s) are missing (NaN) in scores, e.g. unit "
            f"{scores['uCode'].iloc[i]!r}, {values.columns[j]!r}",
            err=True,
        )


def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="output directory")] = Path("innovindex-demo"),
    db: Annotated[Path, typer.Option("--db", help="DuckDB project store")] = Path(
        "innovindex.duckdb"
    ),
    seed: Annotated[int, typer.Option("--seed", min=0, help="seed of the synthetic world")] = 2024,
    n_patents: Annotated[
        int, typer.Option("--n-patents", min=0, help="synthetic patent applications")
    ] = 100_000,
) -> None:
    """Generate the SYNTHETIC demo world, build the GII-style index for every year, and store it."""
    from ..dbfile import verify_store
    from ..demo.run import run_demo

    verify_store(db)
    check_out(out, [db])
    summary = run_demo(out, db, seed=seed, n_patents=n_patents)
    typer.echo(summary)


def register(app: typer.Typer) -> None:
    """Attach ``build`` and ``demo`` to the main app."""
    app.command("build")(build_cmd)
    app.command("demo")(demo_cmd)
