"""One run's data in memory, the same way whether it comes from a Panel or from the store.

Attribution and profiles need, per year: the values that were normalised (after
denomination, imputation and treatment), which of them were observed, the normalisation
bounds, and the scores and ranks. A :class:`RunData` provides them from either source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..framework import Framework
from .panel import Panel

__all__ = ["RunData", "YearData", "load_run"]


@dataclass
class YearData:
    """One year: frames indexed by ``uCode`` (scored units only), columns the framework's codes."""

    treated: pd.DataFrame  # values entering normalisation
    observed: pd.DataFrame  # bool: raw value present (not imputed)
    normalised: pd.DataFrame
    bounds: pd.DataFrame  # index code: method, lower, upper, range_lo, range_hi, direction
    scores: pd.DataFrame  # units x aggregates (and ratios)
    ranks: pd.DataFrame
    units: pd.DataFrame  # uName and metadata columns
    coverage: pd.DataFrame | None = None  # units x aggregates: share of indicators observed
    dmc: pd.DataFrame | None = None  # units x aggregates: data-minimum coverage not met


@dataclass
class RunData:
    """A run: framework, pipeline spec, and its years."""

    run_id: str
    framework: Framework
    spec: dict[str, Any]
    kind: str
    reference_year: int | None
    years: dict[int, YearData] = field(default_factory=dict)
    source: str = "the panel"

    @property
    def times(self) -> list[int]:
        return sorted(self.years)

    def year(self, t: int) -> YearData:
        """One year's data; a year the run does not have is an InputError naming it."""
        if t is None or int(t) not in self.years:
            raise InputError(f"year {t} is not in {self.source}; it has {self.times}")
        return self.years[int(t)]

    def names(self) -> dict[str, str]:
        meta = self.framework.meta
        return dict(zip(meta["iCode"].astype(str), meta["iName"].astype(str), strict=True))

    def unit(self, unit: str) -> str:
        """The canonical unit code (exact, case-insensitive code, or name); else InputError."""
        from .._identity import canonical

        text = canonical(str(unit)).strip()
        codes: set[str] = set()
        names: dict[str, str] = {}
        for y in self.years.values():
            codes |= set(map(str, y.scores.index))
            names.update({str(n).casefold(): str(c) for c, n in y.units["uName"].items()})
        if text in codes:
            return text
        upper = {c.upper(): c for c in codes}
        if text.upper() in upper:
            return upper[text.upper()]
        if text.casefold() in names:
            return names[text.casefold()]
        raise InputError(
            f"unknown unit {text!r} in {self.source}; it has {len(codes)} units, e.g. {sorted(codes)[:5]}"
        )


def _from_panel(panel: Panel) -> RunData:
    from ..errors import NotBuiltError
    from ..store import _bounds_long, _coverage, _input_stage

    first = next(iter(panel.values()))
    out = RunData(
        run_id="",
        framework=first.framework,
        spec=first.spec,
        kind="build",
        reference_year=panel.reference_year,
    )
    for t, idx in panel.items():
        if t is None:
            raise InputError("the panel has no Time column: explain and profiles need years")
        scores = idx.scores()
        units = scores.index
        b = _bounds_long("", t, idx)
        out.years[int(t)] = YearData(
            treated=idx.stage(_input_stage(idx)).reindex(units),
            observed=idx.stage("raw").reindex(units).notna(),
            normalised=idx.stage("normalised").reindex(units) if "normalised" in idx.stages else pd.DataFrame(index=units),
            bounds=b.set_index("code") if "code" in b.columns and len(b) else pd.DataFrame(),
            scores=scores,
            ranks=idx.ranks().astype(float),
            units=idx.units.reindex(units),
            coverage=_coverage(idx),
        )
        try:
            out.years[int(t)].dmc = idx.coverage.reindex(units).astype(bool)
        except NotBuiltError:
            pass
    return out


def _from_store(db: str | Path, run: str) -> RunData:
    from ..store import read_runs, run_frames
    from .runs import resolve_run

    run_id = resolve_run(db, run)
    row = read_runs(db).set_index("run_id").loc[run_id]
    meta = pd.DataFrame(json.loads(row["framework_meta"])) if isinstance(row.get("framework_meta"), str) else None
    if meta is None:
        raise InputError(f"run {run_id} was recorded by an older innovindex without its framework; rebuild it", file=db)
    fw = Framework.from_frame(meta, source=str(row["framework"]))
    spec = json.loads(row["pipeline"]) if isinstance(row.get("pipeline"), str) else {}
    ref = row.get("reference_year")
    out = RunData(
        run_id=run_id,
        framework=fw,
        spec=spec or {},
        kind=str(row.get("kind") or "build"),
        reference_year=None if ref is None or pd.isna(ref) else int(ref),
        source=f"run {run_id}",
    )
    frames = run_frames(db, run_id)
    sc, ind, bnd, uni = (frames[k] for k in ("index_scores", "index_indicators", "index_bounds", "index_units"))
    inds = list(fw.indicators)
    for t in sorted(int(v) for v in sc["time"].dropna().unique()):
        s = sc[sc["time"] == t]
        scores = s.pivot(index="uCode", columns="code", values="score")
        ranks = s.pivot(index="uCode", columns="code", values="rank").astype(float)
        units = scores.index
        names = s.drop_duplicates("uCode").set_index("uCode")["uName"]
        meta_u = uni[uni["time"] == t] if len(uni) else uni
        udf = pd.DataFrame({"uName": names.reindex(units)})
        if len(meta_u):
            wide = meta_u.pivot(index="uCode", columns="attribute", values="value")
            for c in wide.columns:
                if c != "uName":
                    udf[c] = wide[c].reindex(units)
        if len(ind):
            i = ind[ind["time"] == t]
            treated = i.pivot(index="uCode", columns="code", values="treated").reindex(index=units, columns=inds)
            raw = i.pivot(index="uCode", columns="code", values="raw").reindex(index=units, columns=inds)
            norm = i.pivot(index="uCode", columns="code", values="normalised").reindex(index=units, columns=inds)
        else:
            treated = raw = norm = pd.DataFrame(np.nan, index=units, columns=inds)
        b = bnd[bnd["time"] == t].set_index("code") if len(bnd) else pd.DataFrame()
        out.years[t] = YearData(
            treated=treated.astype(float),
            observed=raw.notna(),
            normalised=norm.astype(float),
            bounds=b,
            scores=scores,
            ranks=ranks,
            units=udf,
            coverage=s.pivot(index="uCode", columns="code", values="coverage") if "coverage" in s else None,
            dmc=(s.pivot(index="uCode", columns="code", values="dmc_flag") == True)  # noqa: E712
            if "dmc_flag" in s and s["dmc_flag"].notna().any()
            else None,
        )
    return out


def load_run(source: str | Path | Panel, run: str = "latest") -> RunData:
    """A :class:`RunData` from a Panel or from the store (``run`` = id or ``latest``)."""
    if isinstance(source, Panel):
        return _from_panel(source)
    if isinstance(source, dict):
        return _from_panel(Panel(source))
    return _from_store(source, run)
