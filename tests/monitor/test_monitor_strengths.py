"""GII 2019 strengths and weaknesses reproduced from the published indicator scores.

The index is built from the published indicator scores (the framework's data-minimum-coverage
rule and arithmetic means, as tests/reference/test_gii2019.py does); the flags computed by
:func:`innovindex.monitor.strengths_weaknesses` are compared with the published ``sw_overall``
column. Nothing published is copied: the file is read at test time.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import innovindex as ii
from innovindex.framework.builtin import load_builtin_pipeline
from innovindex.monitor import profile, strengths_weaknesses


@pytest.fixture(scope="module")
def gii(reference_data: Path) -> pd.DataFrame:
    return pd.read_csv(
        reference_data / "gii" / "gii2019_full_database_long.csv", dtype={"code": str}
    )


@pytest.fixture(scope="module")
def gii_panel(gii: pd.DataFrame) -> ii.monitor.Panel:
    fw = ii.Framework.builtin("gii2019")
    wide = gii[gii["level"] == "indicator"].pivot(index="economy", columns="code", values="score")
    data = wide[list(fw.indicators)].reset_index(names="uCode")
    data.insert(1, "Time", 2019)
    spec = {
        "screen": load_builtin_pipeline("gii2019")["screen"],
        "aggregate": {"method": "arithmetic"},
    }
    return ii.panel(data, fw, spec)


def test_sw_overall_reproduced(gii: pd.DataFrame, gii_panel: ii.monitor.Panel) -> None:
    idx = gii_panel[2019]
    fw = idx.framework
    aggs = (
        idx.scores()[list(fw.aggregates)]
        .rename_axis("uCode")
        .reset_index()
        .melt("uCode", var_name="code", value_name="score")
    )
    inds = (
        idx.stage("raw")
        .rename_axis("uCode")
        .reset_index()
        .melt("uCode", var_name="code", value_name="score")
    )
    table = pd.concat([aggs, inds], ignore_index=True)
    table["level"] = table["code"].map(fw.level)
    table["flag"] = strengths_weaknesses(
        table, levels=(1, 2, 3)
    )  # indicators, sub-pillars, pillars
    pub = gii[["economy", "code", "sw_overall"]].rename(columns={"economy": "uCode"})
    pub["published"] = pub["sw_overall"].where(pub["sw_overall"].isin(["Strength", "Weakness"]), "")
    both = table.merge(pub, on=["uCode", "code"], how="inner")
    ind = both[both["level"] == 1]
    assert len(ind) == 129 * 80
    agreement = float((ind["flag"] == ind["published"]).mean())
    confusion = pd.crosstab(
        ind["published"].replace("", "(none)"),
        ind["flag"].replace("", "(none)"),
        rownames=["published"],
        colnames=["innovindex"],
    )
    print(f"\nGII 2019 strengths/weaknesses, economy-indicator pairs: agreement {agreement:.2%}")
    print(confusion.to_string())
    upper = both[both["level"].isin([2, 3])]
    print(f"sub-pillars and pillars: agreement {(upper['flag'] == upper['published']).mean():.2%}")
    assert agreement >= 0.95
    # never the opposite flag
    assert confusion.loc["Strength", "Weakness"] == 0 and confusion.loc["Weakness", "Strength"] == 0


def test_profile_carries_the_flags(gii_panel: ii.monitor.Panel, gii: pd.DataFrame) -> None:
    prof = profile(gii_panel, "China")
    assert set(prof["level"]) == {1, 2, 3, 4, 5}
    top = prof[prof["code"] == "GII"].iloc[0]
    assert top["flag"] == ""  # the index and sub-indices are not flagged
    pub_rank = gii[(gii["economy"] == "China") & (gii["code"] == "GII")]["rank"].iloc[0]
    assert top["rank"] == pub_rank
    ind = prof[prof["level"] == 1].set_index("code")
    assert (
        ind.loc[ind["rank"] == 1, "flag"] == "Strength"
    ).all()  # first worldwide: always a strength
    assert ind["coverage"].isin([0.0, 1.0]).all()
    sub = prof[prof["level"] == 2].set_index("code")
    assert sub["dmc_flag"].any()  # China's Education misses the data-minimum coverage in 2019


def test_peers_by_score_and_by_shape(gii_panel: ii.monitor.Panel) -> None:
    from innovindex.monitor import peers

    gii = gii_panel[2019].scores()["GII"]
    near = peers(gii_panel, "China", n=4)
    expected = (gii - gii["China"]).abs().drop("China").sort_values(kind="stable").head(4)
    assert list(near["uCode"]) == list(expected.index)
    assert near["distance"].to_numpy() == pytest.approx(expected.to_numpy())
    shape = peers(gii_panel, "China", n=3, by="profile")
    pillars = gii_panel[2019].scores()[list("1234567")]
    centred = pillars.sub(pillars.mean(axis=1), axis=0)
    d = ((centred - centred.loc["China"]) ** 2).sum(axis=1) ** 0.5
    assert list(shape["uCode"]) == list(d.drop("China").sort_values(kind="stable").head(3).index)
