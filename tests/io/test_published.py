"""Data as it is published: delimiters, decimal commas, encodings, long tables and country
names all give the same checked iData as the clean wide file (tests/cli/conftest.py's tiny
framework), and the GII's own files read as they come."""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import innovindex as ii
from innovindex.errors import InputError
from innovindex.framework.codes import match_labels
from innovindex.io.countries import names_to_iso3
from innovindex.io.idata import check_data, read_data
from innovindex.io.readers import read_table
from innovindex.io.sniff import sniff_dialect

META = pd.DataFrame(
    {
        "Level": [1, 1, 1, 1, 2, 2, 3],
        "iCode": ["a1", "a2", "b1", "b2", "A", "B", "Index"],
        "iName": ["A one", "A two", "B one", "B two", "Pillar A", "Pillar B", "Index"],
        "Direction": [1, -1, 1, 1, 1, 1, 1],
        "Weight": [1, 1, 1, 0.5, 1, 1, 1],
        "Parent": ["A", "A", "B", "B", "Index", "Index", None],
        "Type": ["Indicator"] * 4 + ["Aggregate"] * 3,
    }
)
FW = ii.Framework.from_frame(META)
INDICATORS = ["a1", "a2", "b1", "b2"]


def clean(years=(2023, 2024)) -> pd.DataFrame:
    rows = []
    for t in years:
        for i, (code, name) in enumerate(
            [("AT", "Österreich"), ("CI", "Côte d'Ivoire"), ("NA", "Namibia"), ("BR", "São Paulo")]
        ):
            rows.append(
                {
                    "uCode": code,
                    "uName": name,
                    "Time": t,
                    "a1": i + 0.25,
                    "a2": 1.5 * i - t % 7,
                    "b1": 1000.5 * (i + 1),
                    "b2": None if i == 1 else i / 8,
                }  # fmt: skip
            )
    return pd.DataFrame(rows)


def expected() -> pd.DataFrame:
    return check_data(clean(), FW)


def _same(got: pd.DataFrame) -> None:
    want = expected()
    cols = ["uCode", "uName", "Time", *INDICATORS]
    key = ["Time", "uCode"]
    pdt.assert_frame_equal(
        got[cols].sort_values(key).reset_index(drop=True),
        want[cols].sort_values(key).reset_index(drop=True),
    )


def _write_text(path: Path, df: pd.DataFrame, sep: str, decimal: str, encoding: str) -> Path:
    text = df.to_csv(index=False, sep=sep, decimal=decimal)
    path.write_bytes(text.encode(encoding))
    return path


# ---------------------------------------------------------------------- dialects
@pytest.mark.parametrize(
    ("sep", "decimal", "encoding"),
    [
        (",", ".", "utf-8"),
        (";", ",", "utf-8"),
        (";", ",", "latin-1"),
        (";", ".", "cp1252"),
        ("\t", ",", "utf-8"),
        ("|", ".", "latin-1"),
        (",", ".", "utf-8-sig"),
        (";", ",", "utf-16"),
    ],
)
def test_every_dialect_reads_to_the_clean_frame(sep, decimal, encoding, tmp_path):
    path = _write_text(tmp_path / "d.csv", clean(), sep, decimal, encoding)
    _same(read_data(path, FW))


def test_explicit_options_equal_detection(tmp_path):
    path = _write_text(tmp_path / "d.csv", clean(), ";", ",", "latin-1")
    _same(read_data(path, FW, sep=";", decimal=",", encoding="latin-1"))


def test_decimal_comma_is_detected_from_the_numbers_not_guessed():
    semicolon_points = "u;x\nA;1.5\nB;2.25\n"
    semicolon_commas = "u;x\nA;1,5\nB;2,25\n"
    integers = "u;x\nA;1\nB;2\n"
    assert sniff_dialect(semicolon_points).decimal == "."
    assert sniff_dialect(semicolon_commas).decimal == ","
    assert sniff_dialect(integers).decimal == "."
    # commas inside quoted text of a comma-separated file are not delimiters or decimals
    quoted = 'u,name,x\nA,"Hong Kong, China",1.5\nB,"Korea, Rep.",2\n'
    d = sniff_dialect(quoted)
    assert (d.sep, d.decimal) == (",", ".")


def test_a_bom_that_is_not_utf16_is_not_trusted_blindly(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone surrogate: not UTF-16 text
    with pytest.raises(InputError, match="byte-order mark"):
        read_table(path)


# ---------------------------------------------------------------------- long form
def _long(df: pd.DataFrame, **names: str) -> pd.DataFrame:
    out = df.melt(["uCode", "uName", "Time"], INDICATORS, var_name="indicator", value_name="value")
    return out.rename(columns=names).sample(frac=1.0, random_state=3)  # any row order


def test_long_form_gives_the_wide_frame(tmp_path):
    path = tmp_path / "long.csv"
    _long(clean()).to_csv(path, index=False)
    _same(read_data(path, FW))


@pytest.mark.parametrize(
    "names",
    [
        {"uCode": "unit", "Time": "year", "indicator": "iCode", "value": "Value"},
        {
            "uCode": "ISO3",
            "uName": "Country Name",
            "Time": "TIME_PERIOD",
            "indicator": "Series",
            "value": "OBS_VALUE",
        },  # fmt: skip
    ],
)
def test_long_form_column_names_as_databases_write_them(names, tmp_path):
    path = tmp_path / "long.csv"
    _long(clean(), **names).to_csv(path, index=False, sep=";", decimal=",")
    _same(read_data(path, FW))


def test_long_form_labels_by_name_and_aggregate_rows_left_out(tmp_path):
    long = _long(clean())
    long["indicator"] = long["indicator"].map(dict(zip(META.iCode, META.iName, strict=True)))
    published = long.iloc[:2].assign(indicator="Pillar A", value=99.0)  # a published score
    path = tmp_path / "long.csv"
    pd.concat([long, published]).to_csv(path, index=False)
    _same(read_data(path, FW))


def test_long_frame_from_python_too():
    _same(check_data(_long(clean()), FW))


def test_single_year_long_form_without_time_builds_with_time_column(tmp_path):
    one = clean(years=(2024,)).drop(columns="Time")
    long = one.melt(["uCode", "uName"], INDICATORS, var_name="code", value_name="value")
    got = check_data(long, FW)
    assert "Time" not in got.columns
    pdt.assert_frame_equal(
        got.set_index("uCode")[INDICATORS].sort_index(),
        check_data(one, FW).set_index("uCode")[INDICATORS].sort_index(),
    )


# ---------------------------------------------------------------------- names and labels
def test_country_names_map_to_iso3_and_are_kept_as_names(tmp_path):
    df = clean().drop(columns="uCode").rename(columns={"uName": "Economy"})
    df["Economy"] = df["Economy"].replace({"Österreich": "Austria", "São Paulo": "Brazil"})
    path = _write_text(tmp_path / "names.csv", df, ";", ",", "latin-1")
    got = read_data(path, FW)
    assert dict(zip(got["uName"], got["uCode"], strict=True)) == {
        "Austria": "AUT", "Côte d'Ivoire": "CIV", "Namibia": "NAM", "Brazil": "BRA"
    }  # fmt: skip


def test_names_to_iso3_refuses_every_unmappable_name_at_once():
    with pytest.raises(InputError) as err:
        names_to_iso3(["France", "Narnia", "Atlantis", "Germany"], file="f.csv", column="country")
    msg = str(err.value)
    assert "Narnia" in msg and "Atlantis" in msg and "France" not in msg and "\n" not in msg


def test_framework_labels_match_codes_dots_and_names():
    fw = ii.Framework.builtin("gii2019")
    got = match_labels(["7.3.2.", " Global Innovation Index", "creative outputs", "nothing"], fw)
    assert got == {"7.3.2.": "7.3.2", " Global Innovation Index": "GII", "creative outputs": "7"}


def test_wide_columns_may_be_labelled_by_name():
    df = clean().rename(columns={"a1": "A one", "b2": "b two"})
    _same(check_data(df, FW))


# ---------------------------------------------------------------------- the GII's own files
PANEL = Path("gii") / "gii_pillars_overall_2011_2022_panel.csv"
PILLARS = [
    "Institutions", "Human capital and research", "Infrastructure", "Market sophistication",
    "Business sophistication", "Knowledge and technology outputs", "Creative outputs",
]  # fmt: skip


def test_semicolon_panel_reads_without_options(reference_data):
    ours = read_table(reference_data / PANEL)
    theirs = pd.read_csv(reference_data / PANEL, sep=";", decimal=",", encoding="utf-8-sig")
    assert ours.shape == (1788, 15)
    pdt.assert_frame_equal(ours, theirs, check_dtype=False)


def test_semicolon_panel_builds_the_published_gii(reference_data):
    """Pillars as indicators (matched by name), economies mapped to ISO3 codes: the build
    equals the GII formula (mean of the input and output means) computed here with pandas,
    and the published GII within its rounding (SOURCES.md: 0.16, one row at 0.405)."""
    codes = [f"P{i}" for i in range(1, 8)]
    meta = pd.DataFrame(
        {
            "Level": [1] * 7 + [2, 2, 3],
            "iCode": [*codes, "IN", "OUT", "GII"],
            "iName": [*PILLARS, "Input", "Output", "Global Innovation Index"],
            "Direction": 1,
            "Weight": 1.0,
            "Parent": ["IN"] * 5 + ["OUT"] * 2 + ["GII", "GII", None],
            "Type": ["Indicator"] * 7 + ["Aggregate"] * 3,
        }
    )
    fw = ii.Framework.from_frame(meta)
    data = read_data(reference_data / PANEL, fw)  # no options: ';' and decimal commas
    assert data["uCode"].str.fullmatch(r"[A-Z]{3}").all()
    assert data.groupby("Time")["uCode"].nunique().min() >= 125
    panel = ii.build_panel(data, fw, {"aggregate": {"method": "arithmetic"}})
    pub = pd.read_csv(reference_data / PANEL, sep=";", decimal=",", encoding="utf-8-sig")
    pub = pub[pub[PILLARS].notna().all(axis=1) & (pub["Year"] >= 2012)]
    formula = (pub[PILLARS[:5]].mean(axis=1) + pub[PILLARS[5:]].mean(axis=1)) / 2
    errors = []
    for year, rows in pub.groupby("Year"):
        ours = panel[int(year)].scores()["GII"]
        ours = ours.rename(panel[int(year)].units["uName"]).loc[rows["Economies"]].to_numpy()
        assert np.abs(ours - formula[rows.index].to_numpy()).max() <= 1e-9, year
        errors.append(np.abs(ours - rows["Global Innovation Index"].to_numpy()))
    err = np.concatenate(errors)
    assert len(err) >= 1400
    assert err.max() <= 0.405 + 1e-9 and (err <= 0.16).mean() >= 0.999


def _wide_original(path: Path, fw: ii.Framework) -> pd.DataFrame:
    """iData from the 'Value' block of the original wide database (rows = codes written
    '1.1.1.', columns = economies), parsed here independently of innovindex's readers."""
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    start = rows[0].index("Value") + 1
    economies = rows[0][start : start + 129]
    values = {}
    for row in rows[1:]:
        code = row[0].strip().rstrip(".")
        if code in fw.indicators:
            cells = row[start : start + 129]
            values[code] = [float(v) if v not in ("n/a", "") else np.nan for v in cells]
    out = pd.DataFrame(values, index=economies)[list(fw.indicators)]
    return out.reset_index(names="uCode").assign(uName=lambda d: d["uCode"])


def _wide_route(gii: pd.DataFrame, fw: ii.Framework) -> pd.DataFrame:
    """tests/reference/test_gii2019.py's iData: the long file pivoted with pandas."""
    rows = gii[gii["level"] == "indicator"]
    wide = rows.pivot(index="economy", columns="code", values="value")[list(fw.indicators)]
    out = wide.reset_index(names="uCode")
    out.insert(1, "uName", out["uCode"])
    return out


def test_gii_long_file_builds_as_the_wide_route(reference_data, tmp_path, capsys):
    from innovindex.cli import main

    src = reference_data / "gii" / "gii2019_full_database_long.csv"
    out = tmp_path / "out"
    assert main(["build", "--data", str(src), "--framework", "gii2019", "--out", str(out)]) == 0
    capsys.readouterr()
    long = pd.read_csv(out / "scores.csv", dtype={"uCode": str}).set_index("uName")
    assert len(long) == 129
    assert long["uCode"].str.fullmatch(r"[A-Z]{3}").all() and long["uCode"].is_unique
    assert "Time" in long.columns and long["Time"].isna().all()  # single year, no Time given
    fw = ii.Framework.builtin("gii2019")
    gii = pd.read_csv(src, dtype={"code": str})
    original = reference_data / "gii" / "gii2019_full_database_wide_original.csv"
    for idata in (_wide_route(gii, fw), _wide_original(original, fw)):
        wide = ii.build(idata, fw).scores()
        assert sorted(wide.index) == sorted(long.index)
        ours, theirs = long[wide.columns].to_numpy(), wide.loc[long.index].to_numpy()
        assert (np.isnan(ours) == np.isnan(theirs)).all()
        assert np.nanmax(np.abs(ours - theirs)) <= 1e-9


def test_asem_as_a_long_table_builds_as_coinr_wide(reference_data, tmp_path):
    """COINr's ASEM example (groups, denominators, group imputation) melted to one row per
    unit, indicator and year gives the same pipeline-B build as the wide file."""
    d = reference_data / "coinr_asem"
    fw = ii.Framework.read(d / "ASEM_iMeta.csv")
    wide = pd.read_csv(d / "ASEM_iData.csv", keep_default_na=False, na_values=[""])
    ids = ["uCode", "uName", *fw.groups, "Time"]
    long = wide.melt(ids, [*fw.indicators, *fw.denominators], var_name="Indicator",
                     value_name="Value")  # fmt: skip
    path = tmp_path / "asem_long.csv"
    long.sample(frac=1.0, random_state=1).to_csv(path, index=False, sep=";", decimal=",")
    pipeline = {
        "denominate": True,
        "impute": {"method": "group_mean", "group": "EurAsia_group"},
        "screen": {"min_availability": 0.9},
        "treat": {"winmax": 5},
        "normalise": {"method": "minmax", "range": [0, 100]},
        "aggregate": {"method": "arithmetic"},
    }
    a = ii.build(d / "ASEM_iData.csv", fw, pipeline).scores()
    b = ii.build(path, fw, pipeline).scores()
    assert b.shape == a.shape and len(a) == 51
    pdt.assert_frame_equal(b.loc[a.index], a, rtol=0, atol=1e-12)
