"""Time whole index builds (read, validate, every step, scores and ranks) and compare with COINr.

COINr's timings were measured on this machine class with COINr 1.1.14
(../shared/data/coinr_asem/reference_outputs/timings.csv).

    python benchmarks/build_speed.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd
from _refdata import gii2019_idata, reference_data

import innovindex as ii
from innovindex.pipeline import COINR_EXAMPLE_SPEC


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up (imports, caches)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    root = reference_data()
    asem = root / "coinr_asem"
    coinr = pd.read_csv(asem / "reference_outputs" / "timings.csv").set_index("step")["seconds"]
    coinr_a = float(
        coinr[
            ["A_new_coin", "A_Treat_default", "A_Normalise_minmax_0_100", "A_Aggregate_amean"]
        ].sum()
    )
    coinr_b = float(coinr["B_build_example_coin"])

    fw = ii.Framework.read(asem / "ASEM_iMeta.csv")
    t_a = timed(
        lambda: ii.build(asem / "ASEM_iData.csv", ii.Framework.read(asem / "ASEM_iMeta.csv")),
        args.repeat,
    )
    t_b = timed(lambda: ii.build(asem / "ASEM_iData.csv", fw, COINR_EXAMPLE_SPEC), args.repeat)
    gii = gii2019_idata(root)
    t_g = timed(lambda: ii.build(gii, "gii2019"), args.repeat)

    print(
        f"{'build (median of ' + str(args.repeat) + ')':<44}{'innovindex':>12}{'COINr':>10}{'ratio':>9}"
    )
    print(
        f"{'ASEM pipeline A (read iMeta+iData, treat...)':<44}{t_a:>11.4f}s{coinr_a:>9.3f}s{coinr_a / t_a:>8.1f}x"
    )
    print(
        f"{'ASEM pipeline B (example coin, 6 steps)':<44}{t_b:>11.4f}s{coinr_b:>9.3f}s{coinr_b / t_b:>8.1f}x"
    )
    print(f"{'GII 2019 whole method (129 x 80)':<44}{t_g:>11.4f}s{'n/a':>10}{'':>9}")


if __name__ == "__main__":
    main()
