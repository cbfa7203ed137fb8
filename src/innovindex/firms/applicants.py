"""Applicant harmonisation: spelling variants -> one harmonised applicant with a stable id.

Method (blocking + rapidfuzz, chosen over Splink; see docs/firms.md): names are normalised
(:mod:`.names`); equal keys are one applicant (``exact key``); keys are then blocked on
their first four characters (refined by four more while a block has more than 300 keys)
and their digits (names that differ in a number are never merged), and within a block pairs whose rapidfuzz
``token_sort_ratio`` reaches ``threshold`` are linked (``fuzzy``, score = the ratio);
linked keys form clusters (union-find). Individuals are only merged within one country
(two "Kim Min Soo" in different countries are different people).

The id is ``HA`` + the first 12 hex digits of the SHA-1 of the cluster's smallest key
(and country for individuals), so the same input always gives the same ids. An
overrides file (``raw_name, country, applicant_id, applicant_name, sector``; blank =
keep) is applied after clustering on every run, so corrections survive re-runs.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InputError, SpecError
from .names import analyse
from .sectors import SECTORS, from_psn_sector, person_key, sector_from, sector_of

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "MAPPING_COLUMNS",
    "STORE_TABLE",
    "application_sectors",
    "applicant_names",
    "harmonise",
    "apply_overrides",
    "inventor_key",
    "read_overrides",
]

MAPPING_COLUMNS = [
    "raw_name",
    "country",
    "applicant_id",
    "applicant_name",
    "sector",
    "method",
    "score",
]
STORE_TABLE = "firm_applicants"
_BLOCK = 4
_DIGITS = re.compile(r"\D+")
_JOIN = r"[.'’`´]"  # as in names.tokens: dots and apostrophes join, other punctuation separates
_SEP = r"(?:[^\w&]|_)+"
_MAX_BLOCK = 300


def application_sectors(parties: pd.DataFrame) -> pd.DataFrame:
    """Sector of each applicant of each application: ``appln_id, name, sector, method``.

    The inventor rule first (the applicant's name is one of the application's inventors:
    individual), then the name rules of :func:`.sectors.sector_of`.
    """
    app = parties[parties["role"] == "applicant"].dropna(subset=["name"])
    inv = parties[parties["role"] == "inventor"].dropna(subset=["name"])
    inv_keys = set(zip(inv["appln_id"], (person_key(n) for n in inv["name"]), strict=True))
    rows = []
    for aid, name in zip(app["appln_id"], app["name"], strict=True):
        if (aid, person_key(name)) in inv_keys:
            rows.append((aid, name, "individual", "inventor rule"))
        else:
            sec, rule = sector_of(name)
            rows.append((aid, name, sec, rule))
    return pd.DataFrame(rows, columns=["appln_id", "name", "sector", "method"])


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        p = self.parent
        while p[i] != i:
            p[i] = p[p[i]]
            i = int(p[i])
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _blocks(keys: list[str], order: list[int]) -> list[list[int]]:
    """Blocks of key indexes: the same first characters (4, refined by 4 more while a block
    has more than ``_MAX_BLOCK`` keys) and the same digits."""
    out: list[list[int]] = []
    digits = [_DIGITS.sub("", k) if any(c.isdigit() for c in k) else "" for k in keys]
    todo: list[tuple[int, list[int]]] = [(_BLOCK, order)]
    while todo:
        n, members = todo.pop()
        groups: dict[tuple[str, str], list[int]] = {}
        for i in members:
            groups.setdefault((keys[i][:n], digits[i]), []).append(i)
        for (prefix, _), g in groups.items():
            if len(g) > _MAX_BLOCK and len(prefix) == n and any(len(keys[i]) > n for i in g):
                todo.append((n + _BLOCK, g))
            else:
                out.append(g)
    return out


def _link(keys: list[str], threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels and best link score of each key (blocking + rapidfuzz)."""
    from rapidfuzz import fuzz, process

    order = sorted(range(len(keys)), key=lambda i: keys[i])
    uf = _Union(len(keys))
    best = np.full(len(keys), 100.0)
    for chunk in _blocks(keys, order):
        if len(chunk) > 1:
            texts = [keys[i] for i in chunk]
            sim = process.cdist(
                texts,
                texts,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=threshold,
                dtype=np.uint8,
                workers=1,
            )
            np.fill_diagonal(sim, 0)
            for a, b in zip(*np.nonzero(np.triu(sim)), strict=True):
                ia, ib = chunk[int(a)], chunk[int(b)]
                uf.union(ia, ib)
                s = float(sim[a, b])
                best[ia] = min(best[ia], s)
                best[ib] = min(best[ib], s)
    labels = np.array([uf.find(i) for i in range(len(keys))])
    return labels, best


def harmonise(names: pd.DataFrame, *, threshold: float = 92.0) -> pd.DataFrame:
    """Harmonise distinct applicant names.

    Parameters
    ----------
    names
        ``raw_name``, ``country`` (may be null), optional ``applications`` (weight of
        each name), ``inventor_share`` (share of its applications where it is also an
        inventor) and ``psn_sector``.
    threshold
        rapidfuzz ``token_sort_ratio`` (0-100) from which two keys are the same applicant.

    Returns
    -------
    pandas.DataFrame
        The mapping table: :data:`MAPPING_COLUMNS`, one row per (raw name, country).
    """
    if not 0 < threshold <= 100:
        raise SpecError(f"threshold must be in (0, 100]; got {threshold}")
    df = names.reset_index(drop=True).copy()
    df["country"] = df["country"].where(df["country"].notna(), None) if "country" in df else None
    weight = df["applications"].to_numpy() if "applications" in df else np.ones(len(df))
    # names that differ only in case, dots and punctuation are analysed once
    raw = df["raw_name"].astype(str)
    pre = (
        raw.str.lower()
        .str.replace(_JOIN, "", regex=True)
        .str.replace(_SEP, " ", regex=True)
        .str.strip()
    )
    pre_list: list[str] = pre.where(pre != "", raw).tolist()  # plain lists: fast to loop over
    keyof, secof = {}, {}
    for form in dict.fromkeys(pre_list):
        toks, norm = analyse(form)
        keyof[form] = norm.key or form
        secof[form] = sector_from(form, toks, norm.forms)
    keys = [keyof[f] for f in pre_list]
    sectors, methods = [], []
    psn = df["psn_sector"].tolist() if "psn_sector" in df else [None] * len(df)
    inv = df["inventor_share"].tolist() if "inventor_share" in df else [0.0] * len(df)
    for form, p, share in zip(pre_list, psn, inv, strict=True):
        given = from_psn_sector(p) if isinstance(p, str) else None
        if given:
            sectors.append(given)
            methods.append("psn_sector")
        elif share is not None and share >= 0.5:
            sectors.append("individual")
            methods.append("inventor rule")
        else:
            sec, rule = secof[form]
            sectors.append(sec)
            methods.append(rule)
    # individuals are compared within their country only
    ckeys = [
        f"{k}\x1f{c or ''}" if s == "individual" else k
        for k, c, s in zip(keys, df["country"].tolist(), sectors, strict=True)
    ]
    del keys, keyof, secof
    uniq = sorted(set(ckeys))
    pos = {k: i for i, k in enumerate(uniq)}
    labels, best = _link(uniq, threshold)
    at = np.fromiter((pos[k] for k in ckeys), dtype=np.int64, count=len(ckeys))
    del pos, ckeys
    # clusters numbered 0..C-1; uniq is sorted, so a cluster's smallest key has its
    # smallest uniq index
    comp, label_of_uniq = np.unique(labels, return_inverse=True)
    n_c = len(comp)
    first_uniq = np.full(n_c, len(uniq), dtype=np.int64)
    np.minimum.at(first_uniq, label_of_uniq, np.arange(len(uniq)))
    ids = np.array(
        ["HA" + hashlib.sha1(uniq[i].encode("utf-8")).hexdigest()[:12] for i in first_uniq],
        dtype=object,
    )
    keys_per_cluster = np.bincount(label_of_uniq, minlength=n_c)
    cluster = label_of_uniq[at]
    score = best[at]
    del uniq, at
    raw_arr = np.array(df["raw_name"].tolist(), dtype=object)
    # representative: the most used spelling, ties by name (one lexsort, no per-cluster loop)
    name_rank = np.empty(len(raw_arr), dtype=np.int64)
    name_rank[np.argsort(raw_arr, kind="stable")] = np.arange(len(raw_arr))
    order = np.lexsort((name_rank, -np.asarray(weight, dtype=float), cluster))
    firsts = order[np.r_[True, cluster[order][1:] != cluster[order][:-1]]]
    rep = np.empty(n_c, dtype=object)
    rep[cluster[firsts]] = raw_arr[firsts]
    # one sector per harmonised applicant: the weighted majority (ties: alphabetical)
    by_name = sorted(SECTORS)
    code = {sname: i for i, sname in enumerate(by_name)}
    sec_codes = np.fromiter((code[x] for x in sectors), dtype=np.int64, count=len(sectors))
    votes = np.zeros((n_c, len(by_name)))
    np.add.at(votes, (cluster, sec_codes), np.asarray(weight, dtype=float))
    majority = np.array(by_name, dtype=object)[votes.argmax(axis=1)]
    multi = keys_per_cluster[cluster] > 1
    linked = np.where(multi, np.where(score < 100, "fuzzy", "exact key"), "exact key")
    out = pd.DataFrame(
        {
            "raw_name": raw_arr,
            "country": df["country"].to_numpy(dtype=object),
            "applicant_id": ids[cluster],
            "applicant_name": rep[cluster],
            "sector": majority[cluster],
            "method": [f"{lk}; {m}" for lk, m in zip(linked, methods, strict=True)],
            "score": np.where(multi, score, 100.0),
        }
    )
    return out.sort_values(["applicant_id", "raw_name"], kind="mergesort").reset_index(drop=True)


def read_overrides(path: str | Path) -> pd.DataFrame:
    """Read an overrides file (CSV/XLSX/Parquet): ``raw_name`` required; ``country``,
    ``applicant_id``, ``applicant_name``, ``sector`` optional (blank = keep)."""
    from ..io.readers import read_table

    cols = ("raw_name", "country", "applicant_id", "applicant_name", "sector")
    df = read_table(path, text_columns=cols)
    if "raw_name" not in df.columns:
        raise InputError(
            f"missing column 'raw_name'; found {list(df.columns)[:6]}", file=path, column="raw_name"
        )
    extra = [c for c in df.columns if c not in cols]
    if extra:
        raise InputError(
            f"unknown column(s) {extra}; expected some of {list(cols)}",
            file=path,
            column=str(extra[0]),
        )
    return df


def apply_overrides(
    mapping: pd.DataFrame, overrides: pd.DataFrame, *, source: str = "<overrides>"
) -> pd.DataFrame:
    """Apply corrections to a mapping table; every row must name a raw name in it."""
    out = mapping.copy()
    for i, row in overrides.reset_index(drop=True).iterrows():
        line = int(str(i)) + 2
        raw = row.get("raw_name")
        if raw is None or (isinstance(raw, float) and np.isnan(raw)) or not str(raw).strip():
            raise InputError("empty raw_name", file=source, row=line, column="raw_name")
        hit = out["raw_name"] == raw
        country = row.get("country")
        if isinstance(country, str) and country.strip():
            hit &= out["country"] == country.strip()
        if not hit.any():
            raise InputError(
                f"unknown applicant {raw!r}: not a raw name of the mapping",
                file=source,
                row=line,
                column="raw_name",
            )
        sector = row.get("sector")
        if isinstance(sector, str) and sector.strip():
            if sector.strip() not in SECTORS:
                raise InputError(
                    f"unknown sector {sector!r}; expected one of {list(SECTORS)}",
                    file=source,
                    row=line,
                    column="sector",
                )
            out.loc[hit, "sector"] = sector.strip()
        for col in ("applicant_id", "applicant_name"):
            v = row.get(col)
            if isinstance(v, str) and v.strip():
                out.loc[hit, col] = v.strip()
        out.loc[hit, "method"] = "override"
        out.loc[hit, "score"] = 100.0
    return out


def inventor_key(name: ir.StringValue) -> ir.StringValue:
    """:func:`.sectors.person_key` as an Ibis expression (DuckDB and Spark)."""
    import ibis

    words = name.lower().re_replace(r"[^\p{L}\p{N}]+", " ").strip().split(" ").sort()
    return ibis.literal(" ").join(words)


def applicant_names(parties: ir.Table) -> ir.Table:
    """Distinct applicant ``raw_name, country`` with ``applications`` (rows) and
    ``inventor_share`` (share of them where an inventor of the same application has the
    same :func:`inventor_key`): the input of :func:`harmonise`, on any engine."""
    import ibis

    p = parties.filter(parties.name.notnull())
    a = p.filter(p.role == "applicant")
    a = a.select("appln_id", "country", raw_name=a.name, k=inventor_key(a.name))
    i = p.filter(p.role == "inventor")
    i = i.select(_aid=i.appln_id, _k=inventor_key(i.name)).distinct()
    j = a.left_join(i, [a.appln_id == i._aid, a.k == i._k])
    hit = ibis.ifelse(j._aid.isnull(), 0.0, 1.0)
    g = j.group_by(["raw_name", "country"]).aggregate(
        applications=j.count(), inventor_share=hit.mean()
    )
    return g.order_by([g.raw_name, g.country])
