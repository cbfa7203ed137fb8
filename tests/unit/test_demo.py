"""The synthetic demo world and the DuckDB store it is recorded in."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import innovindex as ii
from innovindex.demo import SYNTHETIC_LABEL, demo_world
from innovindex.methods.treat import skew
from innovindex.store import read_runs, read_scores, record_build


@pytest.fixture(scope="module")
def world() -> pd.DataFrame:
    return demo_world(seed=7)


def test_world_shape_and_labels(world):
    fw = ii.Framework.builtin("gii2019")
    assert world["uCode"].nunique() >= 130
    assert sorted(world["Time"].unique()) == list(range(2013, 2025))
    assert set(fw.indicators) <= set(world.columns) and len(fw.indicators) == 80
    assert world.attrs["synthetic"] == SYNTHETIC_LABEL
    assert world["uName"].str.startswith("Synthland").all()


def test_world_missing_skew_and_correlation(world):
    fw = ii.Framework.builtin("gii2019")
    year = world[world["Time"] == 2024].set_index("uCode")[list(fw.indicators)]
    share_missing = year.isna().to_numpy().mean()
    assert 0.07 <= share_missing <= 0.13
    assert sum(abs(skew(year[c].to_numpy())) > 2 for c in fw.indicators) >= 5
    oriented = year * pd.Series(fw.directions)
    corr = oriented.corr().to_numpy()
    pillar = np.array([fw.lineage(c)[2] for c in fw.indicators])
    same = pillar[:, None] == pillar[None, :]
    off = ~np.eye(len(pillar), dtype=bool)
    within, between = np.nanmean(corr[same & off]), np.nanmean(corr[~same])
    assert within > 0.3 and within > between > 0.1


def test_world_is_reproducible_from_its_seed():
    a = demo_world(seed=3, n_units=20, years=[2020, 2021])
    b = demo_world(seed=3, n_units=20, years=[2020, 2021])
    c = demo_world(seed=4, n_units=20, years=[2020, 2021])
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_store_records_and_reads_back(tmp_path):
    world = demo_world(seed=1, n_units=30, years=[2023, 2024])
    panel = ii.build_panel(world, "gii2019")
    db = tmp_path / "store.duckdb"
    run_id = record_build(db, panel, label="test", synthetic=True, seed=1)
    runs = read_runs(db)
    assert list(runs["run_id"]) == [run_id] and bool(runs["synthetic"][0])
    gii = read_scores(db, run_id, "GII")
    assert len(gii) == 60
    for t in (2023, 2024):
        expected = panel[t].scores()["GII"]
        got = gii[gii["time"] == t].set_index("uCode")["score"]
        np.testing.assert_allclose(got.loc[expected.index], expected, rtol=0, atol=1e-12)
    with duckdb.connect(str(db), read_only=True) as con:
        n = con.execute(
            "SELECT count(*) FROM index_indicators WHERE run_id = ?", [run_id]
        ).fetchone()[0]
    assert n == 60 * 80
