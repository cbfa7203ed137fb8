"""Profiles and change explanations, with the monitoring API's definitions.

Strengths and weaknesses follow :func:`innovindex.monitor.strengths_weaknesses` (the GII 2019
rule), computed once per run and year on the scores already in memory, so a profile request
is a slice of a cached table (the monitoring API's own ``profile`` re-reads the whole run
from the store on every call, too slow for a web request). Explanations are
:func:`innovindex.monitor.explain` (exact attribution from the stored indicator data), cached
per question; a run imported from published results has no indicator data, so its
explanation falls back to the weighted pillar changes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ..errors import InnovindexError
from .data import clean

if TYPE_CHECKING:  # pragma: no cover
    from .data import RunData

__all__ = ["profile", "explain", "year_table"]


def flag_levels(run: RunData) -> tuple[int, ...]:
    """Levels whose elements are flagged: everything below the children of the top aggregate
    (GII: indicators, sub-pillars, pillars), as in :func:`innovindex.monitor.flag_levels`."""
    levels = run.levels
    kid = levels[1] if len(levels) > 1 else levels[0]
    below = tuple(lev for lev in run.all_levels if lev < kid)
    return below or (kid,)


def year_table(run: RunData, year: int) -> pd.DataFrame:
    """Every unit's every element in ``year`` (aggregates from the store, indicators from
    their normalised values): ``uCode, code, level, score, rank, n_units, percentile, flag``."""
    cache = run.__dict__.setdefault("_year_tables", {})
    if year in cache:
        return cast(pd.DataFrame, cache[year])
    from ..monitor import strengths_weaknesses

    sc = run.scores[run.scores["time"] == year][["uCode", "code", "level", "score", "rank"]]
    sc = sc[sc["level"].notna()]
    parts = [sc.assign(level=sc["level"].astype(int))]
    ind = run.indicators
    if len(ind) and ind["normalised"].notna().any():
        i = ind[ind["time"] == year][["uCode", "code", "normalised"]].rename(
            columns={"normalised": "score"}
        )
        i = i.assign(level=1)
        i["rank"] = i.groupby("code")["score"].rank(ascending=False, method="min")
        parts.append(i)
    t = pd.concat(parts, ignore_index=True)
    t["n_units"] = t.groupby("code")["score"].transform("count")
    below = t.groupby("code")["score"].rank(method="min") - 1
    t["percentile"] = (100.0 * below / (t["n_units"] - 1).where(t["n_units"] > 1)).round(1)
    t["flag"] = strengths_weaknesses(t, levels=flag_levels(run))
    cache[year] = t
    return t


def _year_rows(run: RunData, year: int) -> dict[str, list[dict[str, Any]]]:
    """The year table as plain records grouped by unit, top level first, framework order:
    built once per year so that a profile is a dictionary lookup, not a pandas query."""
    cache = run.__dict__.setdefault("_year_rows", {})
    if year not in cache:
        t = year_table(run, year).copy()
        t["name"] = [run.name_of(c) for c in t["code"]]
        t["_o"] = [run.code_order(c) for c in t["code"]]
        t = t.sort_values(["uCode", "level", "_o"], ascending=[True, False, True], kind="stable")
        cols = ["uCode", "code", "name", "level", "score", "rank", "n_units", "percentile", "flag"]
        out: dict[str, list[dict[str, Any]]] = {}
        for rec in clean(t[cols].to_dict("records")):
            out.setdefault(rec.pop("uCode"), []).append(rec)
        cache[year] = out
    return cast(dict[str, list[dict[str, Any]]], cache[year])


def _headline_series(run: RunData) -> dict[str, list[dict[str, Any]]]:
    cache = run.__dict__
    if "_headline_series" not in cache:
        s = run.scores[run.scores["code"] == run.headline].sort_values(["uCode", "time"])
        out: dict[str, list[dict[str, Any]]] = {}
        for rec in clean(s[["uCode", "time", "score", "rank"]].to_dict("records")):
            out.setdefault(rec.pop("uCode"), []).append(rec)
        cache["_headline_series"] = out
    return cast(dict[str, list[dict[str, Any]]], cache["_headline_series"])


def profile(run: RunData, unit: str, year: int) -> dict[str, Any]:
    """Scores and ranks of ``unit`` in ``year`` at every level with percentiles and GII-rule
    strength/weakness flags, the pillars for a radar, the headline over the years and the rank
    interval when the run has an audit."""
    rows = _year_rows(run, year).get(unit, [])
    aggs = [r for r in rows if r["level"] > 1]
    head = [r for r in aggs if r["code"] == run.headline]
    pillar_codes = set(run.codes_at(run.pillar_level))
    pillars = [r for r in aggs if r["code"] in pillar_codes]
    strengths = sorted(
        (r for r in rows if r["flag"] == "Strength"),
        key=lambda r: (-r["level"], -(r["percentile"] if r["percentile"] is not None else -1)),
    )
    weaknesses = sorted(
        (r for r in rows if r["flag"] == "Weakness"),
        key=lambda r: (-r["level"], r["percentile"] if r["percentile"] is not None else 101),
    )
    interval = None
    if run.uncertainty is not None:
        hit = run.uncertainty[run.uncertainty["uCode"] == unit]
        if "time" in hit.columns:
            hit = hit[hit["time"] == year]
        if len(hit):
            interval = clean(hit.iloc[0].to_dict())
    group = None
    if run.group_attribute is not None:
        g = run.unit_groups(year)
        if unit in g.index:
            group = {"attribute": run.group_attribute, "value": str(g[unit])}
    return {
        "run": run.run_id,
        "unit": unit,
        "uName": run.unit_name(unit),
        "year": year,
        "synthetic": run.synthetic,
        "group": group,
        "headline": head[0] if head else None,
        "scores": aggs,
        "indicators": [r for r in rows if r["level"] == 1],
        "strengths": strengths,
        "weaknesses": weaknesses,
        "pillars": pillars,
        "timeseries": _headline_series(run).get(unit, []),
        "rank_interval": interval,
    }


def explain(run: RunData, unit: str, start: int, end: int) -> dict[str, Any]:
    """Why ``unit``'s headline changed from ``start`` to ``end``: the monitoring API's exact
    attribution (own data, normalisation bounds, missing data) per pillar, or weighted pillar
    changes for runs without indicator data."""
    return _explain_cached(run, unit, int(start), int(end))


@lru_cache(maxsize=512)
def _explain_cached(run: RunData, unit: str, start: int, end: int) -> dict[str, Any]:
    if start == end:
        return _explain_fallback(run, unit, start, end, "the two years are the same")
    if len(run.indicators) and run.indicators["normalised"].notna().any():
        from .. import monitor

        try:
            e = monitor.explain(run.db, unit, start, end, run=run.run_id)
        except InnovindexError as exc:
            return _explain_fallback(run, unit, start, end, str(exc))
        return _from_explanation(run, e)
    return _explain_fallback(
        run, unit, start, end, "the run has no indicator data (imported results)"
    )


def _from_explanation(run: RunData, e: Any) -> dict[str, Any]:
    s = e.summary.iloc[0]
    level = run.pillar_level
    by = e.by_level(level)
    prev = run.unit_scores(e.unit, e.from_).set_index("code")
    now = run.unit_scores(e.unit, e.to).set_index("code")
    parts = []
    for r in by.to_dict("records"):
        c = str(r["code"])
        parts.append(
            {
                "code": c,
                "name": r["name"],
                "from_score": prev["score"].get(c),
                "to_score": now["score"].get(c),
                "change": now["score"].get(c, np.nan) - prev["score"].get(c, np.nan),
                "contribution": r["total"],
                "own_data": r.get("own_data"),
                "bounds": r.get("bounds"),
                "missing": r.get("missing"),
                "from_rank": prev["rank"].get(c),
                "to_rank": now["rank"].get(c),
            }
        )
    moves = e.rank_moves.to_dict("records")
    return cast(
        dict[str, Any],
        clean(
            {
                "run": run.run_id,
                "unit": e.unit,
                "code": e.code,
                "from": e.from_,
                "to": e.to,
                "method": "exact attribution (innovindex.monitor.explain)",
                "from_score": s["score_from"],
                "to_score": s["score_to"],
                "change": s["change_abs"],
                "from_rank": s["rank_from"],
                "to_rank": s["rank_to"],
                "effects": {k: s[k] for k in ("own_data", "bounds", "missing")},
                "contributions": parts,
                "residual": s["residual"],
                "rank_moves": moves,
            }
        ),
    )


def _scores_by_code(run: RunData, unit: str, year: int) -> dict[str, dict[str, Any]]:
    recs: list[dict[str, Any]] = clean(run.unit_scores(unit, year).to_dict("records"))
    return {str(r["code"]): r for r in recs}


def _explain_fallback(run: RunData, unit: str, start: int, end: int, why: str) -> dict[str, Any]:
    a = _scores_by_code(run, unit, start)
    b = _scores_by_code(run, unit, end)
    head = run.headline
    weights = _effective_weights(run, run.codes_at(run.pillar_level))
    parts: list[dict[str, Any]] = []
    for code, w in weights.items():
        if code in a and code in b:
            s0, s1 = a[code]["score"], b[code]["score"]
            d = None if s0 is None or s1 is None else s1 - s0
            parts.append(
                {
                    "code": code,
                    "name": run.name_of(code),
                    "from_score": s0,
                    "to_score": s1,
                    "change": d,
                    "contribution": None if d is None else w * d,
                    "own_data": None,
                    "bounds": None,
                    "missing": None,
                    "from_rank": a[code]["rank"],
                    "to_rank": b[code]["rank"],
                }
            )
    parts.sort(key=lambda p: -abs(p["contribution"] or 0.0))
    h0, h1 = a.get(head, {}), b.get(head, {})
    s0, s1 = h0.get("score"), h1.get("score")
    change = None if s0 is None or s1 is None else s1 - s0
    explained = sum(p["contribution"] or 0.0 for p in parts)
    return cast(
        dict[str, Any],
        clean(
            {
                "run": run.run_id,
                "unit": unit,
                "code": head,
                "from": start,
                "to": end,
                "method": f"weighted pillar changes ({why})",
                "from_score": s0,
                "to_score": s1,
                "change": change,
                "from_rank": h0.get("rank"),
                "to_rank": h1.get("rank"),
                "effects": None,
                "contributions": parts,
                "residual": None if change is None else change - explained,
                "rank_moves": [],
            }
        ),
    )


def _effective_weights(run: RunData, codes: list[str]) -> dict[str, float]:
    """Each code's weight in the headline: the product of its normalised sibling weights up
    the tree (equal weights when the tree has no parents)."""
    nodes: list[dict[str, Any]] = clean(run.tree.to_dict("records"))
    parent = {str(n["code"]): n["parent"] for n in nodes}
    weight = {str(n["code"]): float(n["weight"] or 0.0) for n in nodes}
    if not any(p is not None for p in parent.values()):
        return {c: 1.0 / len(codes) for c in codes} if codes else {}
    siblings: dict[str, float] = {}
    for c, p in parent.items():
        if p is not None:
            siblings[p] = siblings.get(p, 0.0) + weight[c]
    out = {}
    for c in codes:
        w, node = 1.0, c
        while parent.get(node) is not None:
            p = str(parent[node])
            w *= weight[node] / siblings[p] if siblings[p] else 0.0
            node = p
        out[c] = w
    return out
