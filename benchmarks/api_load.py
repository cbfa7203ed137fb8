"""Load on the REST API: concurrent clients on the profile and ranking endpoints.

Starts ``innovindex serve`` (uvicorn, one process) on 127.0.0.1 for a store, then runs N
asyncio clients (httpx) for a fixed time, each looping over random requests: half economy
profiles (``/api/runs/latest/units/{code}/profile?time=``), half rankings
(``/api/runs/latest/scores?code=GII&time=``), over every unit and year of the latest run.
Prints throughput, p50/p90/p99/max latency, the error count and the server's CPU time per
request (so a figure from a busy machine can be read: the clients share the cores). Bounded in time: the server is
stopped at the end (or on Ctrl-C).

    python benchmarks/api_load.py [--db innovindex.duckdb] [--clients 50] [--seconds 30]

Without --db it records the SYNTHETIC demo world (132 economies x 12 years) in a temporary
store first. Target (issue 10): p99 under 200 ms with 50 clients on a 2-core machine, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _demo_store(folder: Path) -> Path:
    from innovindex.building import build_panel
    from innovindex.demo.world import demo_world
    from innovindex.framework import Framework
    from innovindex.store import record_build

    db = folder / "demo.duckdb"
    fw = Framework.builtin("gii2019")
    panel = build_panel(demo_world(seed=2024, framework=fw), fw)
    record_build(db, panel, label="demo", synthetic=True, seed=2024)
    return db


async def _client(
    base: str, urls: list[str], stop: float, lat: list[float], errors: list[str], seed: int
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as c:
        while time.perf_counter() < stop:
            u = rng.choice(urls)
            t0 = time.perf_counter()
            try:
                r = await c.get(u)
                ok = r.status_code == 200
            except httpx.HTTPError as exc:
                ok, r = False, None
                errors.append(f"{u}: {type(exc).__name__}")
            lat.append(time.perf_counter() - t0)
            if not ok and r is not None:
                errors.append(f"{u}: {r.status_code}")


async def _run(
    base: str, urls: list[str], clients: int, seconds: float
) -> tuple[list[float], list[str], float]:
    lat: list[float] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    stop = t0 + seconds
    await asyncio.gather(*(_client(base, urls, stop, lat, errors, i) for i in range(clients)))
    return lat, errors, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--db", type=Path, default=None, help="store to serve (default: a demo store)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="innovindex-load-") as tmp:
        db = args.db or _demo_store(Path(tmp))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "INNOVINDEX_TOKEN": ""}
        server = subprocess.Popen(
            [sys.executable, "-m", "innovindex", "serve", "--db", str(db), "--port", str(port)],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    run = httpx.get(f"{base}/api/runs/latest", timeout=5).json()
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            units = [
                r["uCode"]
                for r in httpx.get(
                    f"{base}/api/runs/latest/scores", params={"code": run["headline"]}
                ).json()["rows"]
            ]
            years = run["years"]
            urls = [f"/api/runs/latest/units/{u}/profile?time={t}" for u in units for t in years]
            urls += [
                f"/api/runs/latest/scores?code={run['headline']}&time={t}" for t in years
            ] * len(units)
            print(
                f"store {db}: run {run['run_id']}, {len(units)} units x {len(years)} years; "
                f"{args.clients} clients, {args.seconds:.0f} s (after {args.warmup:.0f} s warm-up)"
            )
            # Warm the server's caches: one profile per year (each year's table is built once),
            # then load for --warmup seconds; only what follows is measured.
            for t in years:
                httpx.get(
                    f"{base}/api/runs/latest/units/{units[0]}/profile",
                    params={"time": t},
                    timeout=120,
                )
            if args.warmup > 0:
                asyncio.run(_run(base, urls, args.clients, args.warmup))
            cpu0, me0 = _cpu_seconds(server.pid), time.process_time()
            lat, errors, elapsed = asyncio.run(_run(base, urls, args.clients, args.seconds))
            cpu1, me1 = _cpu_seconds(server.pid), time.process_time()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    lat_ms = sorted(x * 1000 for x in lat)
    q = statistics.quantiles(lat_ms, n=100, method="inclusive")
    print(f"requests   {len(lat_ms):,} in {elapsed:.1f} s = {len(lat_ms) / elapsed:,.0f} req/s")
    print(
        f"latency    p50 {q[49]:.1f} ms   p90 {q[89]:.1f} ms   p99 {q[98]:.1f} ms   max {lat_ms[-1]:.1f} ms"
    )
    print(f"errors     {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    if cpu0 is not None and cpu1 is not None and lat:
        per = (cpu1 - cpu0) / len(lat) * 1000
        print(
            f"CPU        server {per:.2f} ms per request ({cpu1 - cpu0:.1f} s over the run); "
            f"clients {me1 - me0:.1f} s"
        )
    print(
        f"machine    {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work on the machine slows this)"
    )


if __name__ == "__main__":
    main()
