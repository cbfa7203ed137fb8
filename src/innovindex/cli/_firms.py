"""`innovindex firms ...` and `innovindex patents applicants`: a thin layer over innovindex.firms.

Bad input raises :class:`innovindex.errors.InnovindexError`; the main app turns it into one
stderr line and exit status 2. Every output is written atomically after all checks passed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SpecError
from ._common import echo_warnings

DEFAULT_DB = Path("innovindex.duckdb")


def _dataset(name: str | None) -> str | None:
    """``--dataset`` checked as ``patents table`` checks it (None: the store's only one)."""
    if name is None:
        return None
    from ..patents.datasets import check_dataset_name

    return check_dataset_name(name)


def _check(
    data: Annotated[Path, typer.Option("--data", help="Firm-year file (CSV, XLSX or Parquet).")],
    year: Annotated[
        int, typer.Option("--year", help="Application year (fiscal years before it are assessed).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Report file (.csv or .parquet).")],
    rules: Annotated[
        str, typer.Option("--rules", help="Built-in rule set (hnte2016) or a rule-set YAML.")
    ] = "hnte2016",
    apply_date: Annotated[
        str | None,
        typer.Option(
            "--apply-date", help="Application date YYYY-MM-DD (default 1 January of --year)."
        ),
    ] = None,
) -> None:
    """Check firms against recognition rules: each condition, value, threshold and the verdict."""
    from ..firms.data import read_firms
    from ..firms.rules import check, load_rules
    from ..io.writers import write_frame

    rs = load_rules(rules)
    when = None
    if apply_date:
        try:
            when = date.fromisoformat(apply_date)
        except ValueError:
            raise SpecError(f"--apply-date must be YYYY-MM-DD; got {apply_date!r}") from None
    report = check(read_firms(data), rs, year, apply_date=when)
    write_frame(report, out)
    verdicts = report[report["condition"] == "verdict"]["status"].value_counts()
    typer.echo(f"wrote {out}: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))


def _certificates(
    register: Annotated[
        Path, typer.Option("--register", help="Certificate register: firm_id, issued, expires.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Counts file (.csv or .parquet).")],
    validity: Annotated[
        int, typer.Option("--validity-years", help="Validity when 'expires' is empty.")
    ] = 3,
    quote: Annotated[
        list[str] | None,
        typer.Option("--quote", help="A quoted figure YEAR=VALUE to compare (repeatable)."),
    ] = None,
    quotes_out: Annotated[
        Path | None, typer.Option("--quotes-out", help="Where to write the quote comparison.")
    ] = None,
) -> None:
    """Stock of valid certificates at each year end, new ones, growth; compare quoted figures."""
    from ..firms.certificates import compare_quotes, counts, read_register
    from ..io.writers import write_frame

    quotes: dict[int, float] = {}
    for q in quote or []:
        try:
            y, v = q.split("=", 1)
            quotes[int(y)] = float(v.replace(",", "").replace("_", ""))
        except ValueError:
            raise SpecError(f"--quote must look like 2012=49000; got {q!r}") from None
    if quotes and quotes_out is None:
        raise SpecError("--quote needs --quotes-out FILE for the comparison")
    table = counts(read_register(register, validity_years=validity))
    comparison = compare_quotes(table, quotes) if quotes else None
    write_frame(table, out)
    typer.echo(f"wrote {out} ({len(table)} years)")
    if comparison is not None and quotes_out is not None:
        write_frame(comparison, quotes_out)
        for _, r in comparison.iterrows():
            flag = "matches" if r["matches"] else "DOES NOT MATCH"
            typer.echo(
                f"{r['measure']} {int(r['year'])}: quoted {r['quoted']:,.4g}, data {r['data']:,.4g} ({flag})"
            )


def _build(
    data: Annotated[Path, typer.Option("--data", help="Firm-year file (CSV, XLSX or Parquet).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Scores file (.csv or .parquet).")],
    year: Annotated[
        int | None, typer.Option("--year", help="One fiscal year (default: every year).")
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="Store: add patent counts by applicant_id.")
    ] = None,
    data_out: Annotated[
        Path | None, typer.Option("--data-out", help="Also write the firm-years with the counts.")
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", help="Patent data set (required when the store holds several)."),
    ] = None,
) -> None:
    """Build the Firm Innovation Index (framework firm_innovation) for every fiscal year."""
    import pandas as pd

    from ..firms.data import read_firms
    from ..firms.index import build_firms
    from ..io.writers import write_frame

    with echo_warnings():  # degenerate input: one line each
        firms = read_firms(data)
        if db is None and dataset is not None:
            raise SpecError("--dataset needs --db (the store holding the patent data set)")
        if db is not None:
            from ..firms.ipfill import fill_ip_counts, store_ip_counts

            firms = fill_ip_counts(firms, store_ip_counts(db, dataset=_dataset(dataset)))
        panel = build_firms(firms, years=None if year is None else [year])
    frames = []
    for t, idx in panel.items():
        s = idx.scores().reset_index()
        s.insert(1, "Time", t)
        frames.append(s)
    table = pd.concat(frames, ignore_index=True)
    write_frame(table, out)
    typer.echo(f"wrote {out} ({len(table)} firm-years)")
    if data_out is not None:
        write_frame(firms, data_out)
        typer.echo(f"wrote {data_out}")


def _synthetic(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for the SYNTHETIC firm world.")
    ],
    firms: Annotated[int, typer.Option("--firms", help="Number of firms.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2024,
) -> None:
    """Write a labelled SYNTHETIC firm world (firm-years, certificates, applicant names)."""
    from ..firms.world import write_world

    for p in write_world(out, n_firms=firms, seed=seed):
        typer.echo(f"wrote {p}")


def _applicants(
    out: Annotated[Path, typer.Option("--out", "-o", help="Mapping table (.csv or .parquet).")],
    db: Annotated[Path, typer.Option("--db", help="Project store (DuckDB file).")] = DEFAULT_DB,
    overrides: Annotated[
        Path | None,
        typer.Option(
            "--overrides",
            help="Corrections: raw_name, country, applicant_id / applicant_name / sector.",
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option(help="Similarity (0-100) to merge spelling variants.")
    ] = 92.0,
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", help="Patent data set (required when the store holds several)."),
    ] = None,
) -> None:
    """Harmonise applicant names and allocate sectors; write the reviewable mapping table."""
    from ..firms.store import harmonise_store
    from ..io.writers import write_frame

    table = harmonise_store(db, dataset=_dataset(dataset), overrides=overrides, threshold=threshold)
    write_frame(table, out)
    n = table["applicant_id"].nunique()
    typer.echo(
        f"wrote {out}: {len(table)} names -> {n} harmonised applicants "
        f"(stored as firm_applicants, data set {table['dataset'].iloc[0]!r})"
    )


def register(app: typer.Typer) -> None:
    """Attach the ``firms`` sub-app, and ``applicants`` to the ``patents`` group."""
    firms = typer.Typer(
        help="Enterprises: recognition rules, certificate counts, firm-level index.",
        no_args_is_help=True,
    )
    firms.command("check")(_check)
    firms.command("certificates")(_certificates)
    firms.command("build")(_build)
    firms.command("synthetic")(_synthetic)
    app.add_typer(firms, name="firms")
    for group in app.registered_groups:  # `patents` is registered by cli/_patents.py
        if group.name == "patents" and group.typer_instance is not None:
            group.typer_instance.command("applicants")(_applicants)
            break


__all__ = ["register"]
