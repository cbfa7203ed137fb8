"""The data-minimum-coverage rule (innovindex.methods.coverage.dmc_flags) on small trees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.errors import SpecError
from innovindex.methods.coverage import Coverage, dmc_flags


def _framework() -> ii.Framework:
    """P (level 3) <- S1 (3 indicators), S2 (5 indicators), S3 (2 indicators); R (level 4) <- P."""
    rows = [
        *[(1, f"a{i}", 1, "S1", "Indicator") for i in range(3)],
        *[(1, f"b{i}", 1, "S2", "Indicator") for i in range(5)],
        *[(1, f"c{i}", 1, "S3", "Indicator") for i in range(2)],
        (2, "S1", 1, "P", "Aggregate"),
        (2, "S2", 1, "P", "Aggregate"),
        (2, "S3", 1, "P", "Aggregate"),
        (3, "P", 1, "R", "Aggregate"),
        (4, "R", 1, None, "Aggregate"),
    ]
    meta = pd.DataFrame(rows, columns=["Level", "iCode", "Weight", "Parent", "Type"])
    meta["iName"] = meta["iCode"]
    meta["Direction"] = 1
    return ii.Framework.from_frame(meta)


FW = _framework()
COLS = {c: j for j, c in enumerate(FW.indicators)}


def _available(missing: list[list[str]]) -> np.ndarray:
    out = np.ones((len(missing), len(COLS)), dtype=bool)
    for u, codes in enumerate(missing):
        for c in codes:
            out[u, COLS[c]] = False
    return out


def _flag(cov: Coverage, code: str) -> list[bool]:
    return [bool(v) for v in cov.flagged[:, cov.column(code)]]


def test_share_threshold_on_indicator_parents() -> None:
    avail = _available([[], ["a0"], ["a0", "a1"], ["b0"], ["b0", "b1"], ["c0"]])
    cov = dmc_flags(avail, FW, min_share=0.65)
    assert _flag(cov, "S1") == [False, False, True, False, False, False]  # 2/3 ok, 1/3 not
    assert _flag(cov, "S2") == [False, False, False, False, True, False]  # 4/5 ok, 3/5 not
    assert _flag(cov, "S3") == [False, False, False, False, False, True]  # 1/2 < 0.65
    j = cov.column("S2")
    assert (
        cov.n_available[4, j] == 3
        and cov.n_total[4, j] == 5
        and cov.share[4, j] == pytest.approx(0.6)
    )
    # a share exactly at the threshold passes
    assert _flag(dmc_flags(avail, FW, min_share=0.6), "S2")[4] is False


def test_parent_rule_counts_flagged_children() -> None:
    one = ["a0", "a1"]
    two = [*one, "b0", "b1"]
    three = [*two, "c0"]
    avail = _available([[], one, two, three])
    cov = dmc_flags(avail, FW, min_flagged_children=2)
    assert _flag(cov, "P") == [False, False, True, True]
    # the GII 2019 form: flagged when exactly two children are
    gii = dmc_flags(avail, FW, min_flagged_children=2, max_flagged_children=2)
    assert _flag(gii, "P") == [False, False, True, False]


def test_levels_above_max_level_are_never_flagged() -> None:
    avail = _available([["a0", "a1", "b0", "b1", "c0"]])
    assert _flag(dmc_flags(avail, FW, min_flagged_children=1, max_level=3), "R") == [False]
    assert _flag(dmc_flags(avail, FW, min_flagged_children=1, max_level=None), "R") == [True]


def test_flags_dict_and_counts_cover_every_aggregate() -> None:
    avail = _available([["c0"], []])
    cov = dmc_flags(avail, FW)
    assert cov.codes == FW.aggregates
    assert set(cov.flags()) == set(FW.aggregates)
    j = cov.column("R")
    assert list(cov.n_available[:, j]) == [9, 10] and list(cov.n_total[:, j]) == [10, 10]
    assert cov.params["min_share"] == 0.65


@pytest.mark.parametrize(
    "params, word",
    [
        ({"min_share": 1.5}, "min_share"),
        ({"min_share": "half"}, "min_share"),
        ({"min_flagged_children": -1}, "min_flagged_children"),
        ({"max_flagged_children": 1, "min_flagged_children": 2}, "min_flagged_children <= max"),
        ({"max_level": 2.5}, "max_level"),
    ],
)
def test_bad_parameters_raise_spec_error(params: dict[str, object], word: str) -> None:
    with pytest.raises(SpecError, match=word):
        dmc_flags(_available([[]]), FW, **params)  # type: ignore[arg-type]


def test_wrong_shape_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="10 columns"):
        dmc_flags(np.ones((2, 3), dtype=bool), FW)
