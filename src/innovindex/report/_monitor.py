"""Profiles and change explanations: the monitoring API when present, else from stored scores.

The monitoring work (:mod:`innovindex.monitor`) owns the definitions of an economy profile
and of "why did it change". Until it is installed these fallbacks give the same shape from
the scores the store already holds, so the views and the REST API do not change when it lands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .data import clean

if TYPE_CHECKING:  # pragma: no cover
    from .data import RunData

__all__ = ["profile", "explain"]

N_STRENGTHS = 5


def profile(run: RunData, unit: str, year: int) -> dict[str, Any]:
    """Scores and ranks of ``unit`` in ``year`` at every level, its strengths and weaknesses
    (the best and worst ranked elements of the lowest aggregate level), the pillars for a
    radar, its headline over the years and its rank interval when the run has an audit."""
    us = run.unit_scores(unit, year)
    name = run.units().set_index("uCode").at[unit, "uName"]
    head = us[us["code"] == run.headline]
    low = run.levels[-1]
    base = us[(us["level"] == low) & us["rank"].notna()].sort_values(["rank", "code"])
    pillars = us[us["code"].isin(run.codes_at(run.pillar_level))]
    ts = run.timeseries(unit, run.headline)
    interval = None
    if run.uncertainty is not None:
        hit = run.uncertainty[(run.uncertainty["uCode"] == unit)]
        if "time" in hit.columns:
            hit = hit[hit["time"] == year]
        if len(hit):
            interval = clean(hit.iloc[0].to_dict())
    return clean(
        {
            "run": run.run_id,
            "unit": unit,
            "uName": name,
            "year": year,
            "synthetic": run.synthetic,
            "headline": _records(head)[0] if len(head) else None,
            "scores": _records(us),
            "strengths": _records(base.head(N_STRENGTHS)),
            "weaknesses": _records(base.tail(N_STRENGTHS).iloc[::-1]) if len(base) > N_STRENGTHS else [],
            "pillars": _records(pillars),
            "timeseries": ts[["time", "score", "rank"]].to_dict("records"),
            "rank_interval": interval,
        }
    )


def explain(run: RunData, unit: str, start: int, end: int) -> dict[str, Any]:
    """The headline change of ``unit`` from ``start`` to ``end``, split into the contributions
    of the pillars: each pillar's score change times its effective weight in the headline
    (the product of its normalised weights up the tree; equal weights when the tree is not
    known). ``residual`` is what the weighted changes do not account for (missing data,
    a non-arithmetic aggregation)."""
    a = run.unit_scores(unit, start).set_index("code")
    b = run.unit_scores(unit, end).set_index("code")
    head = run.headline
    weights = _effective_weights(run, run.codes_at(run.pillar_level))
    parts = []
    for code, w in weights.items():
        if code in a.index and code in b.index:
            d = b.at[code, "score"] - a.at[code, "score"]
            parts.append(
                {
                    "code": code,
                    "name": run.name_of(code),
                    "from_score": a.at[code, "score"],
                    "to_score": b.at[code, "score"],
                    "change": d,
                    "weight": w,
                    "contribution": w * d if pd.notna(d) else None,
                    "from_rank": a.at[code, "rank"],
                    "to_rank": b.at[code, "rank"],
                }
            )
    parts.sort(key=lambda p: -abs(p["contribution"] or 0.0))
    change = b.at[head, "score"] - a.at[head, "score"] if head in a.index and head in b.index else None
    explained = sum(p["contribution"] or 0.0 for p in parts)
    return clean(
        {
            "run": run.run_id,
            "unit": unit,
            "code": head,
            "from": start,
            "to": end,
            "from_score": a.at[head, "score"] if head in a.index else None,
            "to_score": b.at[head, "score"] if head in b.index else None,
            "change": change,
            "from_rank": a.at[head, "rank"] if head in a.index else None,
            "to_rank": b.at[head, "rank"] if head in b.index else None,
            "contributions": parts,
            "residual": None if change is None or pd.isna(change) else change - explained,
        }
    )


def _effective_weights(run: RunData, codes: list[str]) -> dict[str, float]:
    tree = run.tree.set_index("code")
    known = tree["parent"].notna().any()
    if not known:
        return {c: 1.0 / len(codes) for c in codes} if codes else {}
    out = {}
    for c in codes:
        w, node = 1.0, c
        while node in tree.index and pd.notna(tree.at[node, "parent"]):
            parent = tree.at[node, "parent"]
            sib = tree[tree["parent"] == parent]["weight"].astype(float)
            w *= float(tree.at[node, "weight"]) / float(sib.sum())
            node = parent
        out[c] = w
    return out


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [c for c in ("code", "name", "level", "score", "rank", "n") if c in df.columns]
    return [dict(r) for r in df[cols].to_dict("records")]
