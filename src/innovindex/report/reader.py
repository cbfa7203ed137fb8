"""Reading runs from the store: each run loaded once with one read-only connection, kept
in memory, and reloaded when the store file changes (see :class:`StoreReader`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ..dbfile import connect_store
from .data import RunData, RunNotFound

__all__ = ["StoreReader"]


class StoreReader:
    """Runs of one store file, loaded on first use and cached until the file changes.

    Parameters
    ----------
    db
        The store path (checked by :func:`innovindex.dbfile.connect_store`).
    audits
        Run (id, prefix or ``latest``) -> an `innovindex audit` output folder whose rank
        intervals are attached to that run when it is loaded.
    """

    def __init__(self, db: str | Path, *, audits: dict[str, Path] | None = None) -> None:
        self.db = Path(db)
        self.audits = dict(audits or {})
        self._lock = threading.RLock()
        self._stamp: tuple[float, int] | None = None
        self._runs: pd.DataFrame | None = None
        self._cache: dict[str, RunData] = {}

    def _fresh(self) -> None:
        try:
            st = self.db.stat()
            stamp = (st.st_mtime, st.st_size)
        except OSError:
            stamp = None
        if stamp != self._stamp:
            self._stamp, self._runs, self._cache = stamp, None, {}

    def invalidate(self) -> None:
        """Forget everything read (after this process wrote to the store)."""
        with self._lock:
            self._stamp, self._runs, self._cache = None, None, {}

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold off reads while this process writes the store, then forget what was read.

        DuckDB refuses a read-write connection while the same process has the file open
        read-only, so loads and writes take the same lock.
        """
        with self._lock:
            try:
                yield
            finally:
                self._stamp, self._runs, self._cache = None, None, {}

    def runs(self) -> pd.DataFrame:
        """Every recorded run, newest first (empty when the store has none)."""
        with self._lock:
            self._fresh()
            if self._runs is None:
                if not self.db.exists():
                    self._runs = pd.DataFrame(columns=_RUN_COLUMNS)
                else:
                    with connect_store(self.db, read_only=True) as con:
                        if not _has_table(con, "index_runs"):
                            self._runs = pd.DataFrame(columns=_RUN_COLUMNS)
                        else:
                            runs = con.execute(
                                "SELECT * FROM index_runs ORDER BY created DESC, run_id"
                            ).df()
                            counts = con.execute(
                                "SELECT run_id, count(DISTINCT uCode) AS n_units, "
                                "list(DISTINCT time ORDER BY time) AS years "
                                "FROM index_scores GROUP BY run_id"
                            ).df()
                            self._runs = runs.merge(counts, on="run_id", how="left")
            return self._runs

    def resolve(self, run: str) -> str:
        """The run id named by ``run`` (``latest`` = the newest run)."""
        runs = self.runs()
        if run == "latest":
            if not len(runs):
                raise RunNotFound("the store has no recorded run yet", file=self.db)
            return str(runs["run_id"].iloc[0])
        ids = [str(r) for r in runs["run_id"]]
        if run in ids:
            return run
        hits = [r for r in ids if run and r.startswith(run)]
        if len(hits) == 1:
            return hits[0]
        raise RunNotFound(
            f"no run {run!r} in the store (see `innovindex runs` or GET /api/runs)", file=self.db
        )

    def peek(self, run: str) -> RunData | None:
        """The run if it is loaded and the store file has not changed; None otherwise (then
        call :meth:`run`, which may read the store). Never waits for a load in progress."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            self._fresh()
            if self._runs is None:
                return None
            if run in self._cache:
                return self._cache[run]
            if run == "latest" and len(self._runs):
                return self._cache.get(str(self._runs["run_id"].iloc[0]))
            return None
        finally:
            self._lock.release()

    def run(self, run: str) -> RunData:
        """The run named ``run`` (an id or ``latest``), loaded once."""
        with self._lock:
            run_id = self.resolve(run)
            if run_id not in self._cache:
                data = self._load(run_id)
                for spec, folder in self.audits.items():
                    if self.resolve(spec) == run_id:
                        from .audit import attach_audit

                        data = attach_audit(data, folder)
                self._cache[run_id] = data
            return self._cache[run_id]

    def _load(self, run_id: str) -> RunData:
        runs = self.runs()
        info: dict[str, Any] = {
            str(k): v for k, v in runs[runs["run_id"] == run_id].iloc[0].items()
        }
        try:
            info["pipeline"] = json.loads(info.get("pipeline") or "null")
        except (TypeError, ValueError):
            pass
        with connect_store(self.db, read_only=True) as con:
            scores = con.execute(
                "SELECT time, uCode, uName, code, level, score, rank FROM index_scores "
                "WHERE run_id = ? ORDER BY time, code, rank",
                [run_id],
            ).df()
            if _has_table(con, "index_indicators"):
                cols = _columns(con, "index_indicators")
                stages = [c for c in ("raw", "treated", "normalised") if c in cols]
                inds = con.execute(
                    f"SELECT time, uCode, code, {', '.join(stages)} FROM index_indicators "
                    "WHERE run_id = ?",
                    [run_id],
                ).df()
            else:
                inds = pd.DataFrame(columns=["time", "uCode", "code", "raw", "normalised"])
            groups = _optional(con, "index_units", run_id)
            if groups is not None:
                groups = groups[groups["attribute"] != "uName"].reset_index(drop=True)
            unc = _optional(con, "index_uncertainty", run_id)
        scores["level"] = scores["level"].astype("Int64")
        from ._tree import run_tree

        tree = run_tree(str(info.get("framework") or ""), scores, info.get("framework_meta"))
        info.pop("framework_meta", None)
        return RunData(
            info,
            scores,
            inds,
            tree,
            self.db,
            groups
            if groups is not None
            else pd.DataFrame(columns=["time", "uCode", "attribute", "value"]),
            unc if unc is not None and len(unc) else None,
        )


_RUN_COLUMNS = [
    "run_id", "created", "label", "framework", "pipeline", "seed", "synthetic",
    "innovindex_version",
]  # fmt: skip


def _has_table(con: Any, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()[0]
    )


def _columns(con: Any, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    ).fetchall()
    return {str(r[0]) for r in rows}


def _optional(con: Any, table: str, run_id: str) -> pd.DataFrame | None:
    """Rows of ``table`` for the run, when the store has that table (added by later work)."""
    if not _has_table(con, table):
        return None
    df: pd.DataFrame = con.execute(f"SELECT * FROM {table} WHERE run_id = ?", [run_id]).df()
    return df.drop(columns="run_id")
