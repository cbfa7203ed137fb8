"""`innovindex audit`: coherence statistics, uncertainty or Sobol sensitivity, and charts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import SpecError
from . import _common
from ._common import DataOpt, FrameworkOpt, MetaOpt, OutOpt, PipelineOpt, load_inputs, status


def audit_cmd(
    data: DataOpt,
    uncertainty: Annotated[Path, typer.Option("--uncertainty", help="uncertainty spec (YAML)")],
    n: Annotated[int, typer.Option("--n", help="replications (UA) or base sample size N (Sobol)")],
    out: OutOpt,
    meta: MetaOpt = None,
    framework: FrameworkOpt = None,
    pipeline: PipelineOpt = None,
    sobol: Annotated[
        bool, typer.Option("--sobol", help="Sobol sensitivity: N*(d+2) replications")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx (one workbook)")] = "csv",
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="overrides the spec's seed")
    ] = None,
    time: Annotated[
        int | None, typer.Option("--time", help="the Time to audit when the data has several")
    ] = None,
    sep: _common.SepOpt = None,
    decimal: _common.DecimalOpt = None,
    encoding: _common.EncodingOpt = None,
    memory_limit: Annotated[
        str | None, typer.Option("--memory-limit", help="e.g. 8GiB (default: half the RAM)")
    ] = None,
    png: Annotated[
        bool,
        typer.Option("--png/--no-png", help="also export the charts as PNG (needs Chromium)"),
    ] = False,
) -> None:
    """Audit an index: statistics, correlations, Cronbach's alpha, PCA, effective weights, rank
    intervals (Monte Carlo) and, with --sobol, Sobol indices; charts as HTML (and PNG with
    --png)."""
    from ..audit.charts import write_chart, write_png
    from ..audit.report import run_audit
    from ..audit.spec import load_spec
    from ..building import build
    from ..diagnostics import check_index, collect
    from ..io.writers import atomic_dir, write_tables
    from ..results import run_info

    if fmt not in ("csv", "xlsx"):
        raise SpecError(f"--format must be 'csv' or 'xlsx'; got {fmt!r}")
    if n < 1:
        raise SpecError(f"--n must be >= 1; got {n}")
    from .._limits import check_audit
    from ._common import check_out

    check_out(out, [data, meta, pipeline, uncertainty], fmt)
    fw, inputs = load_inputs(meta, framework, data=data, pipeline=pipeline, uncertainty=uncertainty)
    spec = load_spec(uncertainty)
    with status("Building the nominal index"), collect() as warned:
        idata = _common.read_idata(data, fw, sep=sep, decimal=decimal, encoding=encoding)
        index = build(idata, fw, pipeline, time=time)
        check_index(index)
    check_audit(index, spec, n, sobol=sobol, limit=memory_limit)
    with collect() as audit_warned:
        report = run_audit(index, spec, n, sobol=sobol, seed=seed, progress=True)
    warned += [w for w in audit_warned if w not in warned]
    notes: list[str] = []
    figures = report.charts()
    charts = {
        name: {"html": f"{name}.html", "png": f"{name}.png" if png else None} for name in figures
    }
    with atomic_dir(out, keep=[i["path"] for i in inputs.values()]) as tmp:
        info = run_info(
            {index.time: index},
            inputs=inputs,
            extra={**report.info, "charts": charts, "format": fmt},
            warnings=warned,
        )
        write_tables(tmp, report.tables, fmt, info)
        for name, fig in figures.items():
            write_chart(fig, tmp, name)
        # PNG last (a browser start-up), once the tables and the HTML charts are in place
        for name, fig in figures.items() if png else ():
            path, note = write_png(fig, tmp / f"{name}.png")
            if path is None:
                charts[name]["png"] = None
                if note not in notes:
                    notes.append(str(note))
        if png and any(c["png"] is None for c in charts.values()):
            info["charts"] = charts  # record what was really written
            write_tables(tmp, {}, "csv", info)  # run.json only, in every format
    for line in warned:
        typer.echo(f"warning: {line}", err=True)
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    kind = "Sobol sensitivity" if sobol else "uncertainty"
    typer.echo(
        f"wrote the audit ({kind}, {report.info['audit']['replications']} replications) to {out}",
        err=True,
    )


def register(app: typer.Typer) -> None:
    """Attach the ``audit`` command to the main app."""
    app.command("audit")(audit_cmd)
