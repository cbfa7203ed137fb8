"""`errors.shown`: values from a table are quoted in messages as the user typed them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innovindex.errors import shown


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.int64(2024), "2024"),
        (np.float64(0.5), "0.5"),
        (np.bool_(True), "True"),
        (np.str_("FRA"), "'FRA'"),
        (pd.Series([7], dtype="Int64").iloc[0], "7"),
        ("FRA", "'FRA'"),
        (2024, "2024"),
        (None, "None"),
    ],
)
def test_numpy_scalars_are_shown_as_plain_values(value, expected):
    assert shown(value) == expected


def test_an_array_keeps_its_own_repr():
    a = np.array([1, 2])
    assert shown(a) == repr(a)
