"""`innovindex export`, `innovindex report` and `innovindex serve`: show a recorded run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB project store")]
RunOpt = Annotated[str, typer.Option("--run", help="run id (or a unique prefix) or 'latest'")]
AuditOpt = Annotated[
    Path | None,
    typer.Option("--audit", help="an `innovindex audit` output folder: adds its rank intervals"),
]


def _existing(db: Path) -> Path:
    if not db.exists():
        raise InputError("no store here: run a build or an import with --db first", file=db)
    return db


def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="workbook to write (.xlsx)")],
    run: RunOpt = "latest",
    db: DbOpt = Path("innovindex.duckdb"),
    audit: AuditOpt = None,
) -> None:
    """Write a run as an Excel workbook: one sheet per table and a provenance cover sheet."""
    from ..report.workbook import write_workbook
    from ._progress import status

    if out.suffix.lower() != ".xlsx":
        raise InputError("the workbook must end in .xlsx", file=out)
    with status("Writing the workbook"):
        path = write_workbook(_existing(db), run, out, audit=audit)
    typer.echo(f"wrote {path}", err=True)


def report_cmd(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write")],
    run: RunOpt = "latest",
    db: DbOpt = Path("innovindex.duckdb"),
    audit: AuditOpt = None,
) -> None:
    """Write a run as one self-contained HTML report that works offline."""
    from ..report.html import write_report
    from ._progress import status

    with status("Writing the report"):
        path = write_report(_existing(db), run, out, audit=audit)
    typer.echo(f"wrote {path}", err=True)


def serve_cmd(
    db: DbOpt = Path("innovindex.duckdb"),
    host: Annotated[
        str, typer.Option("--host", help="address to bind (local only by default)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port", min=1, max=65535)] = 8000,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", help="largest upload accepted (MB)", min=0.001)
    ] = 50.0,
    audit: AuditOpt = None,
    audit_run: Annotated[
        str, typer.Option("--audit-run", help="the run the --audit folder belongs to")
    ] = "latest",
) -> None:
    """Serve the dashboard at / and the REST API at /api (schema at /openapi.json).

    Write endpoints need the bearer token in the environment variable INNOVINDEX_TOKEN.
    """
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError(
            "serving needs the dashboard extra: pip install 'innovindex[dashboard]'"
        ) from None

    if audit is not None:
        from ..report.audit import read_rank_stats

        read_rank_stats(audit)  # refuse a wrong folder now, not on the first page view
    audits = {audit_run: audit} if audit is not None else None
    app = create_app(db, max_upload=int(max_upload_mb * 1024 * 1024), audits=audits)
    typer.echo(
        f"innovindex dashboard on http://{host}:{port}/ (store {db}); Ctrl-C stops it", err=True
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Attach ``export``, ``report`` and ``serve`` to the main app."""
    app.command("export")(export_cmd)
    app.command("report")(report_cmd)
    app.command("serve")(serve_cmd)
