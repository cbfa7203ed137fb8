"""The demo hook and the CLI happy path."""

from __future__ import annotations

import csv
from pathlib import Path

from innovindex.patents.demo import run_demo
from innovindex.patents.tables import TABLES


def test_run_demo_writes_every_table_labelled_synthetic(
    tmp_path: Path, concordance_path: Path
) -> None:
    out = run_demo(
        tmp_path / "out", tmp_path / "store.duckdb", n=5_000, seed=1, concordance=concordance_path
    )
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
    assert (
        main(
            [
                "patents",
                "table",
                "by_field",
                "--by",
                "sector",
                "--years",
                "2010-2015",
                "--db",
                db,
                "--concordance",
                str(concordance_path),
                "--shares",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["sector"] for r in rows} >= {"Electrical engineering", "Chemistry"}
    assert {int(r["filing_year"]) for r in rows} <= set(range(2010, 2016))
    # synthetic data says so in every row: data set label, synthetic flag, then the keys
    assert list(rows[0])[:4] == ["dataset", "synthetic", "sector", "filing_year"]
    assert {(r["dataset"], r["synthetic"]) for r in rows} == {("raw", "true")}


def test_table_formats_follow_the_extension_with_the_usual_permissions(
    tmp_path: Path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """--out .csv / .parquet / .xlsx (a real workbook), created 0666 less the umask; office,
    origin and resident tables run without the IPC concordance."""
    import os

    import openpyxl
    import pyarrow.parquet as pq

    from innovindex.cli import main

    files = sorted(str(p) for p in generate_patstat_files(tmp_path))
    db = str(tmp_path / "s.duckdb")
    assert main(["patents", "import", "--format", "patstat", *files, "--db", db]) == 0
    old = os.umask(0o022)
    try:
        monkeypatch.delenv("INNOVINDEX_CONCORDANCE", raising=False)
        monkeypatch.setenv(
            "INNOVINDEX_CACHE", str(tmp_path / "no-cache")
        )  # no concordance anywhere
        for name in ("by_office", "by_origin", "resident", "inventor_fractional", "concentration"):
            for ext in (".csv", ".parquet", ".xlsx"):
                out = tmp_path / f"{name}{ext}"
                assert main(["patents", "table", name, "--db", db, "--out", str(out)]) == 0, (
                    capsys.readouterr().err
                )
                assert out.stat().st_mode & 0o777 == 0o644, out
        assert pq.read_table(tmp_path / "by_office.parquet").num_rows > 0
        wb = openpyxl.load_workbook(tmp_path / "by_office.xlsx", read_only=True)
        rows = list(wb.active.iter_rows(values_only=True))
        assert rows[0][:3] == ("dataset", "synthetic", "office")
        assert sum(r[rows[0].index("applications")] for r in rows[1:]) == 3000
        wb.close()
    finally:
        os.umask(old)


def generate_patstat_files(tmp_path: Path) -> list[Path]:
    from innovindex.patents.synthetic import generate_patstat

    return list(generate_patstat(3000, tmp_path / "raw", seed=4).values())
