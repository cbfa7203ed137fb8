"""`innovindex build` and `innovindex demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import SpecError
from . import _common
from ._common import DataOpt, FrameworkOpt, MetaOpt, OutOpt, PipelineOpt, load_inputs, status

FormatOpt = Annotated[str, typer.Option("--format", help="csv, parquet or xlsx (one workbook)")]


def build_cmd(
    data: DataOpt,
    out: OutOpt,
    meta: MetaOpt = None,
    framework: FrameworkOpt = None,
    pipeline: PipelineOpt = None,
    fmt: FormatOpt = "csv",
    sep: _common.SepOpt = None,
    decimal: _common.DecimalOpt = None,
    encoding: _common.EncodingOpt = None,
) -> None:
    """Build a composite index and write scores, ranks, stages, treatment and run.json."""
    from ..building import build_panel
    from ..diagnostics import check_panel, collect
    from ..io.writers import FORMATS, atomic_dir, write_tables
    from ..results import result_tables, run_info
    from ..sources.provenance import build_record

    if fmt not in FORMATS:
        raise SpecError(f"--format must be one of {list(FORMATS)}; got {fmt!r}")
    fw, inputs = load_inputs(meta, framework, data=data, pipeline=pipeline)
    with status("Building index"), collect() as notes:
        idata = _common.read_idata(data, fw, sep=sep, decimal=decimal, encoding=encoding)
        panel = build_panel(idata, fw, pipeline)
        check_panel(panel)
        tables = result_tables(panel)
    info = run_info(
        panel, inputs=inputs, extra={"format": fmt, **build_record(data)}, warnings=notes
    )
    with atomic_dir(out, keep=[i["path"] for i in inputs.values()]) as tmp:
        write_tables(tmp, tables, fmt, info)
    for note in notes:
        typer.echo(f"warning: {note}", err=True)
    typer.echo(f"wrote {len(tables) + 1} outputs for {len(panel)} year(s) to {out}", err=True)


def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="output directory")] = Path("innovindex-demo"),
    db: Annotated[Path, typer.Option("--db", help="DuckDB project store")] = Path(
        "innovindex.duckdb"
    ),
    seed: Annotated[int, typer.Option("--seed", help="seed of the synthetic world")] = 2024,
    n_patents: Annotated[
        int, typer.Option("--n-patents", help="synthetic patent applications")
    ] = 100_000,
) -> None:
    """Generate the SYNTHETIC demo world, build the GII-style index for every year, and store it."""
    from ..demo.run import run_demo

    summary = run_demo(out, db, seed=seed, n_patents=n_patents)
    typer.echo(summary)


def register(app: typer.Typer) -> None:
    """Attach ``build`` and ``demo`` to the main app."""
    app.command("build")(build_cmd)
    app.command("demo")(demo_cmd)
