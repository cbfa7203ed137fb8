"""Benchmark: harmonisation and sector allocation of the applicants of N SYNTHETIC
applications (default 10 million, at least 2 million distinct names).

    PYTHONPATH=src python benchmarks/applicants_speed.py --n 10000000 [--engine duckdb|spark]

Steps: (1) a child process generates the SYNTHETIC parties (innovindex.firms.synthetic) as
Parquet; (2) this process opens a store, aggregates the distinct (name, country) with the
inventor rule on the engine (:func:`innovindex.firms.applicants.applicant_names`),
harmonises and allocates sectors (:func:`~innovindex.firms.applicants.harmonise`) and
writes the mapping into the store (``firm_applicants``). Printed: time of each step, the
total, peak resident memory of the measuring process (generation excluded), and the
agreement with the SYNTHETIC labels (sector accuracy, pair precision/recall of the
clusters). Target: under 5 minutes and 4 GiB on DuckDB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq


def _generate(n: int, out: Path, seed: int) -> None:
    from innovindex.firms.synthetic import synthetic_entities, synthetic_parties

    scale = n / 10_000_000
    ent = synthetic_entities(
        int(700_000 * scale) + 10, int(420_000 * scale) + 10, int(20_000 * scale) + 5, seed=seed
    )
    parties, truth = synthetic_parties(ent, n, seed=seed + 1)
    pq.write_table(parties, out / "parties.parquet", row_group_size=1_000_000)
    pq.write_table(truth, out / "truth.parquet")


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _pairs(mapping: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float]:
    """Pair precision and recall of the clusters against the true entities."""
    m = mapping.merge(truth, left_on=["raw_name", "country"], right_on=["name", "country"])

    def pairs(col: str) -> float:
        c = m.groupby(col).size().to_numpy(dtype=float)
        return float((c * (c - 1) / 2).sum())

    both = m.groupby(["applicant_id", "entity_id"]).size().to_numpy(dtype=float)
    tp = float((both * (both - 1) / 2).sum())
    return tp / max(pairs("applicant_id"), 1.0), tp / max(pairs("entity_id"), 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    ap.add_argument(
        "--dir", type=Path, default=None, help="work directory (default: a temporary one)"
    )
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="innovindex-applicants-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.generate_only:
        _generate(args.n, work, args.seed)
        return
    import ibis

    from innovindex.dbfile import connect_store
    from innovindex.firms.applicants import applicant_names, harmonise
    from innovindex.firms.store import write_mapping

    t0 = time.perf_counter()
    reuse = (
        args.dir is not None
        and (work / "parties.parquet").exists()
        and (work / "truth.parquet").exists()
    )
    if reuse:
        print(f"reusing the SYNTHETIC parties in {work}")
    else:
        subprocess.run(  # noqa: S603 - this very script
            [
                sys.executable,
                __file__,
                "--n",
                str(args.n),
                "--seed",
                str(args.seed),
                "--dir",
                str(work),
                "--generate-only",
            ],
            check=True,
        )
    gen = time.perf_counter() - t0
    rows = pq.ParquetFile(work / "parties.parquet").metadata.num_rows
    print(
        f"SYNTHETIC parties of {args.n:,} applications: {rows:,} rows, generated in {gen:.1f} s (not timed)"
    )

    if args.engine == "duckdb":  # the store as an import leaves it (not timed)
        db = work / "bench.duckdb"
        db.unlink(missing_ok=True)
        con = connect_store(db)
        con.execute("SET memory_limit = '1GB'")
        con.execute(
            f"CREATE TABLE patent_parties AS SELECT * FROM read_parquet('{work / 'parties.parquet'}')"
        )
        print(f"loaded into the store in {time.perf_counter() - t0 - gen:.1f} s (not timed)")
    t1 = time.perf_counter()
    if args.engine == "duckdb":
        names = applicant_names(
            ibis.duckdb.from_connection(con).table("patent_parties")
        ).to_pandas()
        con.close()
    else:
        from innovindex.patents.backends import connect

        backend = connect("spark")
        names = applicant_names(backend.read_parquet(str(work / "parties.parquet"))).to_pandas()
        db = work / "bench.duckdb"
        db.unlink(missing_ok=True)
    t2 = time.perf_counter()
    names["country"] = names["country"].astype(object).where(names["country"].notna(), None)
    mapping = harmonise(names)
    t3 = time.perf_counter()
    write_mapping(db, mapping.assign(dataset="synthetic-bench"))  # one data set's mapping
    t4 = time.perf_counter()
    total = t4 - t1
    print(
        f"engine {args.engine}: {len(names):,} distinct applicant names -> "
        f"{mapping['applicant_id'].nunique():,} harmonised applicants"
    )
    print(f"  aggregate names + inventor rule: {t2 - t1:6.1f} s")
    print(f"  normalise, sectors, clustering:  {t3 - t2:6.1f} s")
    print(f"  write firm_applicants:           {t4 - t3:6.1f} s")
    print(
        f"  total {total:.1f} s ({total / 60:.2f} min), peak memory {_peak_gib():.2f} GiB "
        f"(target < 5 min, < 4 GiB)"
    )
    truth = pq.read_table(work / "truth.parquet").to_pandas()
    lab = mapping.merge(
        truth, left_on=["raw_name", "country"], right_on=["name", "country"], suffixes=("", "_true")
    )
    acc = float(np.mean(lab["sector"] == lab["sector_true"]))
    precision, recall = _pairs(mapping, truth)
    print(
        f"  against the SYNTHETIC labels: sector accuracy {acc:.4f}, pair precision {precision:.4f}, "
        f"recall {recall:.4f}"
    )


if __name__ == "__main__":
    main()
