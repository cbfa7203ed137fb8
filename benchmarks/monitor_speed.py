"""Time the monitoring workflow on a SYNTHETIC panel: 20 years x 200 units of the gii2019
framework (80 indicators), built, stored, and every unit explained for every pair of
consecutive years.

Targets (issue 9): the panel build under 2 s, all explanations under 5 s.

    python benchmarks/monitor_speed.py [--units 200] [--years 20] [--reference-year]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import innovindex as ii
from innovindex.demo import demo_world
from innovindex.monitor import explain, explain_all, explain_pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument(
        "--reference-year", action="store_true", help="build in reference-year mode (first year)"
    )
    args = ap.parse_args()
    years = list(range(2005, 2005 + args.years))
    fw = ii.Framework.builtin("gii2019")
    data = demo_world(seed=7, n_units=args.units, years=years, framework=fw)
    ref = years[0] if args.reference_year else None
    ii.panel(demo_world(seed=1, n_units=20, years=years[:2], framework=fw), fw)  # warm-up: imports

    t0 = time.perf_counter()
    panel = ii.panel(data, fw, reference_year=ref)
    t_build = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        run_id = panel.record(db, dataset="synthetic-benchmark", synthetic=True)
        t_store = time.perf_counter() - t0

        t0 = time.perf_counter()
        df = explain_pairs(panel, "consecutive")  # every unit, every consecutive pair, at once
        t_explain = time.perf_counter() - t0
        worst, n = float(np.max(np.abs(df["residual"]))), len(df)

        t0 = time.perf_counter()
        allstore = explain_all(db, years[0], years[-1], run=run_id)
        t_store_explain = time.perf_counter() - t0

        t0 = time.perf_counter()
        one = explain(db, str(allstore["uCode"].iloc[0]), years[0], years[-1], run=run_id)
        t_one = time.perf_counter() - t0

    print(
        f"SYNTHETIC panel: {args.units} units x {len(years)} years x {len(fw.indicators)} indicators"
        f"{' (reference year ' + str(ref) + ')' if ref else ''}"
    )
    print(f"panel build           {t_build:7.2f} s   (target < 2 s)")
    print(f"record in the store   {t_store:7.2f} s")
    print(
        f"explain every unit, every consecutive pair: {n} explanations in {t_explain:.2f} s   (target < 5 s);"
        f" max |sum of effects - change| = {worst:.1e}"
    )
    print(
        f"explain all units {years[0]}->{years[-1]} from the store: {t_store_explain:.2f} s; one unit with its tables: {t_one:.2f} s"
        f" ({len(one.contributions)} rows)"
    )


if __name__ == "__main__":
    main()
