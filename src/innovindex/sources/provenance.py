"""Fetched series as iData, written atomically with a provenance sidecar.

Every connector returns a :class:`Fetched`: the observations in long form (``uCode``,
``uName``, ``Time``, ``series``, ``value``) plus a provenance record. :func:`write_fetched`
turns the long form into iData (one column per series, named by its code) and writes the
file and its sidecar ``<file>.provenance.json`` only when both are ready, each through a
temporary file renamed into place, so a failed command leaves nothing behind.

The sidecar holds the source, the query, each URL with its retrieval time (the time the
response was first received, also when it is replayed from the cache), the source's own
last-updated date and the SHA-256 of the data file. ``innovindex build`` copies it into
run.json (``data_provenance``) when it still matches the data file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError

__all__ = [
    "Fetched",
    "LONG_COLUMNS",
    "build_record",
    "read_sidecar",
    "sidecar_path",
    "to_idata",
    "write_fetched",
]

LONG_COLUMNS = ["uCode", "uName", "Time", "series", "value"]
SUFFIXES = (".csv", ".parquet")


@dataclass
class Fetched:
    """Observations of one or more series from one source, with where they came from.

    Attributes
    ----------
    data
        Long form: ``uCode``, ``uName``, ``Time`` (int), ``series``, ``value`` (float).
    provenance
        ``source``, ``query``, ``requests`` ([{url, retrieved}]), ``last_updated``.
    series
        The series codes asked for, in order (columns of the iData even when empty).
    aggregates
        Rows the source marks as aggregates (regions, income groups), kept apart.
    """

    data: pd.DataFrame
    provenance: dict[str, Any]
    series: list[str] = field(default_factory=list)
    aggregates: pd.DataFrame | None = None


def sidecar_path(path: str | Path) -> Path:
    """The provenance sidecar of a data file: ``<file>.provenance.json``."""
    p = Path(path)
    return p.with_name(p.name + ".provenance.json")


def to_idata(long: pd.DataFrame, series: Sequence[str]) -> pd.DataFrame:
    """Long observations to iData: one row per unit and year, one column per series.

    Rows are sorted by ``uCode`` then ``Time``; columns follow ``series``.
    """
    if long.empty:
        return pd.DataFrame(columns=["uCode", "uName", "Time", *series])
    wide = long.pivot_table(
        index=["uCode", "Time"], columns="series", values="value", aggfunc="first", dropna=False
    )
    wide = wide.reindex(columns=list(series))
    wide = wide[wide.notna().any(axis=1)]  # the pivot's grid adds unit-years nobody reported
    names = long.drop_duplicates("uCode").set_index("uCode")["uName"]
    wide = wide.reset_index()
    wide.columns.name = None
    wide.insert(1, "uName", wide["uCode"].map(names))
    wide["Time"] = wide["Time"].astype(int)
    return wide.sort_values(["uCode", "Time"], kind="mergesort").reset_index(drop=True)


def check_out(out: str | Path) -> Path:
    """Refuse an output path that cannot be an iData file, before any request is made."""
    p = Path(out)
    if p.suffix.lower() not in SUFFIXES:
        raise InputError(
            f"the output must end in {' or '.join(SUFFIXES)}; got {p.suffix or 'no suffix'!r}",
            file=p,
        )
    if p.is_dir():
        raise InputError("the output is a folder; expected a file path", file=p)
    if not p.parent.exists() and str(p.parent) != "":
        raise InputError("the output folder does not exist", file=p.parent)
    return p


def write_fetched(
    frame: pd.DataFrame, out: str | Path, provenance: Mapping[str, Any]
) -> tuple[Path, Path]:
    """Write ``frame`` to ``out`` (CSV or Parquet) and its sidecar, atomically.

    The sidecar's ``sha256`` is the data file's, so a later reader can tell whether the data
    was edited after the fetch. Returns both paths.
    """
    from ..io._atomic import atomic_file
    from ..io.writers import file_sha256

    path = check_out(out)
    side = sidecar_path(path)
    # Data first, then its sidecar (the inner block's file is renamed into place first).
    with atomic_file(side) as tmp_side, atomic_file(path) as tmp_data:
        if path.suffix.lower() == ".parquet":
            frame.to_parquet(tmp_data, index=False)
        else:
            frame.to_csv(tmp_data, index=False, lineterminator="\n")
        record = {**dict(provenance), "file": path.name, "sha256": file_sha256(tmp_data)}
        tmp_side.write_text(json.dumps(record, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path, side


def read_sidecar(data: str | Path) -> dict[str, Any] | None:
    """The provenance record of a data file, or None when it has no sidecar.

    ``matches_data`` says whether the file is still the one fetched (same SHA-256).
    An unreadable sidecar gives ``{"error": ...}`` rather than failing a build.
    """
    from ..io.writers import file_sha256

    side = sidecar_path(data)
    if not side.is_file():
        return None
    try:
        record = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"sidecar": str(side), "error": f"unreadable provenance sidecar: {exc}"}
    if not isinstance(record, dict):
        return {"sidecar": str(side), "error": "provenance sidecar is not a JSON object"}
    record["matches_data"] = record.get("sha256") == file_sha256(data)
    return record


def build_record(data: str | Path) -> dict[str, Any]:
    """What a build adds to run.json for its data file: ``{"data_provenance": sidecar}``
    when the file has a sidecar, else nothing."""
    record = read_sidecar(data)
    return {} if record is None else {"data_provenance": record}
