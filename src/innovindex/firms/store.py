"""The applicant mapping in the store: ``firm_applicants``, one set of rows per patent data set.

``innovindex patents applicants`` harmonises the applicants of one data set of the store
(read through the patents package's :func:`~innovindex.patents.backends.session`, so the
store layout stays the patents package's business) and keeps the mapping under that data
set's name; readers (:mod:`.ipfill`, :mod:`innovindex.patents.enterprise`) take the rows of
the data set their patent tables come from, so two data sets never mix.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import DataWarning, InputError, SpecError
from .applicants import (
    MAPPING_COLUMNS,
    STORE_TABLE,
    applicant_names,
    apply_overrides,
    harmonise,
    read_overrides,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from ..patents.queries import PatentTables

__all__ = ["dataset_name", "harmonise_store", "stored_mapping", "write_mapping"]


def dataset_name(t: PatentTables) -> str | None:
    """The name of the data set the patent tables ``t`` come from (None: unlabelled)."""
    return None if t.dataset is None else str(getattr(t.dataset, "name", t.dataset))


def stored_mapping(t: PatentTables) -> ir.Table | None:
    """The stored ``firm_applicants`` rows of the data set of ``t`` on its engine, or None.

    None when the tables carry no data set, the engine has no stored mapping, or it holds
    none for this data set: a mapping never applies to another data set's names. A mapping
    written before mappings recorded their data set is ignored with a
    :class:`~innovindex.errors.DataWarning` (run ``patents applicants`` again).
    """
    name = dataset_name(t)
    if name is None:
        return None
    con = t.parties._find_backend()  # noqa: SLF001 - Ibis's way to reach the table's backend
    try:
        m = con.table(STORE_TABLE)
    except Exception:  # TableNotFound and engine-specific errors: nothing stored here
        return None
    if "dataset" not in m.columns:
        warnings.warn(
            f"the store's {STORE_TABLE} predates data sets and is ignored: run "
            f"`innovindex patents applicants --dataset {name}` again",
            DataWarning,
            stacklevel=2,
        )
        return None
    m = m.filter(m.dataset == name)
    if int(m.count().to_pyarrow().as_py()) == 0:
        return None
    return m


def harmonise_store(
    db: str | Path,
    *,
    dataset: str | None = None,
    overrides: str | Path | None = None,
    threshold: float = 92.0,
) -> pd.DataFrame:
    """Harmonise the applicants of one patent data set of the store, apply ``overrides``
    and keep the mapping in the store's ``firm_applicants`` under that data set (its rows
    replaced in one transaction; other data sets' rows are kept).

    ``dataset`` may be None only when the store holds one data set (the rule of
    ``patents table``). Returns the mapping: ``dataset`` then :data:`MAPPING_COLUMNS`.
    """
    from ..patents.backends import session

    ov = read_overrides(overrides) if overrides is not None else None
    # the patents package's public reader: one data set, appln_id = the store's key
    with session("duckdb", concordance=None, db=db, dataset=dataset) as t:
        name = dataset_name(t)
        names = applicant_names(t.parties).to_pandas()
    if names.empty:
        raise InputError(f"data set {name!r} of the store has no applicant names", file=db)
    mapping = harmonise(names, threshold=threshold)
    if ov is not None:
        mapping = apply_overrides(mapping, ov, source=str(overrides))
    mapping = mapping[MAPPING_COLUMNS].copy()
    mapping.insert(0, "dataset", name)
    write_mapping(db, mapping)
    return mapping


def write_mapping(db: str | Path, mapping: pd.DataFrame) -> None:
    """Replace the rows of ``mapping``'s data set (its ``dataset`` column, one value) in the
    store's ``firm_applicants`` table in one transaction; other data sets' rows stay."""
    from ..dbfile import store_transaction

    names: list[str] = (
        [str(v) for v in mapping["dataset"].unique()] if "dataset" in mapping.columns else []
    )
    if len(names) != 1:
        raise SpecError("an applicant mapping must belong to exactly one patent data set")
    name = names[0]
    # explicit types: an all-empty column (no applicant country in a Lens export)
    # would otherwise be stored with DuckDB's NULL type, which readers cannot compare
    cols = ", ".join(
        f"CAST({c} AS {'DOUBLE' if c == 'score' else 'VARCHAR'}) AS {c}"
        for c in ["dataset", *MAPPING_COLUMNS]
    )
    with store_transaction(db) as con:
        con.register("_mapping", mapping[["dataset", *MAPPING_COLUMNS]])
        have = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [STORE_TABLE]
            ).fetchall()
        }
        if have and "dataset" in have:
            con.execute(f"DELETE FROM {STORE_TABLE} WHERE dataset = ?", [name])
            con.execute(f"INSERT INTO {STORE_TABLE} SELECT {cols} FROM _mapping")
        else:  # none yet, or one written before mappings recorded their data set
            con.execute(f"CREATE OR REPLACE TABLE {STORE_TABLE} AS SELECT {cols} FROM _mapping")
        con.unregister("_mapping")
