"""Imputation kernels against COINr's test-Impute.R and test-impute_panel.R (EXPECTED.md A)."""

from __future__ import annotations

import numpy as np
import pytest

from innovindex.errors import SpecError
from innovindex.methods import impute

NAN = np.nan


def test_mean_and_median_fill_only_missing() -> None:
    x = np.array([1.0, NAN, 2.0, 10.0, NAN])
    known = x[~np.isnan(x)]
    np.testing.assert_allclose(impute.mean(x), np.where(np.isnan(x), known.mean(), x))
    np.testing.assert_allclose(impute.median(x), np.where(np.isnan(x), np.median(known), x))
    assert np.isnan(x[1])  # input not modified


def test_all_missing_column_stays_missing() -> None:
    assert np.isnan(impute.mean([NAN, NAN])).all()
    assert np.isnan(impute.median([NAN])).all()


def test_group_mean_and_median() -> None:
    x = np.array([1.0, NAN, 3.0, 8.0, 5.0, NAN, NAN, 2.0, NAN])
    groups = np.array(["a", "a", "a", "b", "b", "b", None, "b", NAN], dtype=object)
    gm = impute.group_mean(x, groups)
    assert gm[1] == pytest.approx(np.mean([1.0, 3.0]))
    assert gm[5] == pytest.approx(np.mean([8.0, 5.0, 2.0]))
    assert np.isnan(gm[6]) and np.isnan(gm[8])  # unit with no group stays NA
    gmed = impute.group_median(x, groups)
    assert gmed[5] == np.median([8.0, 5.0, 2.0])
    known = ~np.isnan(x)
    np.testing.assert_array_equal(gm[known], x[known])


def test_group_with_no_known_value_stays_missing_and_numeric_labels() -> None:
    x = np.array([NAN, NAN, 4.0])
    np.testing.assert_array_equal(impute.group_mean(x, [1, 1, 2]), [NAN, NAN, 4.0])


def test_group_length_mismatch() -> None:
    with pytest.raises(SpecError, match="one label per value"):
        impute.group_mean([1.0, NAN], ["a"])


@pytest.mark.parametrize(
    ("x", "linear", "constant"),
    [
        ([3, NAN, 5], [3, 4, 5], [3, 3, 5]),
        ([NAN, 5, 6], [5, 5, 6], [5, 5, 6]),
        ([7, 8, NAN], [7, 8, 8], [7, 8, 8]),
    ],
)
def test_panel_published(x: list[float], linear: list[float], constant: list[float]) -> None:
    np.testing.assert_array_equal(impute.panel(x, kind="linear"), linear)
    np.testing.assert_array_equal(impute.panel(x, kind="constant"), constant)


def test_panel_longer_series_and_uneven_time() -> None:
    x = [NAN, 2.0, NAN, NAN, 8.0, NAN]
    np.testing.assert_allclose(impute.panel(x), [2.0, 2.0, 4.0, 6.0, 8.0, 8.0])
    np.testing.assert_allclose(impute.panel(x, kind="constant"), [2.0, 2.0, 2.0, 2.0, 8.0, 8.0])
    t = [2010, 2011, 2012, 2015, 2016, 2020]
    y = impute.panel(x, time=t)
    assert y[2] == pytest.approx(2.0 + 6.0 * 1 / 5) and y[3] == pytest.approx(2.0 + 6.0 * 4 / 5)


def test_panel_all_missing_and_errors() -> None:
    assert np.isnan(impute.panel([NAN, NAN])).all()
    with pytest.raises(SpecError, match="valid: constant, linear"):
        impute.panel([1.0], kind="spline")
    with pytest.raises(SpecError, match="increasing"):
        impute.panel([1.0, NAN], time=[2, 1])
