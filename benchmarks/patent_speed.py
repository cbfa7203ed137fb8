"""Patent indicators at scale: DuckDB vs pandas vs Spark local on synthetic PATSTAT data.

Usage::

    python benchmarks/patent_speed.py                 # 10 million applications
    python benchmarks/patent_speed.py --n 1000000 --skip-spark
    # only the DuckDB indicator set, on data an earlier run left in --work:
    python benchmarks/patent_speed.py --work DIR --reuse --skip-pandas --skip-spark

Steps (each engine runs in its own process so peak memory is its own):

1. generate N synthetic applications (PATSTAT-shaped Parquet: ~3 IPC rows, ~4 party rows each);
2. import them into a DuckDB store (time and peak RSS, in its own process) and export the
   canonical tables to Parquet;
3. DuckDB: the full indicator set (all 8 tables) from the store; wall time and peak RSS;
4. pandas: the core count tables (by_office, by_origin, resident, inventor_fractional,
   by_field) from the Parquet files, compared with DuckDB timed on the same 5 tables;
5. Spark local[2]: the full indicator set from the Parquet files (startup timed apart).

Targets (issue 7) on a 2-core machine: the full DuckDB set at 10M applications < 30 s; >= 15x
faster than pandas on the core tables. The last lines print them as ACCEPTANCE lines, with
the machine's load (figures on a shared, loaded machine are slower than the hardware allows).
Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

CORE = ["by_office", "by_origin", "resident", "inventor_fractional", "by_field"]


def _peak_gib() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss would carry the parent's peak
    across fork+exec on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _cpu() -> float:
    """CPU seconds of this process, all threads (less sensitive to a loaded machine than wall time)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _conc(path: str | None):  # type: ignore[no-untyped-def]
    from innovindex.patents.demo import _concordance

    return _concordance(Path(path) if path else None)


# ----------------------------------------------------------------------------- workers
def run_duckdb(store: str, conc_path: str | None, tables: list[str], memory_limit: str) -> dict:
    import ibis

    from innovindex.patents.backends import open_tables
    from innovindex.patents.facts import TABLE_FACTS
    from innovindex.patents.queries import with_cache
    from innovindex.patents.tables import build_table

    conc = _conc(conc_path)
    con = ibis.duckdb.connect(store, read_only=True, memory_limit=memory_limit, threads=2)
    con.con.execute("SET preserve_insertion_order = false")
    rows, steps = {}, {}
    needed = tuple(dict.fromkeys(f for name in tables for f in TABLE_FACTS[name]))
    t0, c0 = time.perf_counter(), _cpu()
    t = with_cache(open_tables(con, conc.table), needed)  # the facts these tables read, timed
    steps["with_cache"] = round(time.perf_counter() - t0, 2)
    for name in tables:
        t1 = time.perf_counter()
        rows[name] = build_table(name, t).to_pyarrow().num_rows
        steps[name] = round(time.perf_counter() - t1, 2)
    return {
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": round(_cpu() - c0, 1),
        "peak_gib": _peak_gib(),
        "rows": rows,
        "step_seconds": steps,
    }


def run_spark(pq_dir: str, conc_path: str | None, tables: list[str]) -> dict:
    from innovindex.patents.backends import connect, local_spark_session, open_tables
    from innovindex.patents.queries import with_cache
    from innovindex.patents.tables import build_table

    conc = _conc(conc_path)
    t0 = time.perf_counter()
    session = local_spark_session("innovindex-bench", partitions=8)
    t = open_tables(connect("spark", spark=session), conc.table, parquet_dir=pq_dir)
    startup = time.perf_counter() - t0
    rows = {}
    t0 = time.perf_counter()
    t = with_cache(t)
    for name in tables:
        rows[name] = build_table(name, t).to_pyarrow().num_rows
    return {"seconds": time.perf_counter() - t0, "startup_seconds": startup, "rows": rows}


def run_pandas(pq_dir: str, conc_path: str | None) -> dict:
    import numpy as np
    import pandas as pd

    conc = _conc(conc_path).table.to_pandas()
    t0, c0 = time.perf_counter(), _cpu()
    d = Path(pq_dir)
    apps = pd.read_parquet(
        d / "applications.parquet", columns=["appln_id", "office", "filing_year"]
    )
    cls = pd.read_parquet(d / "classifications.parquet", columns=["appln_id", "ipc"])
    parties = pd.read_parquet(
        d / "parties.parquet", columns=["appln_id", "role", "sequence", "country"]
    )
    y = "filing_year"
    out = {}
    out["by_office"] = apps.groupby(["office", y], dropna=False).size()
    first = parties.sort_values(["appln_id", "role", "sequence"]).drop_duplicates(
        ["appln_id", "role"]
    )
    fa = first[first.role == "applicant"].set_index("appln_id")["country"]
    fi = first[first.role == "inventor"].set_index("appln_id")["country"]
    origin = apps["appln_id"].map(fa).fillna(apps["appln_id"].map(fi)).fillna("unknown")
    o = apps.assign(origin=origin.to_numpy())
    out["by_origin"] = o.groupby(["origin", y], dropna=False).size()
    res = o.assign(res=(o.origin == o.office), unk=(o.origin == "unknown"))
    at = res.groupby(["office", y], dropna=False).agg(
        apps=("res", "size"), res=("res", "sum"), unk=("unk", "sum")
    )
    ab = (
        o[(o.origin != "unknown") & (o.origin != o.office)]
        .groupby(["origin", y], dropna=False)
        .size()
    )
    out["resident"] = at.join(ab.rename("abroad").rename_axis(["office", y]), how="outer")
    inv = parties[parties.role == "inventor"]
    n = inv.groupby("appln_id")["appln_id"].transform("size")
    w = pd.DataFrame(
        {"appln_id": inv.appln_id, "country": inv.country.fillna("unknown"), "w": 1.0 / n}
    )
    none = apps.loc[~apps.appln_id.isin(inv.appln_id), ["appln_id"]].assign(
        country="unknown", w=1.0
    )
    j = pd.concat([w, none]).merge(apps[["appln_id", y]], on="appln_id")
    out["inventor_fractional"] = j.groupby(["country", y], dropna=False).agg(
        applications=("appln_id", "nunique"), applications_fractional=("w", "sum")
    )
    c = cls.drop_duplicates()
    keys = {lvl: conc[conc.level == lvl].set_index("key")["field"] for lvl in (9, 4, 3)}
    field = c.ipc.str[:9].map(keys[9])
    field = field.fillna(c.ipc.str[:4].map(keys[4])).fillna(c.ipc.str[:3].map(keys[3]))
    m = c.assign(field=field).dropna(subset=["field"])
    af = m.groupby(["appln_id", "field"]).size().rename("k").reset_index()
    af["w"] = af.k / af.groupby("appln_id").k.transform("sum")
    fj = af.merge(apps[["appln_id", y]], on="appln_id")
    out["by_field"] = fj.groupby(["field", y], dropna=False).agg(
        applications=("appln_id", "nunique"), applications_fractional=("w", "sum")
    )
    rows = {k: len(v) for k, v in out.items()}
    _ = np  # numpy imported for pandas' sake
    return {
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": round(_cpu() - c0, 1),
        "peak_gib": _peak_gib(),
        "rows": rows,
    }


def run_import_store(raw: str, store: str) -> dict:
    from innovindex.patents.importers import run_import
    from innovindex.patents.store import write_import

    t0 = time.perf_counter()
    result = run_import("patstat", sorted(str(p) for p in Path(raw).glob("tls*.parquet")))
    counts = write_import(store, result, replace=True)
    return {"seconds": time.perf_counter() - t0, "peak_gib": _peak_gib(), "counts": counts}


# ----------------------------------------------------------------------------- driver
def _child(args: list[str]) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--work", default="/tmp/innovindex-patent-bench")
    ap.add_argument("--concordance", default=None)
    ap.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit (it spills beyond)")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="reuse data already in --work")
    ap.add_argument("--worker", nargs="*", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker is not None:
        kind, *rest = a.worker
        conc = a.concordance
        if kind == "duckdb":
            res = run_duckdb(rest[0], conc, rest[1].split(","), a.memory_limit)
        elif kind == "import":
            res = run_import_store(rest[0], rest[1])
        elif kind == "spark":
            res = run_spark(rest[0], conc, rest[1].split(","))
        else:
            res = run_pandas(rest[0], conc)
        print(json.dumps(res))
        return

    from innovindex.patents.export import export_parquet
    from innovindex.patents.facts import TABLE_FACTS
    from innovindex.patents.synthetic import generate_patstat

    work = Path(a.work)
    store, raw, canon = work / "bench.duckdb", work / "raw", work / "canonical"
    if not (a.reuse and store.exists()):
        work.mkdir(parents=True, exist_ok=True)
        store.unlink(missing_ok=True)
        t0 = time.perf_counter()
        files = generate_patstat(a.n, raw, seed=2024)
        print(f"generate {a.n:,} applications: {time.perf_counter() - t0:.1f} s")
        _ = files
        print(f"import into the store: {_child(['import', str(raw), str(store)])}")
        export_parquet(store, canon)
    extra = ["--concordance", a.concordance] if a.concordance else []
    full = ",".join(TABLE_FACTS)  # the 8 indicator tables (firm tables: applicants_speed.py)
    ratio = cpu_ratio = None
    duck = _child(["duckdb", str(store), full, "--memory-limit", a.memory_limit, *extra])
    print(f"DuckDB full indicator set (8 tables): {duck}")
    if not a.skip_pandas:
        duck5 = _child(
            ["duckdb", str(store), ",".join(CORE), "--memory-limit", a.memory_limit, *extra]
        )
        pand = _child(["pandas", str(canon), "-", *extra])
        print(f"DuckDB core 5 tables: {duck5}")
        print(f"pandas core 5 tables: {pand}")
        if "seconds" in duck5 and "seconds" in pand:
            ratio = pand["seconds"] / duck5["seconds"]
            if duck5.get("cpu_seconds") and pand.get("cpu_seconds"):
                cpu_ratio = pand["cpu_seconds"] / duck5["cpu_seconds"]
            print(f"speed-up DuckDB vs pandas (core 5): {ratio:.1f}x")
    if not a.skip_spark:
        spark = _child(["spark", str(canon), full, *extra])
        print(f"Spark local[2] full indicator set: {spark}")
    print(
        f"machine load (1/5/15 min) at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores"
    )
    if "seconds" in duck:
        ok = duck["seconds"] < 30
        print(
            f"ACCEPTANCE full DuckDB indicator set at {a.n:,} applications: {duck['seconds']:.1f} s "
            f"(target < 30 s: {'met' if ok else 'NOT met'}; peak {duck['peak_gib']:.2f} GiB; "
            f"{duck.get('cpu_seconds')} CPU seconds)"
        )
    if ratio is not None:
        print(
            f"ACCEPTANCE DuckDB vs pandas on the core tables: {ratio:.1f}x "
            f"(target >= 15x: {'met' if ratio >= 15 else 'NOT met'})"
        )
    if cpu_ratio is not None:
        print(
            f"  (CPU seconds, less sensitive to a loaded machine: pandas / DuckDB = {cpu_ratio:.1f}x)"
        )


if __name__ == "__main__":
    main()
