"""Sobol indices: analytic test functions (SALib design and estimators) and COINr's ordering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.audit.sensitivity import saltelli_design, sensitivity, sobol_indices
from innovindex.errors import SpecError

# Ishigami (a = 7, b = 0.1) analytic indices, as in SALib's tests/test_regression.py
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def _ishigami(u: np.ndarray) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_known_indices() -> None:
    u, notes = saltelli_design(3, 2**13, seed=1)
    assert notes == []  # a power of 2: no caveat
    res = sobol_indices(_ishigami(u), ["x1", "x2", "x3"], n_bootstrap=200, seed=1)
    np.testing.assert_allclose(res["S1"], ISHIGAMI_S1, atol=0.03)
    np.testing.assert_allclose(res["ST"], ISHIGAMI_ST, atol=0.03)
    assert (res["ST_low"] <= res["ST"]).all() and (res["ST"] <= res["ST_high"]).all()


@pytest.mark.parametrize("design", ["sobol", "random"])
def test_linear_with_dummy_input_gets_exactly_zero(design: str) -> None:
    u, _ = saltelli_design(3, 256, seed=7, design=design)
    y = u[:, 0] + 10 * u[:, 1]
    res = sobol_indices(y, ["X1", "X2", "X3"], seed=7)
    assert res.loc[2, "S1"] == 0.0 and res.loc[2, "ST"] == 0.0
    assert res.loc[2, "S1_low"] == 0.0 and res.loc[2, "ST_high"] == 0.0
    # analytic: V1 = 1/12, V2 = 100/12 -> S2 = 100/101
    assert res.loc[1, "ST"] == pytest.approx(100 / 101, abs=0.05)


def test_random_design_layout() -> None:
    u, _ = saltelli_design(2, 5, seed=3, design="random")
    blocks = u.reshape(5, 4, 2)
    A, AB1, AB2, B = blocks[:, 0], blocks[:, 1], blocks[:, 2], blocks[:, 3]
    np.testing.assert_array_equal(AB1[:, 1], A[:, 1])
    np.testing.assert_array_equal(AB1[:, 0], B[:, 0])
    np.testing.assert_array_equal(AB2[:, 0], A[:, 0])
    np.testing.assert_array_equal(AB2[:, 1], B[:, 1])


def test_design_errors() -> None:
    with pytest.raises(SpecError, match="at least 2 uncertain assumptions"):
        saltelli_design(1, 8)
    with pytest.raises(SpecError, match="design must be"):
        saltelli_design(2, 8, design="lhs")
    with pytest.raises(SpecError, match="missing or infinite"):
        sobol_indices(np.array([1.0, np.nan, 2.0, 3.0]), ["a", "b"])


def test_coinr_total_index_ordering_at_n1000(
    example_coin: ii.Index, coinr_spec: dict[str, Any], asem_dir: Path
) -> None:
    ref = pd.read_csv(asem_dir / "reference_outputs" / "sensitivity_sa_N1000_seed1_indices.csv")
    ref_order = list(ref.sort_values("STi", ascending=False)["Variable"])
    assert ref_order == ["Aggregation", "Normalisation", "Weights", "Winmax"]
    names = {
        "aggregate": "Aggregation",
        "normalise": "Normalisation",
        "weights": "Weights",
        "winmax": "Winmax",
    }
    for design in ("sobol", "random"):
        res = sensitivity(example_coin, coinr_spec, 1000, design=design)
        ours = [names[a] for a in res.indices.sort_values("ST", ascending=False)["assumption"]]
        assert ours == ref_order, design
        assert len(res.y) == 1000 * 6 and res.output == "mean_abs_rank_shift"
        st = res.indices.set_index("assumption")["ST"]
        assert 0.6 < st["aggregate"] < 0.95  # EXPECTED.md D: about 0.6-0.8


def test_scalar_output_one_units_rank(example_coin: ii.Index, coinr_spec: dict[str, Any]) -> None:
    res = sensitivity(example_coin, coinr_spec, 64, output="rank:BEL")
    ranks = res.evaluation.ranks()[:, res.evaluation.units.index("BEL")]
    np.testing.assert_array_equal(res.y, ranks)
    assert res.indices["ST"].notna().all()
    with pytest.raises(SpecError, match="unit 'XXX' is not in the results"):
        sensitivity(example_coin, coinr_spec, 8, output="rank:XXX")
