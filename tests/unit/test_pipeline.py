"""The pipeline contract: every parameter checked before any step runs, slicing, and
regeneration from a named stage (COINr's Regen(from =)) equal to a full rebuild."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.demo import demo_world
from innovindex.errors import SpecError
from innovindex.pipeline import Pipeline
from innovindex.steps import STEPS, Step

SPEC: dict[str, Any] = {
    "impute": {"method": "mean"},
    "screen": {"min_availability": 0.5},
    "treat": {"winmax": 5, "fallback": "log_ct"},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic"},
}


@pytest.fixture(scope="module")
def world() -> pd.DataFrame:
    return demo_world(seed=3, years=[2024])


@pytest.fixture()
def fits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the steps fitted (``fit_transform``, which pipelines call), in order."""
    calls: list[str] = []
    for cls in {Step, *(c for c in STEPS.values() if "fit_transform" in vars(c))}:
        original = cls.fit_transform

        def spy(self: Step, stage: Any, _orig: Any = original) -> Any:
            calls.append(self.name)
            return _orig(self, stage)

        monkeypatch.setattr(cls, "fit_transform", spy)
    return calls


# ------------------------------------------------------------------ validation first
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"normalise": {"range": [100, 0]}}, "'range' parameter of step 'normalise'"),
        ({"normalise": {"method": "dist2ref", "ref_unit": "XXX"}}, "'XXX' is not a unit"),
        ({"aggregate": {"levels": {9: {"method": "geometric"}}}}, "level(s) ['9']"),
        ({"aggregate": {"method": "generalised"}}, "needs a non-zero exponent 'p'"),
        ({"treat": {"fallback": "boxcox"}}, "'fallback' parameter of step 'treat'"),
    ],
)
def test_a_bad_parameter_is_refused_before_any_step_runs(
    world: pd.DataFrame, fits: list[str], edit: dict[str, Any], message: str
) -> None:
    spec = copy.deepcopy(SPEC)
    for step, params in edit.items():
        spec[step].update(params)
    with pytest.raises(SpecError) as err:
        ii.build(world, "gii2019", spec)
    assert message in str(err.value)
    assert fits == []  # not even impute, screen or treat


def test_the_spy_sees_a_good_build(world: pd.DataFrame, fits: list[str]) -> None:
    ii.build(world, "gii2019", copy.deepcopy(SPEC))
    assert fits == ["impute", "screen", "treat", "normalise", "aggregate"]


# ------------------------------------------------------------------ slicing
def test_slices_by_position_and_name() -> None:
    pipe = Pipeline.from_spec(copy.deepcopy(SPEC))
    assert [n for n, _ in pipe[:2].steps] == ["impute", "screen"]
    assert [n for n, _ in pipe["treat":].steps] == ["treat", "normalise", "aggregate"]
    assert [n for n, _ in pipe[:"normalise"].steps] == ["impute", "screen", "treat"]
    assert [n for n, _ in pipe["screen":"normalise"].steps] == ["screen", "treat"]
    assert pipe[0] is pipe["impute"] and pipe[-1] is pipe["aggregate"]
    assert pipe["treat":]["treat"] is pipe["treat"] and len(pipe[1:]) == 4
    with pytest.raises(SpecError, match="no step 'weight' in the pipeline"):
        pipe["weight":]
    with pytest.raises(SpecError, match="no step at position 7"):
        pipe[7]


# ------------------------------------------------------------------ regeneration
def _assert_same_build(a: ii.Index, b: ii.Index) -> None:
    assert list(a.stages) == list(b.stages) and a.spec == b.spec
    for name in a.stages:
        x, y = a.stages[name].values, b.stages[name].values
        pd.testing.assert_index_equal(x.index, y.index)
        pd.testing.assert_index_equal(x.columns, y.columns)
        np.testing.assert_allclose(x.to_numpy(), y.to_numpy(), rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(a.ranks(), b.ranks())


@pytest.mark.parametrize(
    ("from_", "change", "first_rerun"),
    [
        (None, {"normalise__range": [1, 100]}, "normalise"),
        ("normalise", {"normalise__method": "zscore", "normalise__mean": 10}, "normalise"),
        (None, {"treat__winmax": 1}, "treat"),
        (
            "screen",
            {"treat__winmax": 2, "aggregate__method": "geometric", "normalise__range": [1, 100]},
            "screen",
        ),  # fmt: skip
        ("aggregate", {"aggregate__method": "harmonic", "normalise__range": [1, 100]}, None),
    ],
)
def test_rebuild_from_a_stage_equals_a_full_build(
    world: pd.DataFrame, from_: str | None, change: dict[str, Any], first_rerun: str | None
) -> None:
    base = ii.build(world, "gii2019", copy.deepcopy(SPEC))
    if first_rerun is None:  # a change upstream of from_ is refused
        with pytest.raises(SpecError, match="cannot change \\['normalise'\\]"):
            base.rebuild(from_=from_, **change)
        return
    full = ii.build(world, "gii2019", Pipeline.from_spec(copy.deepcopy(SPEC)).set_params(**change))
    again = base.rebuild(from_=from_, **change)
    _assert_same_build(again, full)
    names = [n for n, _ in base.steps]
    k = names.index(first_rerun)
    for (n0, s0), (n1, s1) in zip(base.steps, again.steps, strict=True):
        assert n0 == n1
        assert (s1 is s0) == (names.index(n0) < k), n0  # upstream reused, the rest refitted
    for name in ["raw", *(s.stage for _, s in base.steps[:k])]:
        assert again.stages[name] is base.stages[name]


def test_rebuild_does_not_refit_upstream_steps(world: pd.DataFrame, fits: list[str]) -> None:
    base = ii.build(world, "gii2019", copy.deepcopy(SPEC))
    fits.clear()
    base.rebuild(aggregate__method="geometric", normalise__range=[1, 100])
    assert fits == ["normalise", "aggregate"]


def test_rebuild_without_a_change_repeats_the_build(world: pd.DataFrame) -> None:
    base = ii.build(world, "gii2019", copy.deepcopy(SPEC))
    _assert_same_build(base.rebuild(), base)


def test_rebuild_refuses_bad_parameters_before_running(
    world: pd.DataFrame, fits: list[str]
) -> None:
    base = ii.build(world, "gii2019", copy.deepcopy(SPEC))
    fits.clear()
    with pytest.raises(SpecError, match="'winmax' parameter of step 'treat'"):
        base.rebuild(normalise__range=[1, 100], treat__winmax=-1)
    with pytest.raises(SpecError, match="unknown parameter 'rnge' for step 'normalise'"):
        base.rebuild(normalise__rnge=[1, 100])
    assert fits == []


def test_run_from_needs_a_matching_upstream_build(world: pd.DataFrame) -> None:
    base = ii.build(world, "gii2019", copy.deepcopy(SPEC))
    other = Pipeline.from_spec(copy.deepcopy(SPEC)).set_params(treat__winmax=1)
    with pytest.raises(SpecError, match="with other parameters"):
        other.run_stage(base.stages["raw"], from_="normalise", upstream=(base.stages, base.steps))
    with pytest.raises(SpecError, match="needs the stages of an earlier build"):
        other.run_stage(base.stages["raw"], from_="normalise")


def test_imputation_over_years_waits_for_validation(
    monkeypatch: pytest.MonkeyPatch, fits: list[str]
) -> None:
    import innovindex.building as building

    ran: list[str] = []
    monkeypatch.setattr(building, "impute_panel", lambda *a, **k: ran.append("panel"))
    spec = {"impute": {"method": "linear"}, "normalise": {"sd": -1}}
    with pytest.raises(SpecError, match="'sd' parameter of step 'normalise'"):
        ii.build_panel(demo_world(seed=3, years=[2023, 2024]), "gii2019", spec)
    assert ran == [] and fits == []


def test_a_kernel_refusal_in_a_block_names_its_indicator() -> None:
    """Columns sharing a method are normalised in one kernel call; a refusal still names the
    indicator (here the one whose target equals its worst value), and the block result equals
    the kernel applied column by column."""
    from innovindex.methods import normalise as nk
    from innovindex.stage import Stage
    from innovindex.steps import Normalise

    codes = ["a", "b", "c"]
    meta = pd.DataFrame(
        {
            "Level": [1, 1, 1, 2],
            "iCode": [*codes, "Index"],
            "iName": [*codes, "Index"],
            "Direction": [1, -1, 1, 1],
            "Weight": 1,
            "Parent": ["Index"] * 3 + [None],
            "Type": ["Indicator"] * 3 + ["Aggregate"],
            "Target": [10.0, 0.0, 1.0, None],
        }
    )
    X = np.array([[1.0, 2.0, 1.0], [4.0, 3.0, 5.0], [7.0, np.nan, 9.0]])
    units = ["u1", "u2", "u3"]
    stage = Stage(
        pd.DataFrame(X, index=units, columns=codes),
        pd.DataFrame({"uName": units}, index=units),
        ii.Framework.from_frame(meta),
    )
    with pytest.raises(SpecError, match="normalising indicator 'c' \\(dist2targ\\)"):
        Normalise(method="dist2targ").fit_transform(stage)  # c: target 1 = its minimum
    ok = stage.evolve(values=stage.values.assign(c=[2.0, 5.0, 9.0]))
    out = Normalise(method="dist2targ").fit_transform(ok).indicators.to_numpy()
    for j, (target, d) in enumerate([(10.0, 1), (0.0, -1), (1.0, 1)]):
        col = ok.values.iloc[:, j].to_numpy()
        np.testing.assert_array_equal(out[:, j], nk.dist2targ(col, target=target, direction=d))
