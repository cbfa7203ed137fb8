"""`innovindex demo`: the whole system on SYNTHETIC data from one command.

Generates the demo world, builds the gii2019-style index for every year, writes the results
to ``out`` (atomically), records the build in the DuckDB store, and, when the patents module
is available, generates synthetic patent records and writes their indicator tables too.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from ..building import build_panel
from ..errors import InputError
from ..framework import Framework
from ..io.writers import atomic_dir, write_tables
from ..results import result_tables, run_info
from ..store import record_build
from .world import SYNTHETIC_LABEL, demo_world

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["run_demo"]

_README = f"""{SYNTHETIC_LABEL}

This folder was written by `innovindex demo`. Every number in it comes from a synthetic
"demo world" generated from a seed; economies are called Synthland 001, 002, ...

  data/demo_idata.csv   the synthetic indicator data (iData layout), years 2013-2024
  index/                scores, ranks, treated and normalised indicators, treatment, run.json
  patents/              synthetic patent indicator tables (when the patents module is present)

Each of these folders also holds a README_SYNTHETIC.txt, so a copy of it stays labelled.

The same build is recorded in the DuckDB store given by --db (table index_runs, synthetic = true).
"""

#: Written next to the CSVs of data/ and index/ (as patents/ has its own), so a table copied
#: out with its folder still says what it is; the CSV columns stay those of a real build.
_FOLDER_README = (
    SYNTHETIC_LABEL
    + """

The tables in this folder were written by `innovindex demo` from a synthetic "demo world"
(seed {seed}); economies are called Synthland 001, 002, ... The numbers mean nothing about
any real economy. Runs recorded from them are flagged synthetic = true in the store.
"""
)


def run_demo(out: Path, db: Path, *, seed: int = 2024, n_patents: int = 100_000) -> str:
    """Run the demo and return a one-paragraph summary (the caller prints it)."""
    console = Console(stderr=True)
    fw = Framework.builtin("gii2019")
    with console.status("Generating the synthetic demo world"):
        world = demo_world(seed=seed, framework=fw)
    panel = build_panel(world, fw, progress=True)
    tables = result_tables(panel)
    info = run_info(
        panel, inputs={"data": SYNTHETIC_LABEL}, extra={"seed": seed, "synthetic": True}
    )
    patent_note = "patents: module not installed"
    with atomic_dir(out) as tmp:
        (tmp / "README.txt").write_text(_README, encoding="utf-8")
        (tmp / "data").mkdir()
        world.to_csv(tmp / "data" / "demo_idata.csv", index=False)
        (tmp / "index").mkdir()
        write_tables(tmp / "index", tables, "csv", info)
        for sub in ("data", "index"):
            (tmp / sub / "README_SYNTHETIC.txt").write_text(
                _FOLDER_README.format(seed=seed), encoding="utf-8"
            )
        if importlib.util.find_spec("ibis") is not None:  # the patents extra
            from ..patents.demo import run_demo as patents_demo

            try:
                written = patents_demo(tmp, db, n=n_patents, seed=seed)
            except InputError as exc:  # e.g. WIPO's concordance not fetched on an offline machine
                patent_note = f"patents: skipped ({exc})"
            else:
                patent_note = (
                    f"patents: {n_patents:,} synthetic applications, "
                    f"{len(written) - 1} indicator tables -> {out / 'patents'}"
                )
    run_id = record_build(
        db, panel, label="demo", synthetic=True, seed=seed, dataset="demo-world (SYNTHETIC)"
    )
    latest = max(t for t in panel if t is not None)
    _show_top(console, panel[latest].scores(), panel[latest].units, latest)
    _show_monitor(console, db, run_id, panel)
    return (
        f"{SYNTHETIC_LABEL}\n"
        f"index: {len(world['uCode'].unique())} economies x {len(fw.indicators)} indicators x "
        f"{len(panel)} years -> {out / 'index'}\n{patent_note}\n"
        f"store: run {run_id} recorded in {db}"
    )


def _show_monitor(console: Console, db: Path, run_id: str, panel: dict[Any, Any]) -> None:
    """One explained change and one profile from the stored run (SYNTHETIC economies)."""
    from ..monitor import explain, profile

    years = sorted(t for t in panel if t is not None)
    first, last = years[0], years[-1]
    scores = panel[last].scores()["GII"]
    unit = str(scores.sort_values(ascending=False).index[len(scores) // 4])
    e = explain(db, unit, first, last, run=run_id)
    s = e.summary.iloc[0]
    console.print(
        f"[bold]SYNTHETIC[/bold] {s['uName']}: GII {first} -> {last} {s['score_from']:.1f} -> "
        f"{s['score_to']:.1f} ({s['change_abs']:+.2f}; rank {s['rank_from']} -> {s['rank_to']}): "
        f"own data {s['own_data']:+.2f}, bounds (sample) {s['bounds']:+.2f}, missing data {s['missing']:+.2f}"
    )
    pillars = e.by_level(3).head(3)
    for row in pillars.itertuples(index=False):
        console.print(f"  pillar {row.code} {row.name}: {row.total:+.2f}")
    prof = profile(db, unit, run=run_id, time=last)
    table = Table(title=f"SYNTHETIC profile of {s['uName']} ({last}; not real data)")
    for col in ("Code", "Element", "Score", "Rank", "Flag"):
        table.add_column(col, justify="right" if col in ("Score", "Rank") else "left")
    for row in prof[prof["level"] >= 3].itertuples(index=False):
        table.add_row(
            str(row.code), str(row.name), f"{row.score:.1f}", str(row.rank), str(row.flag)
        )
    console.print(table)
    strengths = prof[(prof["level"] == 1) & (prof["flag"] == "Strength")]["code"].tolist()
    weaknesses = prof[(prof["level"] == 1) & (prof["flag"] == "Weakness")]["code"].tolist()
    console.print(f"  indicator strengths: {strengths}\n  indicator weaknesses: {weaknesses}")


def _show_top(
    console: Console, scores: pd.DataFrame, units: pd.DataFrame, year: int, n: int = 10
) -> None:
    table = Table(title=f"SYNTHETIC demo world: top {n} of {year} (not real data)")
    for col in ("Rank", "Economy", "GII", "IN", "OUT", "EFF"):
        table.add_column(col, justify="right" if col != "Economy" else "left")
    top = scores.sort_values("GII", ascending=False).head(n)
    for rank, (code, row) in enumerate(top.iterrows(), start=1):
        table.add_row(
            str(rank),
            str(units.at[code, "uName"]),
            f"{row['GII']:.1f}",
            f"{row['IN']:.1f}",
            f"{row['OUT']:.1f}",
            f"{row['EFF']:.2f}",
        )
    console.print(table)
