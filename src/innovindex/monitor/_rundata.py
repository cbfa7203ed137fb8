"""One run's data in memory, the same way whether it comes from a Panel or from the store.

Attribution and profiles need, per year: the values that were normalised (after
denomination, imputation and treatment), which of them were observed, the normalisation
bounds, and the scores and ranks. A :class:`RunData` provides them from either source.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..framework import Framework
from .panel import Panel

__all__ = ["NO_TIME", "RunData", "YearData", "load_run"]

#: The key of the one cross-section of a run built from data without a ``Time`` column.
NO_TIME = 0


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
    unit_names: dict[str, str] = field(default_factory=dict)
    all_times: list[int] | None = None
    loader: Callable[[list[int]], dict[int, YearData]] | None = None

    @property
    def times(self) -> list[int]:
        return sorted(self.all_times if self.all_times is not None else self.years)

    def year(self, t: int) -> YearData:
        """One year's data (loaded on first use); a year the run does not have is an
        InputError naming it."""
        try:
            key = int(t)
        except (TypeError, ValueError):
            raise InputError(f"year {t!r} is not in {self.source}; it has {self.times}") from None
        if key not in self.times:
            has = (
                "no years (its data had no Time column)"
                if self.times == [NO_TIME]
                else str(self.times)
            )
            raise InputError(f"year {t} is not in {self.source}; it has {has}")
        if key not in self.years and self.loader is not None:
            self.years.update(self.loader([key]))
        return self.years[key]

    def preload(self) -> None:
        """Load every year not loaded yet, in one read."""
        todo = [t for t in self.times if t not in self.years]
        if todo and self.loader is not None:
            self.years.update(self.loader(todo))

    def names(self) -> dict[str, str]:
        meta = self.framework.meta
        return dict(zip(meta["iCode"].astype(str), meta["iName"].astype(str), strict=True))

    def unit(self, unit: str) -> str:
        """The canonical unit code (exact, case-insensitive code, or name); else InputError."""
        from .._identity import canonical

        text = canonical(str(unit)).strip()
        codes = set(self.unit_names)
        names = {str(n).casefold(): c for c, n in self.unit_names.items()}
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
    from ..store import _bounds_long, _coverage, _input_stage, _scored_stage, observed

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
            observed=observed(idx).reindex(units).fillna(False).astype(bool),
            normalised=idx.stage(_scored_stage(idx)).reindex(units),
            bounds=b.set_index("code") if "code" in b.columns and len(b) else pd.DataFrame(),
            scores=scores,
            ranks=scores.rank(ascending=False, method="min"),
            units=idx.units.reindex(units),
            coverage=_coverage(idx),
        )
        try:
            out.years[int(t)].dmc = idx.coverage.reindex(units).astype(bool)
        except NotBuiltError:
            pass
        out.unit_names.update(
            {str(c): str(n) for c, n in idx.units["uName"].reindex(units).items()}
        )
    return out


def _wide(
    df: pd.DataFrame, values: str, index: pd.Index | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """uCode x code matrix of a long frame (a fast pivot: factorize and fill)."""
    r, rows = pd.factorize(df["uCode"])
    c, cols = pd.factorize(df["code"])
    M = np.full((len(rows), len(cols)), np.nan, dtype=float)
    M[r, c] = pd.to_numeric(df[values], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    out = pd.DataFrame(M, index=pd.Index(rows, name="uCode"), columns=list(cols))
    if index is not None or columns is not None:
        out = out.reindex(
            index=index if index is not None else out.index,
            columns=columns if columns is not None else out.columns,
        )
    return out


def _years_from_frames(fw: Framework, frames: dict[str, pd.DataFrame]) -> dict[int, YearData]:
    sc, ind, bnd, uni = (
        frames[k] for k in ("index_scores", "index_indicators", "index_bounds", "index_units")
    )
    inds = list(fw.indicators)
    out = {}
    if len(sc) and sc["time"].isna().all():  # a cross-section without Time: key 0 (see NO_TIME)
        for k in ("index_scores", "index_indicators", "index_bounds", "index_units"):
            if len(frames[k]):
                frames[k]["time"] = NO_TIME
        sc, ind, bnd, uni = (
            frames[k] for k in ("index_scores", "index_indicators", "index_bounds", "index_units")
        )
    for t in sorted(int(v) for v in sc["time"].dropna().unique()):
        s = sc[sc["time"] == t]
        scores = _wide(s, "score")
        units = scores.index
        ranks = _wide(s, "rank", units, list(scores.columns))
        names = s.drop_duplicates("uCode").set_index("uCode")["uName"]
        udf = pd.DataFrame({"uName": names.reindex(units)})
        meta_u = uni[(uni["time"] == t) & (uni["attribute"] != "uName")] if len(uni) else uni
        for attr, part in meta_u.groupby("attribute") if len(meta_u) else []:
            udf[str(attr)] = part.set_index("uCode")["value"].reindex(units)
        if len(ind):
            i = ind[ind["time"] == t]
            treated = _wide(i, "treated", units, inds)
            raw = _wide(i, "raw", units, inds)
            norm = _wide(i, "normalised", units, inds)
        else:
            treated = raw = norm = pd.DataFrame(np.nan, index=units, columns=inds)
        b = bnd[bnd["time"] == t].set_index("code") if len(bnd) else pd.DataFrame()
        has_cov = "coverage" in s and s["coverage"].notna().any()
        has_dmc = "dmc_flag" in s and s["dmc_flag"].notna().any()
        dmc = None
        if has_dmc:
            d = s.assign(dmc=s["dmc_flag"].astype("boolean").astype(float))
            dmc = _wide(d, "dmc", units, list(scores.columns)) == 1.0
        out[t] = YearData(
            treated=treated,
            observed=raw.notna(),
            normalised=norm,
            bounds=b,
            scores=scores,
            ranks=ranks,
            units=udf,
            coverage=_wide(s, "coverage", units, list(scores.columns)) if has_cov else None,
            dmc=dmc,
        )
    return out


def _from_store(db: str | Path, run: str) -> RunData:
    from ..store import read_runs, run_frames, run_units
    from .runs import resolve_run

    run_id = resolve_run(db, run)
    row = read_runs(db).set_index("run_id").loc[run_id]
    meta = (
        pd.DataFrame(json.loads(str(row["framework_meta"])))
        if isinstance(row.get("framework_meta"), str)
        else None
    )
    if meta is None:
        raise InputError(
            f"run {run_id} was recorded by an older innovindex without its framework; rebuild it",
            file=db,
        )
    fw = Framework.from_frame(meta, source=str(row["framework"]))
    spec = json.loads(str(row["pipeline"])) if isinstance(row.get("pipeline"), str) else {}
    ref = row.get("reference_year")
    times = json.loads(str(row["times"])) if isinstance(row.get("times"), str) else []
    return RunData(
        run_id=run_id,
        framework=fw,
        spec=spec or {},
        kind=str(row.get("kind") or "build"),
        reference_year=None if ref is None or pd.isna(ref) else int(ref),
        source=f"run {run_id}",
        unit_names=run_units(db, run_id),
        all_times=[int(t) for t in times if t is not None] or [NO_TIME],
        loader=lambda ts: _years_from_frames(
            fw, run_frames(db, run_id, None if ts == [NO_TIME] else ts)
        ),
    )


def load_run(source: str | Path | Panel, run: str = "latest") -> RunData:
    """A :class:`RunData` from a Panel or from the store (``run`` = id or ``latest``)."""
    if isinstance(source, Panel):
        return _from_panel(source)
    if isinstance(source, dict):
        return _from_panel(Panel(source))
    return _from_store(source, run)
