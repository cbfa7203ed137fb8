"""`innovindex build` and `innovindex demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import SpecError
from ._common import DataOpt, FrameworkOpt, MetaOpt, OutOpt, PipelineOpt, load_inputs, status

FormatOpt = Annotated[str, typer.Option("--format", help="csv, parquet or xlsx (one workbook)")]


def build_cmd(
    data: DataOpt,
    out: OutOpt,
    meta: MetaOpt = None,
    framework: FrameworkOpt = None,
    pipeline: PipelineOpt = None,
    fmt: FormatOpt = "csv",
    db: Annotated[
        Path, typer.Option("--db", help="DuckDB project store the run is recorded in")
    ] = Path("innovindex.duckdb"),
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="dataset name (default: the data file name)")
    ] = None,
    reference_year: Annotated[
        int | None,
        typer.Option(
            "--reference-year",
            help="fit treatment and normalisation bounds on this year, apply to all",
        ),
    ] = None,
    panel_impute: Annotated[
        str | None,
        typer.Option(
            "--panel-impute",
            help="impute each unit over years first: carry_forward, linear or constant, "
            "optionally with a maximum gap in years, e.g. carry_forward:2",
        ),
    ] = None,
) -> None:
    """Build a composite index, write scores, ranks, stages, treatment and run.json, and record
    the run in the store (--db)."""
    from ..building import build_panel
    from ..io.writers import FORMATS, atomic_dir, write_tables
    from ..results import result_tables, run_info

    if fmt not in FORMATS:
        raise SpecError(f"--format must be one of {list(FORMATS)}; got {fmt!r}")
    fw, inputs = load_inputs(meta, framework, data=data, pipeline=pipeline)
    from ..dbfile import check_store_path
    from ..store import record_build

    check_store_path(db)
    with status("Building index"):
        over_time = _panel_impute(panel_impute)
        panel = build_panel(
            data, fw, pipeline, reference_year=reference_year, panel_impute=over_time
        )
        tables = result_tables(panel)
    extra = {"format": fmt, "reference_year": reference_year, "panel_impute": over_time}
    info = run_info(panel, inputs=inputs, extra=extra)
    with atomic_dir(out, keep=[i["path"] for i in inputs.values()]) as tmp:
        write_tables(tmp, tables, fmt, info)
        run_id = record_build(
            db, panel, dataset=dataset or data.stem, inputs=inputs, reference_year=reference_year
        )
    typer.echo(
        f"wrote {len(tables) + 1} outputs for {len(panel)} year(s) to {out}; run {run_id} recorded in {db}",
        err=True,
    )


def _panel_impute(text: str | None) -> dict[str, object] | None:
    """``METHOD[:MAX_GAP]`` -> the ``panel_impute`` argument of build_panel."""
    if not text:
        return None
    method, _, gap = text.partition(":")
    if gap and not gap.strip().isdigit():
        raise SpecError(
            f"--panel-impute takes METHOD[:MAX_GAP] with a whole number of years; got {text!r}"
        )
    return {"method": method.strip(), "max_gap": int(gap) if gap else None}


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
