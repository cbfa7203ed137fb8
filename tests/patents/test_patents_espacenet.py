"""Acceptance: indicator tables on the RAW Espacenet export (mac_roman, CR-only line endings)
match an independent pandas computation written here from the export's documentation."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovindex.patents import queries as q

CC = re.compile(r"\[([A-Z]{2})\]\s*$")
IPC = re.compile(r"^([A-H]\d\d[A-Z])(\d{1,4})/(\d{1,6})$")


@pytest.fixture(scope="module")
def raw(espacenet_files: list[Path]) -> pd.DataFrame:
    """The five raw files read by pandas directly (it copes with CR-only line endings)."""
    frames = [
        pd.read_csv(f, encoding="mac_roman", dtype=str, keep_default_na=False)
        for f in espacenet_files
    ]
    df = pd.concat(frames, ignore_index=True)
    df["office"] = df["Publication number"].str[:2]
    d = df["Date of application"].str.strip()
    df["filing_year"] = pd.array([int(x[:4]) if len(x) == 8 else pd.NA for x in d], dtype="Int64")
    return df


def _names(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _first_country(cell: str) -> str | None:
    names = _names(cell)
    if not names:
        return None
    m = CC.search(names[0])
    return m.group(1) if m else None


def _pattern_table(concordance_path: Path) -> list[tuple[str, int]]:
    c = pd.read_csv(concordance_path, dtype=str)
    pats = [(p[:-1], int(f)) for p, f in zip(c["IPC_code"], c["Field_number"], strict=True)]
    return sorted(pats, key=lambda x: -len(x[0]))  # longest (most specific) first


def _field_of(symbol: str, patterns: list[tuple[str, int]]) -> int | None:
    s = symbol.replace(" ", "")
    m = IPC.match(s)
    if m and int(m.group(2)) > 0:  # IPC has no main group 0: 'A47J0/01' is malformed
        padded = f"{m.group(1)}{int(m.group(2)):>4}/{m.group(3)}"
    elif re.fullmatch(r"[A-H]\d\d[A-Z]", s):
        padded = s
    else:
        return None
    for prefix, field in patterns:
        if padded.startswith(prefix):
            return field
    return None


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys, na_position="last").reset_index(drop=True)


def _ours(expr) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    df = expr.to_pyarrow().to_pandas(
        types_mapper=lambda t: pd.Int64Dtype() if str(t).startswith("int") else None
    )
    return df


def test_reads_every_raw_record(espacenet, raw):  # type: ignore[no-untyped-def]
    assert espacenet.read == len(raw) == 1707
    assert espacenet.imported + espacenet.rejected == espacenet.read
    assert espacenet.rejected == 0


def test_by_office_year(esp_tables, raw):  # type: ignore[no-untyped-def]
    exp = (
        raw.groupby(["office", "filing_year"], dropna=False)
        .size()
        .rename("applications")
        .reset_index()
    )
    got = _ours(q.by_office(esp_tables))[["office", "filing_year", "applications"]]
    pd.testing.assert_frame_equal(
        _sorted(got, ["office", "filing_year"]),
        _sorted(exp, ["office", "filing_year"]),
        check_dtype=False,
    )


def test_by_origin_year(esp_tables, raw):  # type: ignore[no-untyped-def]
    app = raw["Applicant(s)"].map(_first_country)
    inv = raw["Inventor(s)"].map(_first_country)
    origin = app.fillna(inv).fillna("unknown")
    exp = (
        raw.assign(origin=origin)
        .groupby(["origin", "filing_year"], dropna=False)
        .size()
        .rename("applications")
        .reset_index()
    )
    got = _ours(q.by_origin(esp_tables))
    pd.testing.assert_frame_equal(
        _sorted(got, ["origin", "filing_year"]),
        _sorted(exp, ["origin", "filing_year"]),
        check_dtype=False,
    )
    assert got["applications"].sum() == len(raw)  # unknown origin kept, nothing dropped
    assert (got["origin"] == "unknown").any()


@pytest.mark.parametrize("unknown", ["share", "ignore"])
def test_inventor_fractional(esp_tables, raw, unknown):  # type: ignore[no-untyped-def]
    rows = []
    for i, r in raw.iterrows():
        names = _names(r["Inventor(s)"])
        countries = [m.group(1) if (m := CC.search(n)) else None for n in names]
        known = [c for c in countries if c is not None]
        if not names or (unknown == "ignore" and not known):
            rows.append((i, "unknown", 1.0, r["filing_year"]))
            if not names:
                continue
        for c in countries:
            if unknown == "share":
                rows.append((i, c or "unknown", 1.0 / len(names), r["filing_year"]))
            elif known:  # 'ignore': split among inventors of known residence only
                rows.append((i, c or "unknown", 1.0 / len(known) if c else 0.0, r["filing_year"]))
            else:
                rows.append((i, "unknown", 0.0, r["filing_year"]))
    df = pd.DataFrame(rows, columns=["app", "country", "w", "filing_year"])
    df["filing_year"] = df["filing_year"].astype("Int64")
    exp = (
        df.groupby(["country", "filing_year"], dropna=False)
        .agg(applications=("app", "nunique"), applications_fractional=("w", "sum"))
        .reset_index()
    )
    got = _ours(q.inventor_fractional(esp_tables, unknown_inventors=unknown))
    pd.testing.assert_frame_equal(
        _sorted(got, ["country", "filing_year"]),
        _sorted(exp, ["country", "filing_year"]),
        check_dtype=False,
        rtol=1e-12,
    )
    assert got["applications_fractional"].sum() == pytest.approx(len(raw), rel=1e-12)


@pytest.fixture(scope="module")
def field_oracle(raw, concordance_path):  # type: ignore[no-untyped-def]
    patterns = _pattern_table(concordance_path)
    rows = []
    for i, r in raw.iterrows():
        symbols = {s.strip() for s in r["International classification"].split(";") if s.strip()}
        fields = [f for f in (_field_of(s, patterns) for s in symbols) if f is not None]
        for f in set(fields):
            # 'symbols': share of the application's distinct mapped symbols in the field;
            # 'fields': an equal share for each distinct field it touches
            rows.append(
                (i, f, fields.count(f) / len(fields), 1 / len(set(fields)), r["filing_year"])
            )
    df = pd.DataFrame(rows, columns=["app", "field", "w_symbols", "w_fields", "filing_year"])
    df["filing_year"] = df["filing_year"].astype("Int64")
    return df


@pytest.mark.parametrize("convention", ["fields", "symbols"])
def test_by_field_year_fractional_and_whole(esp_tables, field_oracle, convention):  # type: ignore[no-untyped-def]
    exp = (
        field_oracle.groupby(["field", "filing_year"], dropna=False)
        .agg(applications=("app", "nunique"), applications_fractional=(f"w_{convention}", "sum"))
        .reset_index()
    )
    got = _ours(q.by_field(esp_tables, fractional=convention))
    got = got[["field", "filing_year", "applications", "applications_fractional"]]
    pd.testing.assert_frame_equal(
        _sorted(got, ["field", "filing_year"]),
        _sorted(exp, ["field", "filing_year"]),
        check_dtype=False,
        rtol=1e-12,
    )


def test_default_fractional_convention_is_fields(esp_tables) -> None:  # type: ignore[no-untyped-def]
    default = _ours(q.by_field(esp_tables))
    fields = _ours(q.by_field(esp_tables, fractional="fields"))
    symbols = _ours(q.by_field(esp_tables, fractional="symbols"))
    pd.testing.assert_frame_equal(default, fields)
    assert not np.allclose(default["applications_fractional"], symbols["applications_fractional"])


@pytest.mark.parametrize("convention", ["fields", "symbols"])
def test_fractional_field_counts_sum_to_classified_applications(
    esp_tables, field_oracle, convention
):  # type: ignore[no-untyped-def]
    got = _ours(q.by_field(esp_tables, fractional=convention))
    classified = field_oracle["app"].nunique()
    assert 1500 < classified < 1707  # some records carry no (mappable) IPC symbol
    assert got["applications_fractional"].sum() == pytest.approx(classified, rel=1e-12)
    per_year = got.groupby("filing_year")["applications_fractional"].sum()
    exp_year = field_oracle.groupby("filing_year")["app"].nunique()
    np.testing.assert_allclose(
        per_year.sort_index().to_numpy(), exp_year.sort_index().to_numpy(), rtol=1e-12
    )
    sectors = _ours(q.by_field(esp_tables, level="sector", fractional=convention))
    assert sectors["applications_fractional"].sum() == pytest.approx(classified, rel=1e-12)
