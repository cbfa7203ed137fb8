"""The patent part of ``innovindex demo``: a synthetic world, end to end."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import InputError
from .backends import session
from .concordance import Concordance, load_concordance
from .queries import release_cache, with_cache
from .store import import_files
from .synthetic import generate_patstat
from .tables import TABLES, build_table, write_table

__all__ = ["DEMO_DATASET", "run_demo"]

DEMO_DATASET = "synthetic-demo"

_README = """SYNTHETIC DATA - NOT REAL PATENT STATISTICS

These tables were computed by innovindex from {n:,} synthetic PATSTAT-shaped applications
(innovindex.patents.synthetic, seed {seed}). They show the shape of every patent indicator
table; the numbers mean nothing about any real country or office.
Year basis: filing year. Counting conventions: docs/patents.md.
"""


def run_demo(
    out_dir: Path, db: Path, *, n: int = 100_000, seed: int = 2024, concordance: Path | None = None
) -> dict[str, Path]:
    """Generate ``n`` synthetic applications, load them into the store ``db`` and write
    every indicator table to ``out_dir/patents/synthetic_<name>.csv``.

    The records go into the store's data set ``synthetic-demo`` (replaced; other data
    sets are kept), flagged synthetic, so every table says so. The concordance comes from ``concordance``,
    else from the usual places (:func:`.concordance.load_concordance`), else from the
    reference data folder named by ``$INNOVINDEX_REFERENCE_DATA`` (never from the checkout).

    Returns
    -------
    dict
        Table name -> written path (plus ``"README"``).
    """
    conc = _concordance(concordance)
    target = Path(out_dir) / "patents"
    with tempfile.TemporaryDirectory(prefix="innovindex-patents-") as tmp:
        files = generate_patstat(n, Path(tmp) / "synthetic", seed=seed)
        import_files(db, "patstat", list(files.values()), dataset=DEMO_DATASET, replace=True)
    written: dict[str, Path] = {}
    with session("duckdb", concordance=conc.table, db=db, dataset=DEMO_DATASET) as t0:
        t = with_cache(t0)
        try:
            tables = {name: build_table(name, t).to_pyarrow() for name in TABLES}
            tables["by_office_growth"] = build_table(
                "by_office", t, growth=True, shares=True
            ).to_pyarrow()
        finally:
            release_cache(t)
    for name, table in tables.items():
        written[name] = write_table(table, target / f"synthetic_{name}.csv")
    readme = target / "README_SYNTHETIC.txt"
    readme.write_text(_README.format(n=n, seed=seed), encoding="utf-8")
    written["README"] = readme
    return written


def _concordance(path: Path | None) -> Concordance:
    try:
        return load_concordance(path)
    except InputError:
        if path is not None:
            raise
    root = os.environ.get("INNOVINDEX_REFERENCE_DATA")
    if root:
        candidate = Path(root) / "wipo" / "ipc_technology_concordance.csv"
        if candidate.exists():
            return load_concordance(candidate)
    return load_concordance(None)  # raises the helpful "run innovindex data fetch" error
