"""The result of a build: every stage's data, every step's diagnostics, scores and ranks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .errors import NotBuiltError, SpecError
from .framework import Framework
from .pipeline import Pipeline, _plain
from .steps import Screen, Stage, Step, Treat
from .steps.impute import OVER_TIME

__all__ = ["Index", "compare", "rank_desc"]


def rank_desc(values: Any) -> pd.DataFrame:
    """Ranks with 1 = highest and ties sharing the minimum rank; missing stays missing.

    ``values`` is a frame (or a grouped frame: ranks within each group)."""
    ranks: pd.DataFrame = values.rank(ascending=False, method="min", na_option="keep")
    return ranks.astype("Int64")


@dataclass
class Index:
    """A built composite index for one cross-section (one ``Time``).

    Attributes
    ----------
    framework
        The framework it was built with.
    spec
        The pipeline spec (every parameter): rebuild with ``Pipeline.from_spec(spec)``.
    stages
        Output of each step by dataset name: ``raw``, ``denominated``, ``imputed``,
        ``screened``, ``treated``, ``normalised``, ``aggregated``.
    steps
        The fitted steps, ``(name, step)`` in run order.
    time
        The ``Time`` of the cross-section, or None.
    """

    framework: Framework
    spec: dict[str, Any]
    stages: dict[str, Stage]
    steps: list[tuple[str, Step]]
    time: int | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    def stage(self, name: str) -> pd.DataFrame:
        """The indicator-level values after a step (a copy)."""
        if name not in self.stages:
            raise NotBuiltError(
                f"no dataset {name!r} in this build; available: {list(self.stages)}"
            )
        st = self.stages[name]
        cols = list(self.framework.indicators) if name != "aggregated" else list(st.values.columns)
        return st.values[cols].copy()

    @property
    def units(self) -> pd.DataFrame:
        """Units of the final dataset (after screening): uName, Time, groups, denominators."""
        return self._last.units.copy()

    @property
    def _last(self) -> Stage:
        return list(self.stages.values())[-1]

    def scores(self) -> pd.DataFrame:
        """Scores of every aggregate (levels >= 2) and ratio; index ``uCode``."""
        if "aggregated" not in self.stages:
            raise NotBuiltError(
                "the pipeline has no 'aggregate' step, so there are no aggregate scores"
            )
        cols = [*self.framework.aggregates, *self.framework.ratios]
        return self.stages["aggregated"].values[cols].copy()

    def ranks(self, by: str | None = None) -> pd.DataFrame:
        """Ranks of :meth:`scores` (1 = highest, ties get the minimum rank).

        ``by`` names a group column of the data (e.g. an income group): units are then ranked
        within their group.
        """
        scores = self.scores()
        if by is None:
            return rank_desc(scores)
        units = self.units
        if by not in units.columns:
            raise SpecError(
                f"no group column {by!r}; available: {[c for c in units.columns if c != 'uName']}"
            )
        return rank_desc(scores.groupby(units[by].reindex(scores.index), group_keys=False))

    def _step(self, name: str) -> Step:
        for n, s in self.steps:
            if n == name:
                return s
        raise NotBuiltError(f"the pipeline has no {name!r} step")

    def _screen(self) -> Screen:
        step = self._step("screen")
        assert isinstance(step, Screen)
        return step

    @property
    def treatment(self) -> pd.DataFrame:
        """One row per indicator: treated?, points winsorised, side, fallback, skew/kurtosis."""
        step = self._step("treat")
        assert isinstance(step, Treat)
        return step.treatment_.copy()

    @property
    def screening(self) -> pd.DataFrame:
        """One row per unit: availability, non-zero share, kept, reason."""
        return self._screen().table_.copy()

    @property
    def coverage(self) -> pd.DataFrame:
        """Data-minimum-coverage flags (True = not met), units x aggregates, from the screen
        step's ``coverage`` rule (:func:`innovindex.methods.coverage.dmc_flags`)."""
        step = self._screen()
        if not hasattr(step, "coverage_"):
            raise NotBuiltError(
                "the screen step has no 'coverage' rule, so no coverage flags were computed"
            )
        cov = step.coverage_
        units = step.table_.index
        return pd.DataFrame(cov.flagged, index=units, columns=list(cov.codes))

    def rebuild(self, from_: str | None = None, **params: Any) -> Index:
        """This build with some parameters changed, re-running only the steps from ``from_`` on
        (COINr's ``Regen(from = )``, the spec edited as with ``Pipeline.set_params``).

        The stages and fitted step objects upstream of ``from_`` are reused as they are (not
        re-fitted); the result equals a full build with the same change.

        Parameters
        ----------
        from_
            The first step to re-run (default: the first step whose parameters change; with no
            change at all, the whole pipeline).
        **params
            ``step__param=value`` changes, e.g. ``normalise__range=[1, 100]``. They may only
            touch ``from_`` and later steps.

        Raises
        ------
        SpecError
            For a bad parameter (before any step runs), a change upstream of ``from_``, or a
            change of the imputation over years (that runs on the whole panel: use
            :func:`innovindex.build_panel`).

        Examples
        --------
        >>> import innovindex as ii
        >>> from innovindex.demo import demo_world
        >>> idx = ii.build(demo_world(seed=1, years=[2024]), "gii2019")
        >>> wide = idx.rebuild(normalise__range=[1, 100])
        >>> wide.steps[0][1] is idx.steps[0][1], float(wide.stage("normalised").min().min())
        (True, 1.0)
        """
        pipe = Pipeline.from_spec(self.spec, source="<rebuild>").set_params(**params)
        changed = [n for n, step in pipe.steps if _plain(step.get_params()) != self.spec.get(n)]
        names = [n for n, _ in pipe.steps]
        start = from_ if from_ is not None else (changed[0] if changed else None)
        first = 0 if start is None else pipe._index_of(start)
        early = [n for n in changed if names.index(n) < first]
        if early:
            raise SpecError(
                f"rebuild from {start!r} cannot change {early}, which run(s) before it; "
                f"rebuild from {early[0]!r}"
            )
        if "impute" in changed:
            methods = {self.spec["impute"].get("method"), pipe["impute"].get_params()["method"]}
            if methods & set(OVER_TIME):
                raise SpecError(
                    "rebuild cannot change an imputation over years (it runs on the whole "
                    "panel before the steps): build the panel again with build_panel()"
                )
        outputs, fitted = pipe.run_stage(
            self.stages["raw"],
            from_=None if first == 0 else names[first],
            upstream=(self.stages, self.steps),
        )
        return Index(
            framework=self.framework,
            spec=pipe.to_spec(),
            stages=outputs,
            steps=fitted,
            time=self.time,
            provenance={**self.provenance, "rebuilt_from": names[first] if names else None},
        )

    def __repr__(self) -> str:
        n_units = len(self._last.values)
        return (
            f"<Index time={self.time} units={n_units} indicators={len(self.framework.indicators)} "
            f"steps={[n for n, _ in self.steps]}>"
        )


def compare(a: Index, b: Index, code: str | None = None) -> pd.DataFrame:
    """How units' ranks differ between two builds (e.g. two pipelines, or two years).

    Returns one row per unit present in both: ``rank_a``, ``rank_b``, ``diff`` (a - b) and
    ``abs_diff``, for ``code`` (default: the top aggregate).
    """
    code = code or a.framework.aggregates[-1]
    ra, rb = a.ranks()[code], b.ranks()[code]
    common = ra.index.intersection(rb.index)
    out = pd.DataFrame({"rank_a": ra[common], "rank_b": rb[common]})
    out["diff"] = out["rank_a"] - out["rank_b"]
    out["abs_diff"] = out["diff"].abs()
    return out.rename_axis("uCode")
