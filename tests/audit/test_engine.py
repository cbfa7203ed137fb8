"""The batched engine equals plain one-at-a-time rebuilds (clone + set_params + with_weights +
build) for the same draws, to 1e-9."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.audit.engine import Engine, rank_rows
from innovindex.audit.sampling import ParameterSets, resolve, to_parameter_sets
from innovindex.audit.spec import load_spec
from innovindex.errors import SpecError

TOL = 1e-9


def _rebuild(index: ii.Index, params: ParameterSets, r: int, target: str) -> pd.Series | None:
    """The plain way: edit a clone of the pipeline and the framework, rebuild from raw data."""
    edits, weights = params.edits(r)
    pipe = ii.Pipeline.from_spec(index.spec).clone().set_params(**edits)
    fw = index.framework.with_weights(weights)
    raw = index.stages["raw"]
    data = pd.concat([raw.units, raw.values], axis=1).reset_index()
    try:
        built = ii.build(data, fw, pipe)
    except SpecError:
        return None
    s = built.scores()[target]
    s.index = s.index.astype(str)
    return s


def _draws(
    index: ii.Index, spec: dict[str, Any], n: int, seed: int
) -> tuple[Engine, ParameterSets]:
    sp = load_spec(spec)
    rng = np.random.default_rng(seed)
    problem = resolve(sp, index.framework, ii.Pipeline.from_spec(index.spec), rng)
    engine = Engine(index, problem, n_jobs=1)
    return engine, to_parameter_sets(problem, rng.random((n, len(problem.names))))


def _compare(index: ii.Index, engine: Engine, params: ParameterSets) -> int:
    ev = engine.evaluate(params)
    checked = 0
    for r in range(len(params)):
        plain = _rebuild(index, params, r, engine.target)
        if plain is None:
            assert ev.failed[r], f"replication {r}: the plain build failed but the engine did not"
            continue
        assert not ev.failed[r]
        batched = pd.Series(ev.scores[r], index=ev.units)
        np.testing.assert_allclose(batched.reindex(plain.index), plain, rtol=0, atol=TOL)
        checked += 1
    return checked


def test_coinr_setup_equals_plain_rebuilds(
    example_coin: ii.Index, coinr_spec: dict[str, Any]
) -> None:
    engine, params = _draws(example_coin, coinr_spec, 8, seed=3)
    # the draws cover both normalisations and both aggregations
    assert set(params.column("normalise")) == {0, 1} and set(params.column("aggregate")) == {0, 1}
    assert _compare(example_coin, engine, params) == 8


def test_impute_exclude_and_explicit_weights_equal_plain_rebuilds(example_coin: ii.Index) -> None:
    spec = {
        "assumptions": {
            "impute": {
                "values": [{"method": "group_mean", "group": "EurAsia_group"}, {"method": "mean"}]
            },
            "exclude": {"values": [[], ["Flights", "CO2"], ["Physical"]]},
            "weights": {"values": [{"Conn": 2.0}, {"Sust": 3.0, "LPI": 0.5}]},
            "aggregate": {
                "values": [{"method": "arithmetic", "min_share": 0.5}, {"method": "harmonic"}]
            },
        }
    }
    engine, params = _draws(example_coin, spec, 6, seed=11)
    assert _compare(example_coin, engine, params) >= 1


def test_intermediate_target(example_coin: ii.Index, coinr_spec: dict[str, Any]) -> None:
    sp = load_spec(coinr_spec)
    rng = np.random.default_rng(5)
    problem = resolve(sp, example_coin.framework, ii.Pipeline.from_spec(example_coin.spec), rng)
    engine = Engine(example_coin, problem, target="Sust", n_jobs=1)
    params = to_parameter_sets(problem, rng.random((3, 4)))
    assert _compare(example_coin, engine, params) == 3


def test_nominal_draw_reproduces_the_build(
    example_coin: ii.Index, coinr_spec: dict[str, Any]
) -> None:
    coinr_spec["assumptions"] = {"winmax": {"values": [5]}, "exclude": {"values": [[]]}}
    engine, params = _draws(example_coin, coinr_spec, 2, seed=0)
    ev = engine.evaluate(params)
    nominal = example_coin.scores()["Index"].to_numpy()
    np.testing.assert_allclose(ev.scores, np.tile(nominal, (2, 1)), rtol=0, atol=TOL)


def test_batching_and_threads_do_not_change_results(
    example_coin: ii.Index, coinr_spec: dict[str, Any]
) -> None:
    engine, params = _draws(example_coin, coinr_spec, 300, seed=2)
    ref = engine.evaluate(params).scores
    small = Engine(example_coin, engine.problem, memory_cap=1_000_000, n_jobs=1)
    assert small._batch_size(51) < 50  # many batches: same values up to rounding
    one = small.evaluate(params).scores
    np.testing.assert_allclose(one, ref, rtol=1e-13, atol=0)
    two = Engine(example_coin, engine.problem, memory_cap=1_000_000, n_jobs=2)
    assert two._threads(51) == 2
    np.testing.assert_array_equal(two.evaluate(params).scores, one)  # threads: bit for bit


def test_geometric_mean_of_non_positive_values_fails_like_the_plain_build(
    example_coin: ii.Index,
) -> None:
    spec = {
        "assumptions": {
            "normalise": {"values": [{"method": "zscore", "mean": 0, "sd": 1}]},
            "aggregate": {"values": [{"method": "geometric"}]},
        }
    }
    engine, params = _draws(example_coin, spec, 2, seed=1)
    ev = engine.evaluate(params)
    assert ev.n_failed == 2 and np.isnan(ev.scores).all()
    assert _rebuild(example_coin, params, 0, "Index") is None


def test_rank_rows_matches_pandas_min_ties() -> None:
    rng = np.random.default_rng(0)
    S = rng.integers(0, 6, size=(50, 12)).astype(float)
    S[rng.random(S.shape) < 0.1] = np.nan
    expected = pd.DataFrame(S.T).rank(ascending=False, method="min").to_numpy().T
    np.testing.assert_array_equal(rank_rows(S), expected)


def test_unknown_target_and_missing_step(
    example_coin: ii.Index, coinr_spec: dict[str, Any]
) -> None:
    sp = load_spec(coinr_spec)
    rng = np.random.default_rng(0)
    problem = resolve(sp, example_coin.framework, ii.Pipeline.from_spec(example_coin.spec), rng)
    with pytest.raises(SpecError, match="target 'Nope' is not an aggregate"):
        Engine(example_coin, problem, target="Nope")
    spec = copy.deepcopy(example_coin.spec)
    del spec["treat"]
    with pytest.raises(SpecError, match="varies the 'treat' step"):
        resolve(sp, example_coin.framework, ii.Pipeline.from_spec(spec), rng)


def test_min_share_with_geometric_means_equals_plain_rebuilds(example_coin: ii.Index) -> None:
    """Found in review: the engine applied min_share to every mean, the step only to arithmetic."""
    data = example_coin.stage("raw").copy()
    data.iloc[:6, :20] = np.nan  # some units lose most of a pillar
    raw = example_coin.stages["raw"]
    frame = pd.concat([raw.units, data], axis=1).reset_index()
    spec = dict(example_coin.spec)
    spec["normalise"] = {"method": "minmax", "range": [1, 100]}
    spec["aggregate"] = {"method": "arithmetic", "min_share": 0.8}
    index = ii.build(frame, example_coin.framework, spec)
    uspec = {
        "assumptions": {
            "aggregate": {
                "values": [{"method": "geometric"}, {"method": "harmonic", "min_share": 0.5}]
            }
        }
    }
    engine, params = _draws(index, uspec, 4, seed=5)
    assert _compare(index, engine, params) == 4
