"""`innovindex build` and `innovindex demo`."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import DataWarning, SpecError
from . import _common
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
    sep: _common.SepOpt = None,
    decimal: _common.DecimalOpt = None,
    encoding: _common.EncodingOpt = None,
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
    from ..diagnostics import check_panel, collect
    from ..io.writers import FORMATS, atomic_dir, write_tables
    from ..results import result_tables, run_info
    from ..sources.provenance import build_record

    if fmt not in FORMATS:
        raise SpecError(f"--format must be one of {list(FORMATS)}; got {fmt!r}")
    check_out(out, [data, meta, pipeline], fmt)
    fw, inputs = load_inputs(meta, framework, data=data, pipeline=pipeline)
    from ..dbfile import check_store_path
    from ..store import record_build

    check_store_path(db)
    with status("Building index"), collect() as notes:
        idata = _common.read_idata(data, fw, sep=sep, decimal=decimal, encoding=encoding)
        over_time = _panel_impute(panel_impute)
        panel = build_panel(
            idata, fw, pipeline, reference_year=reference_year, panel_impute=over_time
        )
        check_panel(panel)
        tables = result_tables(panel)
        _check_scores(tables, pipeline)
    extra = {
        "format": fmt,
        "reference_year": reference_year,
        "panel_impute": over_time,
        **build_record(data),
    }
    # data from a folder labelled synthetic (the demo's data/) stays labelled in what is built
    synthetic = (data.parent / "README_SYNTHETIC.txt").is_file()
    if synthetic:
        extra["synthetic"] = True
    info = run_info(panel, inputs=inputs, extra=extra, warnings=notes)
    with atomic_dir(out, keep=[i["path"] for i in inputs.values()]) as tmp:
        write_tables(tmp, tables, fmt, info)
        # A pipeline without aggregation has no scores to monitor: its outputs are written,
        # but there is no run to record.
        aggregated = all("aggregated" in idx.stages for idx in panel.values())
        run_id = (
            record_build(
                db,
                panel,
                dataset=dataset or data.stem,
                inputs=inputs,
                reference_year=reference_year,
                synthetic=synthetic,
            )
            if aggregated
            else None
        )
    for note in notes:
        typer.echo(f"warning: {note}", err=True)
    recorded = (
        f"run {run_id} recorded in {db}" if run_id else "no aggregate scores, no run recorded"
    )
    typer.echo(
        f"wrote {len(tables) + 1} outputs for {len(panel)} year(s) to {out}; {recorded}", err=True
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


def _check_scores(tables: dict[str, Any], pipeline: Path | None) -> None:
    """Refuse a build that computed nothing; say so (one line) when scores are missing."""
    where = str(pipeline) if pipeline is not None else "the pipeline"
    if not tables:
        raise SpecError(f"{where}: no step computes anything (every step is off); nothing to write")
    scores = tables.get("scores")
    if scores is None:
        warnings.warn(
            f"{where} has no aggregate step: no scores or ranks are written",
            DataWarning,
            stacklevel=2,
        )
        return
    values = scores.drop(columns=[c for c in ("uCode", "uName", "Time") if c in scores.columns])
    missing = values.isna().to_numpy()
    if missing.any():
        i, j = (int(v[0]) for v in missing.nonzero())
        warnings.warn(
            f"{int(missing.sum())} score(s) are missing (NaN) in scores, e.g. unit "
            f"{scores['uCode'].iloc[i]!r}, {values.columns[j]!r}",
            DataWarning,
            stacklevel=2,
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
