"""How much faster is innovindex's audit than COINr's ``get_sensitivity``?

First, the figure users see: ``innovindex audit`` at N=10,000 on COINr's example set-up
(ASEM, pipeline B, the uncertainty spec of docs/audit.md) as a whole process started from the
shell (interpreter start, imports, reading the files, the nominal build, the analysis, the
statistics, the HTML chart and every output file; PNG export is opt-in and not asked for),
against COINr's per-replication time of UA N=1000 x 10,000 (``timings_ua_N1000.csv``). The
target is 1000x. The package's bytecode is compiled and one untimed run warms the page cache
first, as on a machine where innovindex is installed and has run before. Wall time depends on
what else the machine runs, so the process's CPU time (user + system) is printed beside it.

Then, for the same coin:

* UA N=1000 and SA N=1000: innovindex's time beside COINr's (timings_*.csv), and the ratio.
  Two innovindex times: "in-process" (read the files, build the nominal index, run the
  analysis: what a notebook user waits for once the packages are imported) and "CLI" (a fresh
  ``innovindex audit`` process: interpreter start, imports, build, analysis, statistics,
  charts and every output file);
* UA N=10,000 against COINr's per-replication time x 10,000;
* GII 2019 (129 economies x 80 indicators, built-in framework), UA N=100,000 with uncertain
  weights (+/-25% at levels 2-4, 1000 sets), normalisation and aggregation: time and peak
  memory (resident set size of a separate process).

Each case runs in its own process. Run from the repository root (the reference data from
``--data``, else ``$INNOVINDEX_REFERENCE_DATA``, else ../shared/data)::

    .venv/bin/python benchmarks/audit_speed.py [--data ../shared/data] [--gii-n 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _refdata import reference_data

REPO = Path(__file__).resolve().parents[1]

# z-scores centred at 100 (sd 15) keep every value positive for the geometric mean on GII data
GII_SPEC = {
    "seed": 1,
    "assumptions": {
        "weights": {"noise": 0.25, "levels": [2, 3, 4], "sets": 1000},
        "normalise": {
            "values": [
                {"method": "minmax", "range": [1, 100]},
                {"method": "zscore", "mean": 100, "sd": 15},
            ]
        },
        "aggregate": {"values": [{"method": "arithmetic"}, {"method": "geometric"}]},
    },
}


def _case(name: str, data: Path) -> dict[str, object]:
    """Run one case in this process and return its measurements."""
    import resource

    t_import = time.perf_counter()
    import pandas as pd

    import innovindex as ii
    from innovindex.audit import sensitivity, uncertainty
    from innovindex.audit.spec import COINR_EXAMPLE_UNCERTAINTY
    from innovindex.pipeline import COINR_EXAMPLE_SPEC

    t0 = time.perf_counter()
    out: dict[str, object] = {"import_s": t0 - t_import}
    if name.startswith("asem"):
        asem = data / "coinr_asem"
        fw = ii.Framework.read(asem / "ASEM_iMeta.csv")
        idx = ii.build(asem / "ASEM_iData.csv", fw, COINR_EXAMPLE_SPEC)
        kind, n = name.split("_")[1], int(name.split("_")[2])
        if kind == "ua":
            res = uncertainty(idx, COINR_EXAMPLE_UNCERTAINTY, n)
            out["replications"] = n
            out["failed"] = res.evaluation.n_failed
        else:
            sa = sensitivity(idx, COINR_EXAMPLE_UNCERTAINTY, n)
            out["replications"] = len(sa.y)
            out["ST"] = dict(zip(sa.indices["assumption"], sa.indices["ST"].round(3), strict=True))
    else:  # gii
        fw = ii.Framework.builtin("gii2019")
        long = pd.read_csv(data / "gii" / "gii2019_full_database_long.csv")
        rows = long[long["level"] == "indicator"]
        wide = rows.pivot(index="economy", columns="code", values="value")[list(fw.indicators)]
        frame = wide.reset_index(names="uCode")
        frame.insert(1, "uName", frame["uCode"])
        frame.insert(2, "Time", 2019)
        idx = ii.build(frame, fw)
        t_built = time.perf_counter()
        n = int(name.split("_")[1])
        res = uncertainty(idx, GII_SPEC, n)
        out["build_s"] = t_built - t0
        out["replications"] = n
        out["failed"] = res.evaluation.n_failed
        out["shape"] = [len(idx.units), len(fw.indicators)]
    out["seconds"] = time.perf_counter() - t0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run(args: list[str]) -> tuple[str, float, float]:
    """Run a command; return its stdout, wall time and peak RSS (MB) of that process."""
    out, wall, _, rss = _run_timed(args)
    return out, wall, rss


def _run_timed(args: list[str]) -> tuple[str, float, float, float]:
    """Run a command; return its stdout, wall time, CPU time (user + system) and peak RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
    )
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # peak RSS of the finished child: RUSAGE_CHILDREN is a running max, so run the largest last
    return out, wall, cpu, after.ru_maxrss / 1024


def _coinr(data: Path, name: str) -> float:
    import csv

    path = data / "coinr_asem" / "reference_outputs" / f"timings_{name}.csv"
    with path.open() as fh:
        rows = {r["step"]: float(r["seconds"]) for r in csv.DictReader(fh)}
    return rows[next(k for k in rows if k.startswith("get_sensitivity"))]


def _prepare_process() -> None:
    """Make the timed processes start as an installed package does: its bytecode compiled
    (``pip install`` compiles it; with $PYTHONDONTWRITEBYTECODE set, as in some sandboxes,
    every run would otherwise compile innovindex from source), and the files it reads in the
    page cache (one untimed run)."""
    import compileall

    import innovindex

    compileall.compile_dir(Path(innovindex.__file__).parent, quiet=1)


def _cli(data: Path, sobol: bool, n: int, *, warm_up: bool = False) -> tuple[float, float]:
    """Wall and CPU time of a fresh ``innovindex audit`` process (default options)."""
    import yaml

    from innovindex.audit.spec import COINR_EXAMPLE_UNCERTAINTY
    from innovindex.pipeline import COINR_EXAMPLE_SPEC

    with tempfile.TemporaryDirectory() as tmp:
        spec, pipe = Path(tmp) / "spec.yaml", Path(tmp) / "pipe.yaml"
        spec.write_text(yaml.safe_dump(COINR_EXAMPLE_UNCERTAINTY, sort_keys=False))
        pipe.write_text(yaml.safe_dump(COINR_EXAMPLE_SPEC, sort_keys=False))
        asem = data / "coinr_asem"
        args = [
            str(Path(sys.executable).with_name("innovindex")),
            "audit",
            "--data",
            str(asem / "ASEM_iData.csv"),
            "--meta",
            str(asem / "ASEM_iMeta.csv"),
            "--pipeline",
            str(pipe),
            "--uncertainty",
            str(spec),
            "--n",
            str(n),
            "--out",
            str(Path(tmp) / "out"),
        ] + (["--sobol"] if sobol else [])
        if warm_up:
            _run_timed(args)
        _, wall, cpu, _ = _run_timed(args)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="reference data folder")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--gii-n", type=int, default=100_000)
    ap.add_argument(
        "--headline", action="store_true", help="print the whole-process figure only and stop"
    )
    a = ap.parse_args()
    a.data = a.data or reference_data()
    if a.case:
        print(json.dumps(_case(a.case, a.data)))
        return
    me = [sys.executable, str(Path(__file__).resolve()), "--data", str(a.data)]
    per_rep = _coinr(a.data, "ua_N1000") / 1000
    coinr_10k = per_rep * 10_000
    _prepare_process()
    wall, cpu = _cli(a.data, False, 10_000, warm_up=True)
    verdict = "meets" if coinr_10k / wall >= 1000 else "misses"
    print(
        f"innovindex audit, ASEM UA N=10,000, whole process from the shell: {wall:.2f} s "
        f"(CPU {cpu:.2f} s); COINr {per_rep:.4f} s/rep x 10,000 = {coinr_10k:.0f} s: "
        f"{coinr_10k / wall:.0f}x ({verdict} the 1000x target; {coinr_10k / cpu:.0f}x on CPU time)"
    )
    load = os.getloadavg()[0]
    if a.headline:
        print(f"machine: {os.cpu_count()} CPU(s), load average {load:.1f}")
        return
    print(
        f"machine: {os.cpu_count()} CPU(s), load average {load:.1f}; python {sys.version.split()[0]}\n"
    )

    print(f"{'case':<26}{'COINr s':>10}{'innovindex s':>14}{'ratio':>9}   notes")
    for kind, n, ref in (("ua", 1000, "ua_N1000"), ("sa", 1000, "sa_N1000")):
        coinr = _coinr(a.data, ref)
        res = json.loads(_run([*me, "--case", f"asem_{kind}_{n}"])[0])
        sec = float(res["seconds"])
        label = f"ASEM {kind.upper()} N={n}"
        note = f"{res['replications']} replications"
        if "ST" in res:
            note += f"; ST {res['ST']}"
        print(
            f"{label + ' (in-process)':<26}{coinr:>10.1f}{sec:>14.3f}{coinr / sec:>8.0f}x   {note}"
        )
        cli, _ = _cli(a.data, kind == "sa", n)
        print(
            f"{label + ' (CLI)':<26}{coinr:>10.1f}{cli:>14.3f}{coinr / cli:>8.0f}x   fresh process, all outputs"
        )

    res = json.loads(_run([*me, "--case", "asem_ua_10000"])[0])
    sec = float(res["seconds"])
    print(
        f"{'ASEM UA N=10,000 (in-process)':<26}{coinr_10k:>10.1f}{sec:>14.3f}{coinr_10k / sec:>8.0f}x   COINr = {per_rep:.4f} s/rep x 10,000"
    )

    try:
        out, wall, rss = _run([*me, "--case", f"gii_{a.gii_n}"])
    except SystemExit as exc:
        print(f"\nGII 2019: not run ({str(exc).splitlines()[-1]})")
        return
    res = json.loads(out)
    print(
        f"\nGII 2019 UA N={a.gii_n:,} ({res['shape'][0]} economies x {res['shape'][1]} indicators; "
        f"weights, normalisation, aggregation uncertain):\n"
        f"  time {float(res['seconds']):.2f} s (build {float(res['build_s']):.2f} s; target < 60 s), "
        f"peak memory {float(res['peak_rss_mb']):.0f} MB resident (target < 2048 MB), "
        f"failed replications {res['failed']}"
    )


if __name__ == "__main__":
    main()
