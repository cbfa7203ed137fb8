"""The demo hook and the CLI happy path."""

from __future__ import annotations

import csv
from pathlib import Path

from innovindex.patents.demo import run_demo
from innovindex.patents.tables import TABLES


def test_run_demo_writes_every_table_labelled_synthetic(tmp_path: Path, concordance_path: Path) -> None:
    out = run_demo(tmp_path / "out", tmp_path / "store.duckdb", n=5_000, seed=1, concordance=concordance_path)
    assert set(TABLES) <= set(out)
    for name in TABLES:
        p = out[name]
        assert p.parent == tmp_path / "out" / "patents" and p.name == f"synthetic_{name}.csv"
        with p.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert rows, name
    assert "SYNTHETIC" in out["README"].read_text(encoding="utf-8")
    with out["by_office"].open(encoding="utf-8") as fh:
        total = sum(int(r["applications"]) for r in csv.DictReader(fh))
    assert total == 5_000
    assert not list((tmp_path / "out" / "patents").glob("*.tmp"))


def test_cli_generate_import_table(tmp_path: Path, concordance_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from innovindex.cli import main

    assert main(["patents", "generate", "--n", "3000", "--out", str(tmp_path / "raw")]) == 0
    files = sorted(str(p) for p in (tmp_path / "raw").glob("tls*.parquet"))
    db = str(tmp_path / "s.duckdb")
    assert main(["patents", "import", "--format", "patstat", *files, "--db", db]) == 0
    assert "read 3000, imported 3000, rejected 0" in capsys.readouterr().out
    out = tmp_path / "t" / "fields.csv"
    assert main(["patents", "table", "by_field", "--by", "sector", "--years", "2010-2015", "--db", db,
                 "--concordance", str(concordance_path), "--shares", "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["sector"] for r in rows} >= {"Electrical engineering", "Chemistry"}
    assert {int(r["filing_year"]) for r in rows} <= set(range(2010, 2016))
    # synthetic data says so in every row: data set label, synthetic flag, then the keys
    assert list(rows[0])[:4] == ["dataset", "synthetic", "sector", "filing_year"]
    assert {(r["dataset"], r["synthetic"]) for r in rows} == {("raw", "true")}
