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

    def by_level(self, level: int) -> pd.DataFrame:
        """Contributions at one level, one row per element, the effects as columns plus ``total``."""
        c = self.contributions[self.contributions["level"] == level]
        wide = c.pivot_table(index=["code", "name"], columns="effect", values="contribution", aggfunc="sum", sort=False)
        wide = wide.reindex(columns=list(EFFECTS)).fillna(0.0)
        wide["total"] = wide.sum(axis=1)
        return wide.reset_index().sort_values("total", key=np.abs, ascending=False, kind="stable").reset_index(drop=True)


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
    return {k: np.broadcast_to(b[k].to_numpy(dtype=float), (rows, len(inds))) for k in ("lower", "upper", "range_lo", "range_hi", "direction")}


def _top(run: RunData, code: str | None) -> str:
    fw = run.framework
    if code is None:
        return fw.aggregates[-1]
    if code not in fw.aggregates:
        raise InputError(f"{code!r} is not an aggregate of the framework; aggregates: {list(fw.aggregates)}")
    return code


def _core(run: RunData, units: list[str], from_: int, to: int, top: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Effects (3 x units x indicators), recorded scores from/to, and the recomputation error."""
    fw = run.framework
    inds = list(fw.indicators)
    y0, y1 = run.year(from_), run.year(to)
    X0 = y0.treated.reindex(index=units, columns=inds).to_numpy(dtype=float)
    X1 = y1.treated.reindex(index=units, columns=inds).to_numpy(dtype=float)
    own = (y0.observed.reindex(index=units, columns=inds).fillna(False).to_numpy(dtype=bool)
           & y1.observed.reindex(index=units, columns=inds).fillna(False).to_numpy(dtype=bool))
    tree = Tree.build(fw, run.spec)
    effects, V0, V1 = attribute(tree, X0, X1, own, _bounds_arrays(run, from_, len(units)), _bounds_arrays(run, to, len(units)), top)
    s0 = y0.scores[top].reindex(units).to_numpy(dtype=float)
    s1 = y1.scores[top].reindex(units).to_numpy(dtype=float)
    j = tree.cols.index(top)
    err = np.maximum(np.abs(V0[:, j] - s0), np.abs(V1[:, j] - s1))
    return effects, s0, s1, err


def explain_all(
    source: str | Path | Panel, from_: int, to: int, *, run: str = "latest", code: str | None = None
) -> pd.DataFrame:
    """The three effects for every unit scored in both years, vectorised (one row per unit).

    Columns: ``uCode``, ``uName``, ``score_from``, ``score_to``, ``change_abs``, ``own_data``,
    ``bounds``, ``missing``, ``residual`` (change minus the three effects: rounding only).
    """
    data = load_run(source, run)
    return _explain_all(data, from_, to, _top(data, code))


def _explain_all(data: RunData, from_: int, to: int, top: str) -> pd.DataFrame:
    y0, y1 = data.year(from_), data.year(to)
    ok0 = y0.scores[top].dropna().index
    ok1 = y1.scores[top].dropna().index
    units = [u for u in ok0 if u in set(ok1)]
    effects, s0, s1, _ = _core(data, units, from_, to, top)
    tot = effects.sum(axis=2)
    out = pd.DataFrame({"uCode": units, "uName": y1.units["uName"].reindex(units).to_numpy(),
                        "score_from": s0, "score_to": s1, "change_abs": s1 - s0})
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
            rows.append({"uCode": u, "uName": names.get(u, u), "move": move,
                         "score_from": s0.get(u, np.nan), "score_to": s1.get(u, np.nan),
                         "gap_from": s0.get(u, np.nan) - me0, "gap_to": s1.get(u, np.nan) - me1})
    cols = ["uCode", "uName", "move", "score_from", "score_to", "gap_from", "gap_to"]
    return pd.DataFrame(rows, columns=cols)


def _status(observed: pd.Series, treated: pd.Series) -> pd.Series:
    return pd.Series(np.where(observed, "observed", np.where(treated.notna(), "imputed", "missing")), index=observed.index)


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
        if unit not in y.scores.index or pd.isna(y.scores.at[unit, top]):
            raise InputError(f"unit {unit!r} has no {top} score in {t} in {data.source}")
    effects, s0, s1, err = _core(data, [unit], from_, to, top)
    fw = data.framework
    inds = list(fw.indicators)
    names = data.names()
    in_tree = set(fw.descendants(top))
    ind_rows = []
    st0 = _status(y0.observed.loc[unit], y0.treated.loc[unit])
    st1 = _status(y1.observed.loc[unit], y1.treated.loc[unit])
    for k, eff in enumerate(EFFECTS):
        for j, c in enumerate(inds):
            if c not in in_tree:
                continue
            ind_rows.append({"effect": eff, "level": 1, "code": c, "contribution": effects[k, 0, j],
                             "value_from": y0.normalised.at[unit, c] if c in y0.normalised.columns else np.nan,
                             "value_to": y1.normalised.at[unit, c] if c in y1.normalised.columns else np.nan,
                             "status_from": st0[c], "status_to": st1[c]})
    rows = ind_rows[:]
    for agg in fw.aggregates:
        if agg != top and agg not in set(fw.descendants(top, fw.level(agg))):
            continue
        kids = set(fw.descendants(agg))
        for k, eff in enumerate(EFFECTS):
            rows.append({"effect": eff, "level": fw.level(agg), "code": agg,
                         "contribution": float(sum(effects[k, 0, j] for j, c in enumerate(inds) if c in kids)),
                         "value_from": y0.scores.at[unit, agg], "value_to": y1.scores.at[unit, agg],
                         "status_from": None, "status_to": None})
    contrib = pd.DataFrame(rows)
    contrib["name"] = contrib["code"].map(names)
    contrib["parent"] = contrib["code"].map(lambda c: fw.parent(c))
    contrib = contrib[["effect", "level", "code", "name", "parent", "value_from", "value_to",
                       "status_from", "status_to", "contribution"]]
    r0, r1 = y0.ranks.at[unit, top], y1.ranks.at[unit, top]
    summary = pd.DataFrame({"uCode": [unit], "uName": [y1.units.at[unit, "uName"]], "code": [top],
                            "from": [from_], "to": [to], "score_from": s0, "score_to": s1})
    summary = pd.concat([summary, change_measures(s0, s1, to - from_)], axis=1)
    summary["rank_from"], summary["rank_to"] = int(r0), int(r1)
    summary["rank_change"] = int(r0) - int(r1)
    tot = effects.sum(axis=2)[:, 0]
    for k, eff in enumerate(EFFECTS):
        summary[eff] = tot[k]
    summary["residual"] = summary["change_abs"] - tot.sum()
    summary["recompute_error"] = err
    return Explanation(unit=unit, code=top, from_=int(from_), to=int(to), summary=summary,
                       contributions=contrib, rank_moves=_rank_moves(data, unit, from_, to, top))
