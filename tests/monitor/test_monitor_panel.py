"""Panels: reference-year mode keeps unchanged units' scores; panel imputation follows COINr."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.errors import SpecError
from innovindex.monitor.impute import impute_panel


def _frozen_panel(path: Path) -> tuple[pd.DataFrame, str]:
    """ASEM's panel with one complete unit's 2019 row replaced by its 2018 row."""
    df = pd.read_csv(path)
    inds = [
        c for c in df.columns if c not in ("uName", "uCode", "Time") and not c.endswith("_group")
    ]
    complete = (
        df[df["Time"].isin([2018, 2019])]
        .groupby("uCode")[inds]
        .apply(lambda g: g.notna().all().all())
    )
    unit = str(complete[complete].index[0])
    row18 = df[(df.uCode == unit) & (df.Time == 2018)].iloc[0]
    i19 = df.index[(df.uCode == unit) & (df.Time == 2019)][0]
    for c in df.columns:
        if c != "Time":
            df.at[i19, c] = row18[c]
    return df, unit


@pytest.mark.parametrize("winmax", [5, 1])  # winmax 1: nine ASEM indicators need COINr's log_CT
def test_reference_year_keeps_unchanged_unit_score_exactly(
    asem_files: dict, asem_fw: ii.Framework, arith: dict, winmax: int
) -> None:
    df, unit = _frozen_panel(asem_files["panel"])
    arith = {**arith, "treat": {"winmax": winmax}}
    ref = ii.panel(df, asem_fw, arith, reference_year=2018)
    if winmax == 1:
        assert ref[2018].treatment["fallback"].eq("log_ct").sum() > 0
    a, b = ref[2018].scores().loc[unit], ref[2019].scores().loc[unit]
    assert (a.to_numpy() == b.to_numpy()).all(), (a - b).abs().max()
    assert np.array_equal(
        ref[2018].stage("normalised").loc[unit].to_numpy(),
        ref[2019].stage("normalised").loc[unit].to_numpy(),
    )
    # each year on its own sample, the same unchanged data scores differently: the test can fail
    own = ii.panel(df, asem_fw, arith)
    assert own[2018].scores().at[unit, "Index"] != own[2019].scores().at[unit, "Index"]


def test_reference_year_applies_reference_caps_and_bounds(
    asem_files: dict, asem_fw: ii.Framework, arith: dict
) -> None:
    ref = ii.panel(asem_files["panel"], asem_fw, arith, reference_year=2018)
    b18 = ref[2018]._step("normalise").bounds_
    b22 = ref[2022]._step("normalise").bounds_
    assert b18.equals(b22)
    alone = ii.build(asem_files["panel"], asem_fw, arith, time=2018)
    assert np.allclose(
        alone.scores().to_numpy(),
        ref[2018].scores().reindex(alone.scores().index).to_numpy(),
        equal_nan=True,
    )
    # 2022 values beyond the 2018 bounds leave the 0-100 range instead of being re-scaled
    n22 = ref[2022].stage("normalised").to_numpy()
    assert np.nanmin(n22) < 0 or np.nanmax(n22) > 100


def test_reference_year_must_be_in_the_data(
    asem_files: dict, asem_fw: ii.Framework, arith: dict
) -> None:
    with pytest.raises(SpecError, match="reference year 1999 is not in the data"):
        ii.panel(asem_files["panel"], asem_fw, arith, reference_year=1999)


def _expected_cases(expected: Path) -> list[tuple[str, list[float], list[float]]]:
    """COINr's impute_panel cases as EXPECTED.md states them: (imp_type, input, output)."""
    text = expected.read_text(encoding="utf-8")
    start = text.index("impute_panel, one unit")
    line = " ".join(text[start : text.index("(The ASEM panel test", start)].split())
    cases = []
    for kind, body in re.findall(r'imp_type "(\w+)": (.*?)(?=imp_type|$)', line):
        for src, dst in re.findall(r"\(([^)]*)\)->\(([^)]*)\)", body):
            num = lambda s: [float("nan") if v.strip() == "NA" else float(v) for v in s.split(",")]  # noqa: E731
            cases.append((kind, num(src), num(dst)))
        if (
            "rest as for linear" in body
        ):  # constant: the cases without an interior gap equal linear's
            for k, src, dst in list(cases):
                if k == "linear" and not np.isnan(src[1]):
                    cases.append((kind, src, dst))
    return cases


def test_panel_imputation_matches_coinr(asem_files: dict) -> None:
    cases = _expected_cases(asem_files["expected"])
    assert len(cases) >= 5
    for kind, src, dst in cases:
        df = pd.DataFrame({"uCode": "U", "Time": [2020, 2021, 2022], "x": src})
        method = "carry_forward" if kind == "constant" else kind
        got = impute_panel(df, ["x"], method)["x"].tolist()
        assert got == dst, (kind, src, got, dst)
        assert impute_panel(df, ["x"], kind)["x"].tolist() == dst


def test_carry_forward_within_max_gap() -> None:
    nan = float("nan")
    df = pd.DataFrame(
        {
            "uCode": ["A"] * 5 + ["B"] * 3,
            "Time": [2016, 2017, 2018, 2019, 2020, 2016, 2018, 2019],
            "x": [3.0, nan, nan, nan, 7.0, 1.0, nan, 2.0],
        }
    )
    out = impute_panel(df, ["x"], "carry_forward", max_gap=2)["x"].tolist()
    # A: 2017 and 2018 are within 2 years of 2016's 3; 2019 is 3 years away and stays missing.
    # B has no 2017 row: its 2018 value is 2 years after 2016.
    assert out[:5][:4] == [3.0, 3.0, 3.0, out[3]] and np.isnan(out[3]) and out[4] == 7.0
    assert out[5:] == [1.0, 1.0, 2.0]
    lin = impute_panel(df, ["x"], "linear", max_gap=1)["x"].tolist()
    assert np.isnan(lin[2]) and lin[1] == pytest.approx(4.0) and lin[3] == pytest.approx(6.0)


def test_panel_imputation_in_a_build(asem_files: dict, asem_fw: ii.Framework, arith: dict) -> None:
    df = pd.read_csv(asem_files["panel"])
    gap = df.index[(df.uCode == "AUT") & (df.Time == 2020)][0]
    kept = df.at[df.index[(df.uCode == "AUT") & (df.Time == 2019)][0], "Goods"]
    df.at[gap, "Goods"] = np.nan
    p = ii.panel(df, asem_fw, arith, impute={"method": "carry_forward", "max_gap": 1})
    assert p[2020].stage("raw").at["AUT", "Goods"] == kept
    # the filled cell stays "imputed": coverage, the store and attribution know it
    c = ii.explain(p, "AUT", 2019, 2020).contributions.set_index(["effect", "code"])
    assert c.loc[("missing", "Goods"), "status_to"] == "imputed"
    assert c.loc[("own_data", "Goods"), "contribution"] == 0.0
    with pytest.raises(SpecError, match="max_gap"):
        ii.panel(df, asem_fw, arith, impute={"method": "carry_forward", "max_gap": 0})
