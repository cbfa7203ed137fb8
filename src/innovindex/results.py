"""Result tables of one or more builds, in the tidy shape the CLI, store and reports share."""

from __future__ import annotations

import platform
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from .errors import NotBuiltError
from .index import Index

__all__ = ["result_tables", "run_info"]


def _stack(panel: Mapping[int | None, Index], get: Any) -> pd.DataFrame | None:
    parts = []
    for t, idx in panel.items():
        try:
            df = get(idx)
        except NotBuiltError:
            return None
        df = df.copy()
        names = idx.units["uName"]
        df.index.name = "uCode"
        df = df.reset_index()
        df.insert(1, "uName", df["uCode"].map(names).fillna(df["uCode"]))
        df.insert(2, "Time", pd.Series([t] * len(df), index=df.index, dtype="Int64"))
        parts.append(df)
    return pd.concat(parts, ignore_index=True) if parts else None


def result_tables(panel: Mapping[int | None, Index]) -> dict[str, pd.DataFrame]:
    """``scores``, ``ranks``, ``treated``, ``normalised``, ``coverage`` (data-minimum-coverage
    flags) and ``treatment``: those that were built.

    Unit tables start with ``uCode``, ``uName`` and ``Time`` (empty when the data has no
    ``Time``); ``treatment`` starts with ``Time`` and ``iCode``.
    """
    getters = {
        "scores": lambda i: i.scores(),
        "ranks": lambda i: i.ranks(),
        "treated": lambda i: i.stage("treated"),
        "normalised": lambda i: i.stage("normalised"),
        "coverage": lambda i: i.coverage,
    }
    out: dict[str, pd.DataFrame] = {}
    for name, get in getters.items():
        df = _stack(panel, get)
        if df is not None:
            out[name] = df
    treat = []
    for t, idx in panel.items():
        try:
            tr = idx.treatment
        except NotBuiltError:
            break
        tr.insert(0, "Time", pd.Series([t] * len(tr), index=tr.index, dtype="Int64"))
        treat.append(tr)
    if treat:
        out["treatment"] = pd.concat(treat, ignore_index=True)
    return out


def run_info(
    panel: Mapping[int | None, Index],
    *,
    inputs: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """The provenance record written as run.json: version, inputs, every parameter, and the
    :class:`~innovindex.errors.DataWarning` messages of the build (``warnings``)."""
    from . import __version__

    first = next(iter(panel.values()))
    return {
        "innovindex_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "inputs": dict(inputs),
        "framework": first.framework.source,
        "times": [t for t in panel],
        "pipeline": first.spec,
        "warnings": list(warnings or []),
        **(dict(extra) if extra else {}),
    }
