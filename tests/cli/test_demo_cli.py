"""`innovindex demo` (behind `make demo`): the whole system on synthetic data, labelled so."""

from __future__ import annotations

import json

import pandas as pd

from innovindex.cli import main
from innovindex.demo import SYNTHETIC_LABEL
from innovindex.store import read_runs, read_scores


def test_demo_writes_labelled_results_and_records_the_store(tmp_path, monkeypatch, capsys, request):
    monkeypatch.chdir(tmp_path)
    argv = ["demo", "--out", "demo-out", "--db", "store.duckdb", "--n-patents", "3000"]
    assert main(argv) == 0, capsys.readouterr().err
    summary = capsys.readouterr().out
    assert SYNTHETIC_LABEL in summary
    out = tmp_path / "demo-out"
    assert SYNTHETIC_LABEL in (out / "README.txt").read_text()
    scores = pd.read_csv(out / "index" / "scores.csv")
    assert sorted(scores["Time"].unique()) == list(range(2013, 2025))
    assert scores.groupby("Time")["uCode"].nunique().min() >= 130
    assert {"GII", "IN", "OUT", "EFF"} <= set(scores.columns)
    info = json.loads((out / "index" / "run.json").read_text())
    assert info["synthetic"] is True and info["framework"] == "builtin:gii2019"
    runs = read_runs(tmp_path / "store.duckdb")
    assert len(runs) == 1 and bool(runs["synthetic"][0])
    stored = read_scores(tmp_path / "store.duckdb", runs["run_id"][0], "GII")
    latest = scores[scores["Time"] == 2024].set_index("uCode")["GII"]
    got = stored[stored["time"] == 2024].set_index("uCode")["score"]
    assert (got.loc[latest.index] - latest).abs().max() < 1e-9
    # a second run replaces the folder it wrote and adds a run to the store
    assert main(argv) == 0
    assert len(read_runs(tmp_path / "store.duckdb")) == 2
    # the patent part needs WIPO's concordance: from the reference data ($INNOVINDEX_REFERENCE_DATA)
    # or the user's cache; without either the demo says it skipped the patents
    if not (out / "patents").is_dir():
        assert "patents: skipped" in summary and "concordance" in summary
        request.getfixturevalue("reference_data")  # skips here, naming why, when it is absent
        raise AssertionError(f"the reference data is there but the demo skipped patents: {summary}")
    patent_tables = sorted(p.name for p in (out / "patents").glob("synthetic_*.csv"))
    assert "synthetic_by_office.csv" in patent_tables and len(patent_tables) >= 8
