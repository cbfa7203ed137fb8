"""Certificate register counts: stock at year end, flows, fold vs percent vs CAGR, and a
quoted figure that does not match the data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from innovindex.cli import main
from innovindex.firms.certificates import check_register, compare_quotes, counts, growth


def test_49000_to_330000_is_673_fold_573_percent_236_a_year() -> None:
    g = growth(49_000, 330_000, 2012, 2021)
    # 330000 / 49000 = 6.7347; (6.7347 - 1) x 100 = 573.5%; 6.7347 ** (1/9) - 1 = 0.2361
    assert g.fold == pytest.approx(330 / 49, rel=1e-15)
    assert round(g.fold, 2) == 6.73
    assert round(g.increase_pct) == 573
    assert round(g.cagr_pct, 1) == 23.6
    assert g.cagr_pct == pytest.approx((math.exp(math.log(330 / 49) / 9) - 1) * 100, rel=1e-12)
    assert g.sentence() == "49,000 in 2012 to 330,000 in 2021: 6.73-fold (+573%), 23.6% a year"


def _register() -> pd.DataFrame:
    # A: 2019-03-01, 3 years -> valid at the end of 2019, 2020, 2021; expires 2022-03-01
    # B: 2020-12-31 (valid at the end of 2020: issued on the day), explicit expiry 2021-12-31
    #    (not valid at the end of 2021: it expires on that day)
    # C: 2021-06-01 -> valid 2021, 2022, 2023
    # A renewed: 2022-03-01 -> valid 2022 on
    raw = pd.DataFrame(
        {
            "firm_id": ["A", "B", "C", "A"],
            "issued": ["2019-03-01", "2020-12-31", "2021-06-01", "2022-03-01"],
            "expires": [None, "2021-12-31", None, None],
        }
    )
    return check_register(raw)


def test_stock_and_flows_by_hand() -> None:
    t = counts(_register()).set_index("year")
    # year end stock: 2019 {A}=1, 2020 {A,B}=2, 2021 {A,C}=2, 2022 {C,A'}=2
    assert t["valid_at_year_end"].to_dict() == {2019: 1, 2020: 2, 2021: 2, 2022: 2}
    assert t["new"].to_dict() == {2019: 1, 2020: 1, 2021: 1, 2022: 1}
    # lapsed: B on 2021-12-31, A on 2022-03-01
    assert t["lapsed"].to_dict() == {2019: 0, 2020: 0, 2021: 1, 2022: 1}
    # growth 2019 -> 2022: fold 2, +100%, CAGR 2 ** (1/3) - 1 = 25.99%
    assert t.loc[2022, "fold_vs_first"] == 2.0
    assert t.loc[2022, "increase_pct_vs_first"] == 100.0
    assert t.loc[2022, "cagr_pct_vs_first"] == pytest.approx((2 ** (1 / 3) - 1) * 100, rel=1e-12)
    assert t.loc[2020, "valid_yoy_pct"] == 100.0


def test_a_quoted_figure_that_does_not_match() -> None:
    t = counts(_register())
    cmp = compare_quotes(t, {2019: 1, 2022: 3}).set_index("measure")
    # 2019 matches (1 = 1); 2022 quoted 3 but the data has 2: -33.3%
    assert bool(cmp.loc["valid_at_year_end"].iloc[0]["matches"]) is True
    last = cmp.loc["valid_at_year_end"].iloc[1]
    assert (last["quoted"], last["data"], bool(last["matches"])) == (3, 2, False)
    assert last["difference_pct"] == pytest.approx(-100 / 3)
    # the quoted fold 3.0 against the data's 2.0
    assert (cmp.loc["fold 2019-2022", "quoted"], cmp.loc["fold 2019-2022", "data"]) == (3.0, 2.0)
    assert not cmp.loc["fold 2019-2022", "matches"]


def test_cli_writes_counts_and_comparison(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    reg = tmp_path / "reg.csv"
    reg.write_text(
        "firm_id,issued,expires\nA,2019-03-01,\nB,2020-12-31,2021-12-31\nC,2021-06-01,\n"
        "A,2022-03-01,\n",
        encoding="utf-8",
    )
    out, q = tmp_path / "c.csv", tmp_path / "q.csv"
    code = main(
        [
            "firms",
            "certificates",
            "--register",
            str(reg),
            "--out",
            str(out),
            "--quote",
            "2019=1",
            "--quote",
            "2022=3",
            "--quotes-out",
            str(q),
        ]
    )
    stdout = capsys.readouterr().out
    assert code == 0
    assert "valid_at_year_end 2022: quoted 3, data 2 (DOES NOT MATCH)" in stdout
    assert pd.read_csv(out)["valid_at_year_end"].tolist() == [1, 2, 2, 2]
    assert len(pd.read_csv(q)) == 5
