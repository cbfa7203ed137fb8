"""The workbook and the offline HTML report, read back and checked against the store."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from innovindex.cli import main


def test_workbook_reads_back_with_the_store_values(
    demo_store: tuple[Path, str], tmp_path: Path
) -> None:
    import openpyxl

    db, run_id = demo_store
    out = tmp_path / "run.xlsx"
    assert main(["export", "--db", str(db), "--run", "latest", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[:3] == ["Cover", "Scores", "Ranks"]
    assert {
        "Indicators raw",
        "Indicators normalised",
        "Statistics",
        "Profiles",
        "Framework",
    } <= set(wb.sheetnames)
    cover = {r[0]: r[1] for r in wb["Cover"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert cover["SYNTHETIC"].startswith("every number")
    assert cover["run_id"] == run_id and cover["framework"] == "builtin:gii2019"
    assert json.loads(cover["pipeline"])["normalise"]["method"] == "minmax"

    rows = list(wb["Scores"].iter_rows(values_only=True))
    sheet = pd.DataFrame(rows[1:], columns=rows[0])
    with duckdb.connect(str(db), read_only=True) as con:
        want = con.execute(
            "SELECT time, uCode, code, score, rank FROM index_scores WHERE run_id = ?", [run_id]
        ).df()
    long = sheet.melt(["time", "uCode", "uName"], var_name="code", value_name="score").dropna(
        subset=["score"]
    )
    merged = long.merge(want, on=["time", "uCode", "code"], suffixes=("_xlsx", "_store"))
    assert len(merged) == want["score"].notna().sum() == len(long)
    assert (merged["score_xlsx"] - merged["score_store"]).abs().max() < 1e-12

    ranks = list(wb["Ranks"].iter_rows(values_only=True))
    rdf = pd.DataFrame(ranks[1:], columns=ranks[0])
    gii = rdf[rdf["time"] == 2023].set_index("uCode")["GII"]
    store_gii = want[(want["time"] == 2023) & (want["code"] == "GII")].set_index("uCode")["rank"]
    assert (gii.sort_index() == store_gii.sort_index()).all()

    # the header is frozen and scores carry a number format
    ws = openpyxl.load_workbook(out)["Scores"]
    assert ws.freeze_panes == "D2"
    assert ws["D2"].number_format == "0.00"


def test_workbook_refuses_an_unknown_run(
    demo_store: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.xlsx"
    assert main(["export", "--db", str(demo_store[0]), "--run", "nope", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no run 'nope'" in err[0]
    assert not out.exists()


class _Refs(HTMLParser):
    """Every src/href attribute and every url(...) in style, outside script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            if k in ("src", "href", "srcset", "action", "poster", "data") and v:
                self.refs.append(v)
            if k == "style" and v:
                self.styles.append(v)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def test_report_is_self_contained(gii_store: tuple[Path, str], tmp_path: Path) -> None:
    db, run_id = gii_store
    out = tmp_path / "gii.html"
    assert main(["report", "--db", str(db), "--run", run_id, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(text)
    remote = [r for r in parser.refs if re.match(r"\s*(https?:)?//", r, re.I)]
    assert remote == []
    urls = [u for s in parser.styles for u in re.findall(r"url\(([^)]*)\)", s)]
    assert not [u for u in urls if "http" in u.lower()]
    # no <script src>, <link href> or @import at all: everything is inline
    assert not re.search(r"<script[^>]+src=", text, re.I)
    assert not re.search(r"<link[^>]+href=", text, re.I)
    assert "@import" not in text
    # Plotly's bundle is included once, not once per chart
    from plotly.offline import get_plotlyjs

    bundle = get_plotlyjs()
    assert text.count(bundle[:400]) == 1 and text.count(bundle[-400:]) == 1
    assert text.count('type="application/json" id="fig') >= 3 + 2 * 132
    # the map carries the bundled geometry, coloured by ISO3 codes
    assert "innovindex-world-110m" in text and '"CHN"' in text
    assert "SYNTHETIC" not in text.split("<main>")[0]


def test_report_of_a_synthetic_run_says_so(demo_store: tuple[Path, str], tmp_path: Path) -> None:
    from innovindex.report.html import write_report

    text = write_report(demo_store[0], "latest", tmp_path / "r.html").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in text
    assert 'id="profile-S001"' in text and 'id="uncertainty"' not in text


def test_report_and_workbook_with_an_audit(
    demo_store: tuple[Path, str], demo_audit: Path, tmp_path: Path
) -> None:
    import openpyxl

    db = str(demo_store[0])
    stats = pd.read_csv(demo_audit / "rank_stats.csv", dtype={"uCode": str})
    html = tmp_path / "a.html"
    assert main(["report", "--db", db, "--out", str(html), "--audit", str(demo_audit)]) == 0
    text = html.read_text(encoding="utf-8")
    assert 'id="uncertainty"' in text and "Rank interval (audit" in text
    xlsx = tmp_path / "a.xlsx"
    assert main(["export", "--db", db, "--out", str(xlsx), "--audit", str(demo_audit)]) == 0
    rows = list(
        openpyxl.load_workbook(xlsx, read_only=True)["Uncertainty"].iter_rows(values_only=True)
    )
    sheet = pd.DataFrame(rows[1:], columns=rows[0]).set_index("uCode")
    want = stats.set_index("uCode")
    for got, exp in (("low", "q5"), ("high", "q95")):
        pd.testing.assert_series_equal(
            sheet.loc[want.index, got].astype(float), want[exp].astype(float), check_names=False
        )
    assert set(sheet["time"]) == {2023}


def test_an_audit_of_other_units_is_refused(
    gii_store: tuple[Path, str],
    demo_audit: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "x.html"
    rc = main(["report", "--db", str(gii_store[0]), "--out", str(out), "--audit", str(demo_audit)])
    assert rc == 2 and "are not units of run" in capsys.readouterr().err
    assert not out.exists()
