"""Exact attribution of a unit's score change between two years.

See docs/monitor.md ("Change attribution") for the method: a three-factor Shapley split into
the unit's own data, the sample's normalisation bounds and missing data, and within each
factor an exact split by indicator that holds for any power-mean aggregation (arithmetic,
geometric as the log limit, harmonic, generalised).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ._attribution import Tree, attribute
from ._rundata import RunData, load_run
from .changes import change_measures
from .panel import Panel

__all__ = ["Explanation", "explain", "explain_all", "EFFECTS"]

#: The three effects, in the order they are reported.
EFFECTS = ("own_data", "bounds", "missing")


@dataclass(frozen=True)
class Explanation:
    """Why a unit's score changed between two years.

    Attributes
    ----------
    unit, code, from_, to
        What was explained: the unit, the aggregate (default the index), the two years.
    summary
        One row: ``score_from``, ``score_to``, the change measures (``change_abs``,
        ``change_pct``, ``cagr_pct``, ``fold``), ``rank_from``, ``rank_to``,
        ``rank_change`` and the three effects ``own_data``, ``bounds``, ``missing``
        (which add up to ``change_abs``).
    contributions
        Tidy: one row per effect and element (indicator, sub-pillar, pillar...):
        ``effect``, ``level``, ``code``, ``name``, ``parent``, ``value_from``, ``value_to``,
        ``contribution``. At every level the contributions add up exactly (to rounding
        error) to the change of the explained score.
    rank_moves
        Units that overtook the unit or were overtaken by it (and units that entered or left
        the sample above it): ``uCode``, ``uName``, ``move``, ``score_from``, ``score_to``,
        ``gap_from``, ``gap_to`` (their score minus the unit's).
    """

    unit: str
    code: str
    from_: int
    to: int
    summary: pd.DataFrame
    contributions: pd.DataFrame
    rank_moves: pd.DataFrame

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready content (NaN as None): ``summary`` (one record), ``contributions``
        and ``rank_moves`` (lists of records) - what a REST response carries."""

        def records(df: pd.DataFrame) -> list[dict[str, object]]:
            clean = df.astype(object).where(df.notna(), None)
            return [
                {str(k): (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                for r in clean.to_dict("records")
            ]

        return {
            "unit": self.unit,
            "code": self.code,
            "from": self.from_,
            "to": self.to,
            "summary": records(self.summary)[0],
            "contributions": records(self.contributions),
            "rank_moves": records(self.rank_moves),
        }

    def by_level(self, level: int) -> pd.DataFrame:
        """Contributions at one level, one row per element, the effects as columns plus ``total``."""
        c = self.contributions[self.contributions["level"] == level]
        wide = c.pivot_table(
            index=["code", "name"],
            columns="effect",
            values="contribution",
            aggfunc="sum",
            sort=False,
        )
        wide = wide.reindex(columns=list(EFFECTS)).fillna(0.0)
        wide["total"] = wide.sum(axis=1)
        return (
            wide.reset_index()
            .sort_values("total", key=np.abs, ascending=False, kind="stable")
            .reset_index(drop=True)
        )


def _bounds_arrays(run: RunData, t: int, rows: int) -> dict[str, np.ndarray]:
    b = run.year(t).bounds
    inds = list(run.framework.indicators)
    if b.empty or "lower" not in b.columns:
        raise InputError(
            f"{run.source} has no normalisation record for {t}: it was imported from published "
            "results (no indicator data), so its changes cannot be attributed"
        )
    b = b.reindex(inds)
    bad = sorted(set(b.index[~b["method"].isin(["minmax", "scaled"])]))
    if bad:
        from ..errors import SpecError

        raise SpecError(
            f"explain needs min-max or fixed-scale normalisation; indicator(s) {bad[:5]} use {sorted(set(b.loc[bad, 'method']))}"
        )
    return {
        k: np.broadcast_to(b[k].to_numpy(dtype=float), (rows, len(inds)))
        for k in ("lower", "upper", "range_lo", "range_hi", "direction")
    }


def _top(run: RunData, code: str | None) -> str:
    if run.kind == "import":
        raise InputError(
            f"{run.source} was imported from published results: it has no indicator data, so its "
            "changes cannot be attributed (its scores and ranks can still be profiled)"
        )
    fw = run.framework
    if code is None:
        return fw.aggregates[-1]
    if code not in fw.aggregates:
        raise InputError(
            f"{code!r} is not an aggregate of the framework; aggregates: {list(fw.aggregates)}"
        )
    return code


def _core(
    run: RunData, jobs: list[tuple[list[str], int, int]], top: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Effects (3 x rows x indicators), recorded scores from/to and the recomputation error, for
    every (units, from, to) job stacked into one vectorised computation."""
    fw = run.framework
    inds = list(fw.indicators)
    X0, X1, own, s0, s1 = [], [], [], [], []
    B0: dict[str, list[np.ndarray]] = {}
    B1: dict[str, list[np.ndarray]] = {}
    for units, a, b in jobs:
        y0, y1 = run.year(a), run.year(b)
        X0.append(y0.treated.reindex(index=units, columns=inds).to_numpy(dtype=float))
        X1.append(y1.treated.reindex(index=units, columns=inds).to_numpy(dtype=float))
        o0 = y0.observed.reindex(index=units, columns=inds).fillna(False).to_numpy(dtype=bool)
        o1 = y1.observed.reindex(index=units, columns=inds).fillna(False).to_numpy(dtype=bool)
        own.append(o0 & o1)
        for store, t in ((B0, a), (B1, b)):
            for k, v in _bounds_arrays(run, t, len(units)).items():
                store.setdefault(k, []).append(v)
        s0.append(y0.scores[top].reindex(units).to_numpy(dtype=float))
        s1.append(y1.scores[top].reindex(units).to_numpy(dtype=float))
    tree = Tree.build(fw, run.spec)
    effects, V0, V1 = attribute(
        tree, np.vstack(X0), np.vstack(X1), np.vstack(own),
        {k: np.vstack(v) for k, v in B0.items()}, {k: np.vstack(v) for k, v in B1.items()}, top,
    )  # fmt: skip
    r0, r1 = np.concatenate(s0), np.concatenate(s1)
    j = tree.cols.index(top)
    err = np.maximum(np.abs(V0[:, j] - r0), np.abs(V1[:, j] - r1))
    return effects, r0, r1, err


def explain_all(
    source: str | Path | Panel,
    from_: int,
    to: int,
    *,
    run: str = "latest",
    code: str | None = None,
) -> pd.DataFrame:
    """The three effects for every unit scored in both years, vectorised (one row per unit).

    Columns: ``from``, ``to``, ``uCode``, ``uName``, ``score_from``, ``score_to``,
    ``change_abs``, ``own_data``, ``bounds``, ``missing``, ``residual`` (change minus the three
    effects: rounding only).
    """
    return explain_pairs(source, [(from_, to)], run=run, code=code)


def explain_pairs(
    source: str | Path | Panel,
    pairs: list[tuple[int, int]] | str = "consecutive",
    *,
    run: str = "latest",
    code: str | None = None,
) -> pd.DataFrame:
    """:func:`explain_all` for several pairs of years at once (``"consecutive"``: every year
    with the next), in one vectorised computation; one row per unit and pair."""
    data = load_run(source, run)
    top = _top(data, code)
    if isinstance(pairs, str):
        if pairs != "consecutive":
            raise InputError(
                f"pairs must be a list of (from, to) years or 'consecutive'; got {pairs!r}"
            )
        pairs = list(zip(data.times[:-1], data.times[1:], strict=True))
        data.preload()
    jobs = []
    for a, b in pairs:
        y0, y1 = data.year(a), data.year(b)
        ok1 = set(y1.scores[top].dropna().index)
        jobs.append(([u for u in y0.scores[top].dropna().index if u in ok1], int(a), int(b)))
    effects, s0, s1, _ = _core(data, jobs, top)
    tot = effects.sum(axis=2)
    names = {}
    for _, _, b in jobs:
        names.update(data.year(b).units["uName"].to_dict())
    out = pd.DataFrame(
        {
            "from": np.concatenate([[a] * len(u) for u, a, _ in jobs]).astype(int),
            "to": np.concatenate([[b] * len(u) for u, _, b in jobs]).astype(int),
            "uCode": [x for u, _, _ in jobs for x in u],
        }
    )
    out["uName"] = out["uCode"].map(names)
    out["score_from"], out["score_to"], out["change_abs"] = s0, s1, s1 - s0
    for k, name in enumerate(EFFECTS):
        out[name] = tot[k]
    out["residual"] = out["change_abs"] - tot.sum(axis=0)
    return out


def _rank_moves(data: RunData, unit: str, from_: int, to: int, top: str) -> pd.DataFrame:
    s0, s1 = data.year(from_).scores[top].dropna(), data.year(to).scores[top].dropna()
    me0, me1 = s0[unit], s1[unit]
    names = {**data.year(from_).units["uName"].to_dict(), **data.year(to).units["uName"].to_dict()}
    rows = []
    for u in sorted(set(s0.index) | set(s1.index)):
        if u == unit:
            continue
        a0 = bool(s0[u] > me0) if u in s0.index else None
        a1 = bool(s1[u] > me1) if u in s1.index else None
        move = None
        if a0 is False and a1 is True:
            move = "overtook"
        elif a0 is True and a1 is False:
            move = "overtaken"
        elif a0 is None and a1 is True:
            move = "entered above"
        elif a0 is True and a1 is None:
            move = "left from above"
        if move:
            rows.append(
                {
                    "uCode": u,
                    "uName": names.get(u, u),
                    "move": move,
                    "score_from": s0.get(u, np.nan),
                    "score_to": s1.get(u, np.nan),
                    "gap_from": s0.get(u, np.nan) - me0,
                    "gap_to": s1.get(u, np.nan) - me1,
                }
            )
    cols = ["uCode", "uName", "move", "score_from", "score_to", "gap_from", "gap_to"]
    return pd.DataFrame(rows, columns=cols)


def _status(observed: pd.Series, treated: pd.Series) -> pd.Series:
    return pd.Series(
        np.where(observed, "observed", np.where(treated.notna(), "imputed", "missing")),
        index=observed.index,
    )


def explain(
    source: str | Path | Panel,
    unit: str,
    from_: int,
    to: int,
    *,
    run: str = "latest",
    code: str | None = None,
) -> Explanation:
    """Explain the change of ``unit``'s score from year ``from_`` to year ``to``.

    Parameters
    ----------
    source
        The store (a path; ``run`` picks the run) or an in-memory :class:`Panel`.
    code
        The aggregate to explain (default: the top of the framework).

    Raises
    ------
    InputError
        Unknown unit or run, a year the run does not have, or a run imported from published
        results (no indicator data to attribute).
    SpecError
        The run's normalisation or aggregation has no exact decomposition (e.g. Copeland).
    """
    data = load_run(source, run)
    top = _top(data, code)
    unit = data.unit(unit)
    y0, y1 = data.year(from_), data.year(to)
    for t, y in ((from_, y0), (to, y1)):
        if unit not in y.scores.index or np.isnan(float(y.scores.at[unit, top])):  # type: ignore[arg-type]
            raise InputError(f"unit {unit!r} has no {top} score in {t} in {data.source}")
    effects, s0, s1, err = _core(data, [([unit], int(from_), int(to))], top)
    fw = data.framework
    inds = list(fw.indicators)
    names = data.names()
    in_tree = set(fw.descendants(top))
    ind_rows = []
    st0 = _status(y0.observed.loc[unit], y0.treated.loc[unit])  # type: ignore[arg-type]
    st1 = _status(y1.observed.loc[unit], y1.treated.loc[unit])  # type: ignore[arg-type]
    for k, eff in enumerate(EFFECTS):
        for j, c in enumerate(inds):
            if c not in in_tree:
                continue
            ind_rows.append(
                {
                    "effect": eff,
                    "level": 1,
                    "code": c,
                    "contribution": effects[k, 0, j],
                    "value_from": y0.normalised.at[unit, c]
                    if c in y0.normalised.columns
                    else np.nan,
                    "value_to": y1.normalised.at[unit, c] if c in y1.normalised.columns else np.nan,
                    "status_from": st0[c],
                    "status_to": st1[c],
                }
            )
    rows = ind_rows[:]
    for agg in fw.aggregates:
        if agg != top and agg not in set(fw.descendants(top, fw.level(agg))):
            continue
        kids = set(fw.descendants(agg))
        for k, eff in enumerate(EFFECTS):
            rows.append(
                {
                    "effect": eff,
                    "level": fw.level(agg),
                    "code": agg,
                    "contribution": float(
                        sum(effects[k, 0, j] for j, c in enumerate(inds) if c in kids)
                    ),
                    "value_from": y0.scores.at[unit, agg],
                    "value_to": y1.scores.at[unit, agg],
                    "status_from": None,
                    "status_to": None,
                }
            )
    contrib = pd.DataFrame(rows)
    contrib["name"] = contrib["code"].map(names)
    contrib["parent"] = contrib["code"].map(lambda c: fw.parent(c))
    contrib = contrib[
        [
            "effect",
            "level",
            "code",
            "name",
            "parent",
            "value_from",
            "value_to",
            "status_from",
            "status_to",
            "contribution",
        ]
    ]
    r0, r1 = y0.ranks.at[unit, top], y1.ranks.at[unit, top]
    summary = pd.DataFrame(
        {
            "uCode": [unit],
            "uName": [y1.units.at[unit, "uName"]],
            "code": [top],
            "from": [from_],
            "to": [to],
            "score_from": s0,
            "score_to": s1,
        }
    )
    summary = pd.concat([summary, change_measures(s0, s1, to - from_)], axis=1)
    rank_from, rank_to = int(float(r0)), int(float(r1))  # type: ignore[arg-type]
    summary["rank_from"], summary["rank_to"] = rank_from, rank_to
    summary["rank_change"] = rank_from - rank_to
    tot = effects.sum(axis=2)[:, 0]
    for k, eff in enumerate(EFFECTS):
        summary[eff] = tot[k]
    summary["residual"] = summary["change_abs"] - tot.sum()
    summary["recompute_error"] = err
    return Explanation(
        unit=unit,
        code=top,
        from_=int(from_),
        to=int(to),
        summary=summary,
        contributions=contrib,
        rank_moves=_rank_moves(data, unit, from_, to, top),
    )
