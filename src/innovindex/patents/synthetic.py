"""Synthetic PATSTAT-shaped records (tls201, tls209, tls206, tls207) as Parquet.

Made for demos and benchmarks, never for analysis. Offices, origins, technology and growth
are drawn from skewed distributions loosely shaped like the 2000-2023 world:

* filing years 2000-2023 grow at about 4% a year overall, with office-specific growth
  (CN fastest, JP and the US flat);
* a dozen large offices take most filings; each has its own resident share;
* applicants come from per-country firm pools with Zipf-like sizes (so concentration is
  meaningful); inventors mostly share the first applicant's country;
* IPC symbols come from ~60 subclasses with Zipf weights, 1-6 per application
  (about 3 on average); parties about 4 per application;
* a small share of records carries PATSTAT's blanks: filing year 9999, empty country.

Output is written in chunks, so memory stays flat for tens of millions of applications.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import SpecError

__all__ = ["generate_patstat", "is_synthetic", "SYNTHETIC_FILES", "SYNTHETIC_MARKER"]

# Parquet key-value metadata on every file written here: importers flag the data set
# synthetic, and every table computed from it says so
SYNTHETIC_MARKER = b"innovindex.synthetic"

SYNTHETIC_FILES = (
    "tls201_appln.parquet",
    "tls209_appln_ipc.parquet",
    "tls206_person.parquet",
    "tls207_pers_appln.parquet",
)
YEARS = np.arange(2000, 2024)
# office, weight in 2000, yearly growth, resident share
_OFFICES = [
    ("CN", 0.06, 0.17, 0.88),
    ("US", 0.30, 0.02, 0.48),
    ("JP", 0.28, -0.01, 0.81),
    ("KR", 0.08, 0.05, 0.78),
    ("EP", 0.12, 0.03, 0.0),
    ("DE", 0.05, 0.00, 0.70),
    ("IN", 0.01, 0.10, 0.45),
    ("WO", 0.06, 0.05, 0.0),
    ("GB", 0.02, -0.01, 0.40),
    ("FR", 0.012, 0.0, 0.72),
    ("CA", 0.012, 0.01, 0.12),
    ("BR", 0.008, 0.02, 0.20),
    ("RU", 0.01, 0.02, 0.62),
    ("AU", 0.008, 0.01, 0.10),
    ("TW", 0.008, 0.02, 0.45),
    ("IT", 0.004, 0.0, 0.80),
    ("ES", 0.003, 0.0, 0.85),
    ("MX", 0.004, 0.02, 0.07),
    ("SG", 0.002, 0.03, 0.12),
    ("IL", 0.002, 0.02, 0.25),
    ("TR", 0.001, 0.08, 0.50),
    ("EA", 0.001, 0.01, 0.0),
    ("ZA", 0.002, 0.0, 0.10),
    ("VN", 0.0005, 0.08, 0.10),
]
# origin countries for non-resident filings (and EP/WO), with weights
_ORIGINS = [
    ("US", 30),
    ("JP", 20),
    ("DE", 12),
    ("CN", 14),
    ("KR", 8),
    ("FR", 5),
    ("GB", 4),
    ("CH", 3.5),
    ("NL", 3),
    ("SE", 2.5),
    ("IT", 2),
    ("CA", 1.5),
    ("IL", 1.2),
    ("IN", 1.2),
    ("FI", 1),
    ("AT", 1),
    ("DK", 1),
    ("BE", 0.8),
    ("AU", 0.8),
    ("SG", 0.6),
    ("ES", 0.6),
    ("TW", 2),
    ("RU", 0.4),
    ("BR", 0.3),
    ("MX", 0.1),
    ("TR", 0.3),
    ("ZA", 0.1),
    ("VN", 0.05),
]
_EUROPE = {"DE", "FR", "GB", "CH", "NL", "SE", "IT", "FI", "AT", "DK", "BE", "ES"}
_SUBCLASSES = (
    "G06F H04L H04W G06Q H01L A61K A61P C07D G01N H04N A61B G06N H01M G06T B60L C12N A23L "
    "G02B H10K B65D F16H C08L B01D F02M H02J G01S B29C C07K B32B A47J H05K G05B F24F B60W "
    "C09K G11B H01Q C22C E04B A01N F16K C12Q B23K A61F H03M G01R B41J C08G D06F E21B G09G "
    "B01J G03F A63F F01D H02K C01B G16H A61M B33Y"
).split()


def _zipf_weights(n: int, s: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1, dtype=float) ** s
    return np.asarray(w / w.sum(), dtype=float)


def _write(table: pa.Table, writer: pq.ParquetWriter | None, path: Path) -> pq.ParquetWriter:
    if writer is None:
        schema = table.schema.with_metadata({SYNTHETIC_MARKER: b"true"})
        writer = pq.ParquetWriter(path, schema, compression="snappy")
    writer.write_table(table)
    return writer


def is_synthetic(path: str | Path) -> bool:
    """True if ``path`` is a Parquet file written by :func:`generate_patstat`."""
    p = Path(path)
    if p.suffix.lower() not in (".parquet", ".pq") or not p.is_file():
        return False
    try:
        meta = pq.read_schema(p).metadata or {}
    except (OSError, pa.ArrowException):
        return False
    return meta.get(SYNTHETIC_MARKER) == b"true"


def generate_patstat(
    n: int,
    out_dir: str | Path,
    *,
    seed: int | np.random.Generator | None = 2024,
    chunk: int = 1_000_000,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Path]:
    """Write ``n`` synthetic applications as PATSTAT-shaped Parquet files.

    Parameters
    ----------
    n
        Number of applications (tls201 rows).
    out_dir
        Directory; created if needed. Files are written under temporary names and moved
        into place at the end, so a failed run leaves no partial set.
    seed
        Seed or Generator for numpy's ``default_rng``.
    chunk
        Applications generated per batch (memory bound).
    progress
        Called with the number of applications generated after each batch (progress bars).

    Returns
    -------
    dict
        Table name (``tls201`` ...) -> written path.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise SpecError(f"n must be a positive integer; got {n!r}")
    rng = np.random.default_rng(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = ("tls201", "tls209", "tls206", "tls207")
    final = {k: out / f for k, f in zip(names, SYNTHETIC_FILES, strict=True)}
    tmp = {k: p.with_name(p.name + ".tmp") for k, p in final.items()}
    writers: dict[str, pq.ParquetWriter | None] = dict.fromkeys(names)

    offices = np.array([o[0] for o in _OFFICES])
    w0 = np.array([o[1] for o in _OFFICES])
    growth = np.array([o[2] for o in _OFFICES])
    resident = np.array([o[3] for o in _OFFICES])
    # year x office probability: world grows ~4%/yr, each office at its own rate
    level = w0[None, :] * np.exp(np.outer(YEARS - 2000, growth))
    year_p = level.sum(axis=1) / level.sum()
    office_p = level / level.sum(axis=1, keepdims=True)
    origins = np.array([o[0] for o in _ORIGINS])
    origin_p = np.array([o[1] for o in _ORIGINS], dtype=float)
    origin_p /= origin_p.sum()
    eu_mask = np.isin(origins, list(_EUROPE))
    countries = np.unique(np.concatenate([origins, offices[~np.isin(offices, ["EP", "WO", "EA"])]]))
    sub_p = _zipf_weights(len(_SUBCLASSES), 0.9)
    subclasses = np.array(_SUBCLASSES)
    firm_pool = max(50, n // 40)
    firm_p = _zipf_weights(firm_pool, 1.05)
    inv_pool = max(200, n // 3)
    used_persons: list[np.ndarray] = []

    try:
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            ids = np.arange(start + 1, start + m + 1, dtype=np.int64)
            year = rng.choice(YEARS, size=m, p=year_p)
            u = rng.random(m)
            office_i = (u[:, None] > np.cumsum(office_p[year - 2000], axis=1)).sum(axis=1)
            office_i = np.minimum(office_i, len(offices) - 1)
            office = offices[office_i]
            # origin: resident with the office's probability, else a foreign draw
            foreign = rng.choice(len(origins), size=m, p=origin_p)
            eu_draw = rng.choice(
                np.flatnonzero(eu_mask), size=m, p=origin_p[eu_mask] / origin_p[eu_mask].sum()
            )
            origin = origins[foreign]
            is_res = rng.random(m) < resident[office_i]
            origin = np.where(is_res, office, origin)
            origin = np.where((office == "EP") & (rng.random(m) < 0.5), origins[eu_draw], origin)
            fy = year.astype(np.int32)
            fy[rng.random(m) < 0.001] = 9999
            month = rng.integers(1, 13, size=m)
            day = rng.integers(1, 29, size=m)
            fdate = np.where(
                fy == 9999,
                "9999-12-31",
                np.char.add(
                    np.char.add(
                        np.char.add(year.astype(str), "-"), np.char.zfill(month.astype(str), 2)
                    ),
                    np.char.add("-", np.char.zfill(day.astype(str), 2)),
                ),
            )
            prio = (year - rng.binomial(1, 0.6, size=m)).astype(np.int32)
            prio[fy == 9999] = 9999
            granted = np.where(rng.random(m) < 0.85 - 0.03 * (year - 2000), "Y", "N")
            kind = np.where(office == "WO", "W", "A")
            t201 = pa.table(
                {
                    "appln_id": ids,
                    "appln_auth": office,
                    "appln_kind": kind,
                    "appln_filing_date": fdate,
                    "appln_filing_year": fy,
                    "earliest_filing_year": prio,
                    "granted": granted,
                    "docdb_family_id": ids + 50_000_000,
                }
            )
            writers["tls201"] = _write(t201, writers["tls201"], tmp["tls201"])
            # classifications: 1-6 symbols
            k = np.clip(rng.poisson(2.0, size=m) + 1, 1, 6)
            rep = np.repeat(ids, k)
            sub = subclasses[rng.choice(len(subclasses), size=rep.size, p=sub_p)]
            grp = np.where(
                rng.random(rep.size) < 0.5,
                rng.integers(1, 10, rep.size),
                rng.integers(1, 60, rep.size),
            )
            sg = rng.choice(
                np.array(["00", "02", "04", "06", "10", "12", "14", "20", "22", "30", "44"]),
                rep.size,
            )
            sym = np.char.add(
                np.char.add(sub, np.char.rjust(grp.astype(str), 4)), np.char.add("/", sg)
            )
            first = np.ones(rep.size, dtype=bool)
            first[1:] = rep[1:] != rep[:-1]
            t209 = pa.table(
                {
                    "appln_id": rep,
                    "ipc_class_symbol": sym,
                    "ipc_position": np.where(first, "F", "L"),
                }
            )
            writers["tls209"] = _write(t209, writers["tls209"], tmp["tls209"])
            # parties: applicants (firm pools by country) and inventors
            na = np.clip(rng.geometric(0.75, size=m), 1, 4)
            ni = np.clip(rng.poisson(1.7, size=m) + 1, 1, 8)
            origin_c = np.searchsorted(countries, origin)
            a_app = np.repeat(ids, na)
            a_seq = np.arange(a_app.size) - np.repeat(np.cumsum(na) - na, na) + 1
            a_ctry = np.repeat(origin_c, na)
            other = rng.random(a_app.size) < 0.1
            a_ctry = np.where(
                other & (a_seq > 1), rng.integers(0, len(countries), a_app.size), a_ctry
            )
            a_person = a_ctry.astype(np.int64) * 10**9 + rng.choice(
                firm_pool, size=a_app.size, p=firm_p
            )
            i_app = np.repeat(ids, ni)
            i_seq = np.arange(i_app.size) - np.repeat(np.cumsum(ni) - ni, ni) + 1
            i_ctry = np.repeat(origin_c, ni)
            moved = rng.random(i_app.size) < 0.15
            draw = np.searchsorted(
                countries, origins[rng.choice(len(origins), size=i_app.size, p=origin_p)]
            )
            i_ctry = np.where(moved, draw, i_ctry)
            i_person = (
                i_ctry.astype(np.int64) * 10**9 + 5 * 10**8 + rng.integers(0, inv_pool, i_app.size)
            )
            t207 = pa.table(
                {
                    "person_id": np.concatenate([a_person, i_person]),
                    "appln_id": np.concatenate([a_app, i_app]),
                    "applt_seq_nr": np.concatenate([a_seq, np.zeros(i_app.size, np.int64)]).astype(
                        np.int32
                    ),
                    "invt_seq_nr": np.concatenate([np.zeros(a_app.size, np.int64), i_seq]).astype(
                        np.int32
                    ),
                }
            )
            writers["tls207"] = _write(t207, writers["tls207"], tmp["tls207"])
            used_persons.append(np.unique(np.concatenate([a_person, i_person])))
            if progress is not None:
                progress(m)
        persons = np.unique(np.concatenate(used_persons))
        used_persons.clear()
        ctry = countries[persons // 10**9]
        blank = rng.random(persons.size) < 0.03
        ctry = np.where(blank, "", ctry)
        pid = pa.array(persons)
        is_inv = (persons % 10**9) >= 5 * 10**8
        label = pc.if_else(pa.array(is_inv), "INVENTOR ", "FIRM ")
        t206 = pa.table(
            {
                "person_id": pid,
                "person_name": pc.binary_join_element_wise(label, pc.cast(pid, pa.string()), ""),
                "person_ctry_code": ctry,
            }
        )
        writers["tls206"] = _write(t206, writers["tls206"], tmp["tls206"])
    except BaseException:
        for w in writers.values():
            if w is not None:
                w.close()
        for p in tmp.values():
            p.unlink(missing_ok=True)
        raise
    for w in writers.values():
        if w is not None:
            w.close()
    for table_name in names:
        os.replace(tmp[table_name], final[table_name])
    return final
