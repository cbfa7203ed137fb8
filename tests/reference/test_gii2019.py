"""GII 2019 reproduced from the published database (../shared/data/gii).

Two checks, as in the acceptance of issue 2:

* aggregation: the published indicator scores, aggregated by the gii2019 framework, give
  every published sub-pillar, pillar, sub-index and GII score within 0.1 (the rounding of the
  published data), the published GII ranks (up to ties of rounded scores) and the published
  data-minimum-coverage brackets;
* whole method: the published raw values (rounded by the source to one decimal) run through
  the framework's default pipeline give the GII within 0.5 for every economy, within 0.15 on
  average, and ranks close to the published ones.

The published numbers are read at test time; none is copied into the repository.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.framework.builtin import load_builtin_pipeline

GII_FILE = Path("gii") / "gii2019_full_database_long.csv"
WEIGHTS_FILE = Path("gii") / "gii2019_weights_inferred.csv"
AGG_TOL = 0.1  # rounding of the published scores
# Indicators whose published scores follow no transform innovindex offers (docs/gii2019.md).
UNEXPLAINED = {"5.3.4"}


@pytest.fixture(scope="module")
def gii(reference_data: Path) -> pd.DataFrame:
    return pd.read_csv(reference_data / GII_FILE, dtype={"code": str})


@pytest.fixture(scope="module")
def fw() -> ii.Framework:
    return ii.Framework.builtin("gii2019")


def _wide(gii: pd.DataFrame, column: str, level: str | None = None) -> pd.DataFrame:
    rows = gii[gii["level"] == level] if level else gii[gii["level"] != "indicator"]
    return rows.pivot(index="economy", columns="code", values=column)


def _idata(gii: pd.DataFrame, fw: ii.Framework, column: str) -> pd.DataFrame:
    wide = _wide(gii, column, "indicator")[list(fw.indicators)]
    out = wide.reset_index(names="uCode")
    out.insert(1, "uName", out["uCode"])
    out.insert(2, "Time", 2019)
    return out


@pytest.fixture(scope="module")
def published(gii: pd.DataFrame) -> pd.DataFrame:
    """Published scores of every aggregate (economy x code)."""
    return _wide(gii, "score")


@pytest.fixture(scope="module")
def from_scores(gii: pd.DataFrame, fw: ii.Framework) -> ii.Index:
    screen = load_builtin_pipeline("gii2019")["screen"]  # the framework's DMC rule
    spec = {"screen": screen, "aggregate": {"method": "arithmetic"}}
    return ii.build(_idata(gii, fw, "score"), fw, pipeline=spec)


@pytest.fixture(scope="module")
def from_values(gii: pd.DataFrame, fw: ii.Framework) -> ii.Index:
    return ii.build(_idata(gii, fw, "value"), fw)  # the default (GII) pipeline


# ---------------------------------------------------------------------- the framework
def test_framework_structure(fw: ii.Framework, reference_data: Path) -> None:
    assert len(fw.indicators) == 80
    assert len(fw.codes_at(2)) == 21 and fw.codes_at(3) == tuple("1234567")
    assert fw.children("IN") == ("1", "2", "3", "4", "5") and fw.children("OUT") == ("6", "7")
    assert fw.children("GII") == ("IN", "OUT") and fw.ratios == {"EFF": ("OUT", "IN")}
    inferred = pd.read_csv(reference_data / WEIGHTS_FILE, dtype={"code": str, "parent": str})
    for row in inferred.itertuples():
        assert fw.parent(row.code) == row.parent, row.code
        assert fw.weights[row.code] == row.weight, row.code
    assert sum(fw.weights[c] == 0.5 for c in fw.indicators) == 31


def test_directions_follow_published_scores(fw: ii.Framework, gii: pd.DataFrame) -> None:
    """Direction -1 exactly where the published score falls as the raw value rises."""
    v, s = _wide(gii, "value", "indicator"), _wide(gii, "score", "indicator")
    for code, d in fw.directions.items():
        assert np.sign(v[code].corr(s[code], method="spearman")) == d, code


def test_fixed_scales_reproduce_published_scores(fw: ii.Framework, gii: pd.DataFrame) -> None:
    """score = 100 (value - ScaleMin) / (ScaleMax - ScaleMin), up to the rounding of both."""
    v, s = _wide(gii, "value", "indicator"), _wide(gii, "score", "indicator")
    lo, hi = fw.attribute("ScaleMin"), fw.attribute("ScaleMax")
    fixed = [c for c in fw.indicators if lo[c] is not None]
    assert len(fixed) == 15
    for c in fixed:
        tol = 100 * 0.05 / (hi[c] - lo[c]) + 0.05
        err = (100 * (v[c] - lo[c]) / (hi[c] - lo[c]) - s[c]).abs().max()
        assert err <= tol + 1e-9, (c, err, tol)
    # the sample's own min-max would not do: the scale is not the sample range (4.1.1, an
    # index on 0-100, is the one fixed-scale indicator whose sample spans the whole scale)
    narrower = [c for c in fixed if v[c].min() > lo[c] or v[c].max() < hi[c]]
    assert sorted(set(fixed) - set(narrower)) == ["4.1.1"]


# ---------------------------------------------------------------------- aggregation
def test_aggregates_from_published_indicator_scores(
    from_scores: ii.Index, published: pd.DataFrame
) -> None:
    ours = from_scores.scores()
    assert len(ours) == 129
    codes = [c for c in published.columns]
    assert set(codes) == set(ours.columns) - {"EFF"}
    ours = ours.loc[published.index, codes]
    assert (ours.isna() == published.isna()).all().all()  # e.g. 2.2 with no data at all
    err = (ours - published).abs()
    worst = err.max()
    assert (worst <= AGG_TOL).all(), worst[worst > AGG_TOL].to_dict()


def test_efficiency_ratio(from_scores: ii.Index, published: pd.DataFrame) -> None:
    eff = from_scores.scores().loc[published.index, "EFF"]
    expected = published["OUT"] / published["IN"]  # the published ratio of published sub-indices
    assert (eff - expected).abs().max() <= AGG_TOL / 10


def test_gii_ranks_identical_up_to_ties(from_scores: ii.Index, gii: pd.DataFrame) -> None:
    pub = gii[gii["code"] == "GII"].set_index("economy")
    ours = from_scores.ranks()["GII"].reindex(pub.index).astype(int)
    # an economy's published rank may sit anywhere in the block of economies whose rounded
    # scores tie with its own; ours must fall in the same block
    block_start = pub["score"].rank(ascending=False, method="min")
    block_end = pub["score"].rank(ascending=False, method="max")
    assert ((pub["rank"] >= block_start) & (pub["rank"] <= block_end)).all()  # data sanity
    bad = pub.index[(ours < block_start) | (ours > block_end)]
    assert list(bad) == [], pd.DataFrame({"ours": ours[bad], "published": pub["rank"][bad]})


@pytest.mark.parametrize("build", ["from_scores", "from_values"])
def test_dmc_brackets_match_published(
    build: str, request: pytest.FixtureRequest, gii: pd.DataFrame
) -> None:
    idx = request.getfixturevalue(build)
    cov = idx.coverage
    brackets = _wide(gii, "rank_dmc_not_met_bracket").astype(bool)
    assert set(cov.columns) == set(brackets.columns)
    ours = cov.loc[brackets.index, brackets.columns]
    diff = ours != brackets
    assert not diff.any().any(), diff.stack()[lambda s: s].index.tolist()
    assert int(brackets.to_numpy().sum()) == 256  # the published bracket count, all matched


# ---------------------------------------------------------------------- whole method
def _indicator_errors(idx: ii.Index, gii: pd.DataFrame, fw: ii.Framework) -> pd.DataFrame:
    ours = idx.stage("normalised")
    pub = _wide(gii, "score", "indicator").loc[ours.index, list(fw.indicators)]
    raw = _wide(gii, "value", "indicator").loc[ours.index, list(fw.indicators)]
    err = (ours - pub).abs()
    # one rounding step of the source (0.1 of the raw value) in score points, over the part
    # of the scale where published scores are neither 0 nor 100 (i.e. not winsorised)
    inner = raw.where((pub > 0.05) & (pub < 99.95))
    lo, hi = fw.attribute("ScaleMin"), fw.attribute("ScaleMax")
    span = {
        c: (hi[c] - lo[c]) if lo[c] is not None else max(inner[c].max() - inner[c].min(), 0.1)
        for c in fw.indicators
    }
    table = pd.DataFrame({"max_abs": err.max(), "mean_abs": err.mean()})
    table["rounding_step"] = [100 * 0.1 / span[c] for c in fw.indicators]
    tr = idx.treatment.set_index("iCode")
    table["treated"] = tr["treated"]
    table["n_high"] = tr["n_high"]
    table["fallback"] = tr["fallback"]
    return table


def test_per_indicator_errors(from_values: ii.Index, gii: pd.DataFrame, fw: ii.Framework) -> None:
    table = _indicator_errors(from_values, gii, fw)
    with pd.option_context("display.max_rows", 100, "display.width", 120):
        print("\nGII 2019 normalised indicator scores vs published (whole method):")
        print(table.round(3).to_string())
    # every indicator but the documented exception is reproduced to within one rounding
    # step of its raw value on average
    within = table["mean_abs"] <= table["rounding_step"] + 0.1
    bad = table.index[~within & ~table.index.isin(UNEXPLAINED)]
    assert list(bad) == [], table.loc[bad]


def test_whole_method_gii_scores(from_values: ii.Index, published: pd.DataFrame) -> None:
    g = from_values.scores()["GII"].loc[published.index]
    err = (g - published["GII"]).abs()
    print(f"\nGII from raw values: max |error| {err.max():.3f}, mean {err.mean():.3f}")
    assert err.max() <= 0.5, err.sort_values().tail(5)
    assert err.mean() <= 0.15


def _rank_gap(idx: ii.Index, gii: pd.DataFrame) -> pd.Series:
    pub = gii[gii["code"] == "GII"].set_index("economy")["rank"]
    return (idx.ranks()["GII"].reindex(pub.index).astype(int) - pub).abs()


def test_whole_method_gii_ranks_close(from_values: ii.Index, gii: pd.DataFrame) -> None:
    gap = _rank_gap(from_values, gii)
    print(
        f"\nGII ranks from raw values: max |rank gap| {gap.max()}, over 2: {gap[gap > 2].to_dict()}"
    )
    assert gap.max() <= 3
    assert (gap <= 2).sum() >= 128


@pytest.mark.xfail(
    strict=True,
    reason=(
        "source rounding: Honduras 6.2.3 is published as 0.3 (score 21.6, i.e. about 0.24); "
        "0.3 gives 27.3 and, 6.2.3 being half of Honduras' two-indicator 6.2, "
        "+0.24 on its GII (25.78 vs 25.5): rank 101 vs 104"
    ),
)
def test_whole_method_every_rank_within_2(from_values: ii.Index, gii: pd.DataFrame) -> None:
    assert _rank_gap(from_values, gii).max() <= 2
