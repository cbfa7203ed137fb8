"""The published GII panel (2011-2022, pillars and overall) imported as a run.

China's ranks are checked against the ranks SOURCES.md derives from the same file (read at
test time), for every edition: 34th in 2012 and 11th in 2022 among them.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovindex.errors import DataWarning, InputError
from innovindex.monitor import import_results, list_runs, profile, scores, timeseries

PILLARS_IN = [
    "Institutions",
    "Human capital and research",
    "Infrastructure",
    "Market sophistication",
    "Business sophistication",
]
PILLARS_OUT = ["Knowledge and technology outputs", "Creative outputs"]


@pytest.fixture(scope="module")
def panel_file(reference_data: Path) -> Path:
    return reference_data / "gii" / "gii_pillars_overall_2011_2022_panel.csv"


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory, panel_file: Path
) -> tuple[Path, str, list[str]]:
    db = tmp_path_factory.mktemp("imp") / "gii.duckdb"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_id = import_results(panel_file, framework="gii2019", db=db, time_column="Year")
    msgs = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert len(msgs) == len(caught)
    return db, run_id, msgs


def _china_ranks(reference_data: Path) -> dict[int, int]:
    text = (reference_data / "gii" / "SOURCES.md").read_text(encoding="utf-8")
    line = text[text.index("China (score, rank") :].split("\n- ")[0]
    return {int(y): int(r) for y, r in re.findall(r"(20\d\d) [\d.]+ #(\d+)", line)}


def test_china_rank_34_in_2012_and_11_in_2022(imported: tuple, reference_data: Path) -> None:
    db, run_id, _ = imported
    expected = _china_ranks(reference_data)
    assert len(expected) == 12 and expected[2012] == 34 and expected[2022] == 11
    ts = timeseries(db, run_id, "CHN", "GII").set_index("time")
    assert ts["rank"].to_dict() == expected
    prof = profile(db, "CHN", run=run_id)
    gii = prof[prof["code"] == "GII"].set_index("time")["rank"].to_dict()
    assert gii == expected
    # ties: ranks come from the scores, tied economies share the minimum rank; say which we meet
    s = scores(db, run_id, code="GII")
    ties = []
    for year in sorted(expected):
        yr = s[s["time"] == year]
        mine = yr.loc[yr["uCode"] == "CHN", "score"].iloc[0]
        tied = sorted(yr.loc[(yr["score"] == mine) & (yr["uCode"] != "CHN"), "uCode"])
        if tied:
            ties.append(f"{year}: China ({mine}) ties with {tied} at rank {expected[year]}")
    print(
        "\n"
        + (
            "\n".join(ties)
            if ties
            else "China's GII score ties with no other economy in any edition"
        )
    )


def test_ranks_are_min_ranks_of_scores(imported: tuple, panel_file: Path) -> None:
    db, run_id, _ = imported
    raw = pd.read_csv(panel_file, sep=";", decimal=",", encoding="utf-8-sig")
    raw = raw[raw["Global Innovation Index"].notna()]
    raw["expected"] = (
        raw.groupby("Year")["Global Innovation Index"]
        .rank(ascending=False, method="min")
        .astype(int)
    )
    s = scores(db, run_id, code="GII")
    assert len(s) == len(raw)
    merged = s.merge(
        raw.rename(columns={"Economies": "uName", "Year": "time"}), on=["uName", "time"]
    )
    assert len(merged) == len(raw)
    assert (merged["rank"].astype(int) == merged["expected"]).all()
    ties = merged[merged.duplicated(["time", "rank"], keep=False)]
    print(
        f"\n{len(ties)} economy-years share a GII rank with another economy (ties to the minimum rank)"
    )


def test_identity_breaks_are_warned_by_row(imported: tuple, panel_file: Path) -> None:
    _, _, msgs = imported
    raw = pd.read_csv(panel_file, sep=";", decimal=",", encoding="utf-8-sig")
    computed = (raw[PILLARS_IN].mean(axis=1) + raw[PILLARS_OUT].mean(axis=1)) / 2
    off = (raw["Global Innovation Index"] - computed).abs() > 0.2
    expected_rows = sorted(int(i) + 2 for i in np.flatnonzero(off.to_numpy()))  # header = row 1
    warned_rows = sorted(int(re.search(r"row (\d+) ", m).group(1)) for m in msgs)  # type: ignore[union-attr]
    assert warned_rows == expected_rows and len(warned_rows) > 0
    for m in msgs:
        row = int(re.search(r"row (\d+) ", m).group(1))  # type: ignore[union-attr]
        assert f"({raw.at[row - 2, 'Economies']}, {raw.at[row - 2, 'Year']})" in m


def test_strict_refuses_and_writes_nothing(tmp_path: Path, panel_file: Path) -> None:
    db = tmp_path / "s.duckdb"
    with pytest.raises(InputError, match="--strict"):
        import_results(panel_file, framework="gii2019", db=db, time_column="Year", strict=True)
    assert not db.exists() or list_runs(db).empty


def test_metadata_kept_and_run_listed(imported: tuple) -> None:
    db, run_id, _ = imported
    runs = list_runs(db)
    row = runs[runs["run_id"] == run_id].iloc[0]
    assert (
        row["kind"] == "import"
        and row["times"] == list(range(2011, 2023))
        and row["n_units"] == 149
    )
    prof = profile(db, "CHN", run=run_id, time=2019)
    assert prof["group"].notna().all()  # the income level column became the comparison group
