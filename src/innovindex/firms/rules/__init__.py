"""Recognition rules as data: a versioned YAML rule set evaluated by generic code.

A rule set (``hnte2016`` is built in) names *measures* (functions of a firm's fiscal
years, see :mod:`._measures`), *scores* (blocks of items whose points come from bands, or
expert ranges reported as an interval) and *conditions* (a measure or score compared with
a threshold, which may itself depend on a measure, as the R&D intensity threshold depends
on sales). Another scheme is another YAML file: ``--rules path/to/scheme.yaml``.

:func:`check` returns one row per firm and condition (met / not met / unknown, value,
threshold), one per score item, and a verdict row naming the failing conditions.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ...errors import InputError, SpecError
from ._measures import FirmWindow, Measured, evaluate_measure

__all__ = ["RuleSet", "available", "load_rules", "check"]

_OPS: Mapping[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
}
_REQUIRED = ("scheme", "version", "window", "conditions")


class RuleSet:
    """A parsed rule set (``spec`` is the YAML mapping; ``source`` where it came from)."""

    def __init__(self, spec: Mapping[str, Any], source: str) -> None:
        self.spec = spec
        self.source = source
        missing = [k for k in _REQUIRED if k not in spec]
        if missing:
            raise SpecError(f"{source}: rule set lacks key(s) {missing}")
        for c in spec["conditions"]:
            if c.get("op") not in _OPS:
                raise SpecError(
                    f"{source}: condition {c.get('id')!r} has op {c.get('op')!r}; expected one of {list(_OPS)}"
                )
        self.name = str(spec["scheme"])
        self.version = str(spec["version"])

    @property
    def measures(self) -> Mapping[str, Any]:
        return dict(self.spec.get("measures") or {})

    def window_years(self, year: int, registered_on: date | None) -> tuple[int, ...]:
        """Fiscal years assessed for an application in ``year``: actual period when younger."""
        w = self.spec["window"]
        last = year + int(w.get("last_offset", 0))
        first = last - int(w["years"]) + 1
        if registered_on is not None:
            first = max(first, registered_on.year)
        return tuple(range(first, last + 1))


def available() -> list[str]:
    """Names of the built-in rule sets."""
    root = resources.files(__name__)
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def load_rules(name: str | Path) -> RuleSet:
    """A built-in rule set by name (``"hnte2016"``) or a rule-set YAML file."""
    text: str
    if isinstance(name, str) and name in available():
        text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
        source = f"builtin:{name}"
    else:
        p = Path(name)
        if p.suffix.lower() not in (".yaml", ".yml") or not p.is_file():
            raise SpecError(
                f"unknown rule set {str(name)!r}; built in: {available()} (or a .yaml file)"
            )
        text, source = p.read_text(encoding="utf-8"), str(p)
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{source}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(spec, Mapping):
        raise SpecError(f"{source}: a rule set is a YAML mapping")
    return RuleSet(spec, source)


def _when(clauses: Any, get: Callable[[Any], Measured]) -> bool | None:
    """All clauses ``[measure, op, value]`` hold (True), one fails (False), or unknown (None)."""
    for m, op, ref in clauses or []:
        v, _ = get(m)
        if v is None:
            return None
        if not _OPS[op](v, float(ref)):
            return False
    return True


def _cases(cases: list[Mapping[str, Any]], get: Callable[[Any], Measured], key: str) -> Any:
    """The ``key`` of the first case whose ``when`` holds; None when undecidable."""
    for case in cases:
        hold = _when(case.get("when"), get)
        if hold is None:
            return None
        if hold:
            return case[key]
    raise SpecError(f"rule set: no case matched (add a last case without 'when'): {cases}")


def _item(
    item: Mapping[str, Any], w: FirmWindow, get: Callable[[Any], Measured]
) -> tuple[float, float, str]:
    if "expert" in item:
        lo, hi = (float(x) for x in item["expert"])
        given = _given(item, w)
        if given is not None:
            v = min(max(given, lo), hi)
            return v, v, f"expert score from {item['column']}"
        return lo, hi, "expert judgement: the whole range"
    pts = _cases(item["cases"], get, "points")
    if pts is None:
        all_pts = [p for c in item["cases"] for p in c["points"]]
        return float(min(all_pts)), float(max(all_pts)), "data missing: any band"
    lo, hi = float(pts[0]), float(pts[1])
    given = _given(item, w)
    if given is not None:  # the points actually awarded, kept inside the band the data gives
        v = min(max(given, lo), hi)
        return v, v, f"band {lo:g}-{hi:g}, score from {item['column']}"
    return lo, hi, "band"


def _given(item: Mapping[str, Any], w: FirmWindow) -> float | None:
    """The item's score from its ``column`` in the latest fiscal year, if the data has it."""
    col = item.get("column")
    if not col or col not in w.rows.columns or not w.years:
        return None
    hit = w.rows[w.rows["year"] == w.years[-1]]
    if hit.empty or pd.isna(hit[col].iloc[0]):
        return None
    return float(hit[col].iloc[0])


def _one_firm(rules: RuleSet, w: FirmWindow, year: int) -> list[dict[str, Any]]:
    cache: dict[str, Measured] = {}
    named = rules.measures

    def get(m: Any) -> Measured:
        return evaluate_measure(m, w, named, cache)

    rows: list[dict[str, Any]] = []
    base = {"firm_id": w.firm_id, "year": year}
    scores: dict[str, tuple[float, float]] = {}
    tot_lo = tot_hi = 0.0
    for block, bspec in (rules.spec.get("scores") or {}).items():
        lo = hi = 0.0
        for iname, ispec in bspec["items"].items():
            ilo, ihi, note = _item(ispec, w, get)
            lo, hi = lo + ilo, hi + ihi
            rows.append(
                {
                    **base,
                    "condition": f"score.{block}.{iname}",
                    "label": ispec.get("label", iname),
                    "status": "scored",
                    "value": ilo,
                    "value_max": ihi,
                    "op": "",
                    "threshold": None,
                    "note": note,
                }
            )
        cap = float(bspec.get("cap", float("inf")))
        lo, hi = min(lo, cap), min(hi, cap)
        scores[block] = (lo, hi)
        tot_lo, tot_hi = tot_lo + lo, tot_hi + hi
        rows.append(
            {
                **base,
                "condition": f"score.{block}",
                "label": bspec.get("label", block),
                "status": "scored",
                "value": lo,
                "value_max": hi,
                "op": "",
                "threshold": None,
                "note": f"cap {cap:g}",
            }
        )
    scores["total"] = (tot_lo, tot_hi)
    failed: list[str] = []
    unknown: list[str] = []
    for c in rules.spec["conditions"]:
        op = _OPS[c["op"]]
        thr = c["threshold"]
        if isinstance(thr, Mapping):
            thr = _cases(thr["cases"], get, "value")
        note = ""
        value: float | None
        vmax: float | None
        if "score" in c:
            lo, hi = scores[c["score"]]
            value, vmax = lo, hi
            if thr is None:
                status = "unknown"
            elif op(lo, float(thr)):
                status = "met"
            elif not op(hi, float(thr)):
                status = "not met"
            else:
                status, note = (
                    "unknown",
                    f"score between {lo:g} and {hi:g}: depends on expert judgement",
                )
        else:
            v, note = get(c["measure"])
            value = vmax = v
            if v is None or thr is None:
                status = "unknown"
                note = note or "threshold undecidable: data missing"
            else:
                status = "met" if op(v, float(thr)) else "not met"
        (failed if status == "not met" else unknown if status == "unknown" else []).append(c["id"])
        rows.append(
            {
                **base,
                "condition": c["id"],
                "label": c.get("label", c["id"]),
                "status": status,
                "value": value,
                "value_max": vmax,
                "op": c["op"],
                "threshold": None if thr is None else float(thr),
                "note": note,
            }
        )
    if failed:
        verdict, note = "not recognised", "fails: " + ", ".join(failed)
    elif unknown:
        verdict, note = "undetermined", "undecided: " + ", ".join(unknown)
    else:
        verdict, note = "recognised", "all conditions met"
    rows.append(
        {
            **base,
            "condition": "verdict",
            "label": f"{rules.name} {rules.version}",
            "status": verdict,
            "value": None,
            "value_max": None,
            "op": "",
            "threshold": None,
            "note": note,
        }
    )
    return rows


def check(
    firms: pd.DataFrame, rules: RuleSet | str, year: int, *, apply_date: date | None = None
) -> pd.DataFrame:
    """Evaluate ``rules`` for every firm applying in ``year``.

    Parameters
    ----------
    firms
        A checked firm-year table (:func:`innovindex.firms.data.check_firms`).
    rules
        A :class:`RuleSet` or a built-in name / YAML path.
    year
        The application year; the fiscal years assessed follow the rule set's window.
    apply_date
        Date of application (default 1 January of ``year``), for the registration age.

    Returns
    -------
    pandas.DataFrame
        ``firm_id, year, condition, label, status, value, value_max, op, threshold, note``.
    """
    rs = rules if isinstance(rules, RuleSet) else load_rules(rules)
    if not isinstance(year, int) or isinstance(year, bool):
        raise SpecError(f"year must be a whole number; got {year!r}")
    when = apply_date or date(year, 1, 1)
    rows: list[dict[str, Any]] = []
    for firm, grp in firms.groupby("firm_id", sort=True):
        reg = None
        if "registered_on" in grp.columns and grp["registered_on"].notna().any():
            reg = grp["registered_on"].dropna().iloc[0]
        years = rs.window_years(year, reg)
        rows.extend(
            _one_firm(rs, FirmWindow(str(firm), grp.sort_values("year"), years, reg, when), year)
        )
    if not rows:
        raise InputError("no firms in the data")
    return pd.DataFrame(rows)
