"""Applicant harmonisation on the PATENTSCOPE and Lens exports against 231 hand-labelled
name pairs (tests/firms/data/README.md), determinism, overrides and the CLI.

The pairs: 186 drawn at random (random.Random(3)) among pairs of distinct names of the
two exports sharing the first four characters of their normalised key with a rapidfuzz
token_sort_ratio of at least 60 (the hard cases), plus 40 random pairs; pairs of names
the raw PATENTSCOPE file reduced to question marks were dropped (unreadable); then 45
more near pairs (ratio >= 75, random.Random(8)) without question marks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innovindex.cli import main
from innovindex.firms.applicants import apply_overrides, harmonise
from innovindex.patents.importers import run_import

PAIRS = Path(__file__).parent / "data" / "name_pairs.csv"


@pytest.fixture(scope="module")
def export_names(reference_data: Path) -> pd.DataFrame:
    d = reference_data / "patents"
    frames = []
    for fmt, f in (
        ("lens", d / "lens_pizza_1000" / "pizza_lens_1000_raw.csv"),
        ("patentscope", d / "patentscope_pizza_medium" / "pizza_medium.csv"),
    ):
        p = run_import(fmt, [f]).parties.to_pandas()
        frames.append(p[(p["role"] == "applicant") & p["name"].notna()])
    p = pd.concat(frames)
    return (
        p.groupby(["name"], dropna=False)
        .size()
        .rename("applications")
        .reset_index()
        .rename(columns={"name": "raw_name"})
        .assign(country=None)
    )


def test_precision_and_recall_on_labelled_pairs(export_names: pd.DataFrame) -> None:
    pairs = pd.read_csv(PAIRS, keep_default_na=False)
    assert len(pairs) >= 200
    mapping = harmonise(export_names)
    ids = dict(zip(mapping["raw_name"], mapping["applicant_id"], strict=True))
    missing = {n for n in (*pairs["name_a"], *pairs["name_b"]) if n not in ids}
    assert not missing
    pred = [ids[a] == ids[b] for a, b in zip(pairs["name_a"], pairs["name_b"], strict=True)]
    truth = pairs["same"].astype(bool).tolist()
    tp = sum(p and t for p, t in zip(pred, truth, strict=True))
    fp = sum(p and not t for p, t in zip(pred, truth, strict=True))
    fn = sum(t and not p for p, t in zip(pred, truth, strict=True))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(
        f"\nharmonisation on {len(pairs)} labelled pairs ({sum(truth)} same): "
        f"precision {precision:.3f}, recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})"
    )
    for (a, b), p, t in zip(
        zip(pairs["name_a"], pairs["name_b"], strict=True), pred, truth, strict=True
    ):
        if p != t:
            print(f"  {'merged' if p else 'apart '}: {a!r} / {b!r}")
    assert precision >= 0.98
    assert recall >= 0.9


def test_same_input_same_ids(export_names: pd.DataFrame) -> None:
    a = harmonise(export_names)
    b = harmonise(export_names.sample(frac=1.0, random_state=3))
    pd.testing.assert_frame_equal(a, b)


def test_individuals_merge_only_within_a_country() -> None:
    names = pd.DataFrame(
        {
            "raw_name": [
                "KIM MIN SOO",
                "Kim, Min Soo",
                "KIM MIN SOO",
                "Acme Foods Inc",
                "ACME FOODS, INC.",
            ],
            "country": ["KR", "KR", "US", "US", "GB"],
        }
    )
    m = harmonise(names).set_index(["raw_name", "country"])["applicant_id"]
    assert m[("KIM MIN SOO", "KR")] == m[("Kim, Min Soo", "KR")]
    assert m[("KIM MIN SOO", "KR")] != m[("KIM MIN SOO", "US")]
    assert (
        m[("Acme Foods Inc", "US")] == m[("ACME FOODS, INC.", "GB")]
    )  # companies across countries


def test_overrides_survive_reruns(tmp_path: Path) -> None:
    names = pd.DataFrame(
        {
            "raw_name": ["Kraft General Foods", "Kraft Foods Holdings, Inc.", "Tony Thomas"],
            "country": [None, None, None],
        }
    )
    m = harmonise(names)
    assert m["applicant_id"].nunique() == 3
    ov = pd.DataFrame(
        {
            "raw_name": ["Kraft Foods Holdings, Inc.", "Tony Thomas"],
            "applicant_id": [
                m.set_index("raw_name").loc["Kraft General Foods", "applicant_id"],
                "",
            ],
            "sector": ["", "individual"],
        }
    )
    for _ in range(2):  # a re-run recomputes, then applies the same corrections
        fixed = apply_overrides(harmonise(names), ov).set_index("raw_name")
        assert (
            fixed.loc["Kraft Foods Holdings, Inc.", "applicant_id"]
            == fixed.loc["Kraft General Foods", "applicant_id"]
        )
        assert fixed.loc["Tony Thomas", "method"] == "override"


def test_cli_applicants_writes_mapping_and_store_table(
    tmp_path: Path, reference_data: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "s.duckdb"
    lens = reference_data / "patents" / "lens_pizza_1000" / "pizza_lens_1000_raw.csv"
    assert main(["patents", "import", "--format", "lens", str(lens), "--db", str(db)]) == 0
    out = tmp_path / "map.csv"
    assert main(["patents", "applicants", "--db", str(db), "--out", str(out)]) == 0
    m = pd.read_csv(out)
    assert list(m.columns) == [
        "dataset",
        "raw_name",
        "country",
        "applicant_id",
        "applicant_name",
        "sector",
        "method",
        "score",
    ]
    assert m["raw_name"].is_unique and set(m["dataset"]) == {"pizza_lens_1000_raw"}
    bad = tmp_path / "ov.csv"
    bad.write_text("raw_name,sector\nNO SUCH APPLICANT LTD,company\n", encoding="utf-8")
    out2 = tmp_path / "map2.csv"
    capsys.readouterr()
    code = main(
        ["patents", "applicants", "--db", str(db), "--out", str(out2), "--overrides", str(bad)]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "row 2, column 'raw_name': unknown applicant 'NO SUCH APPLICANT LTD'" in err
    assert not out2.exists()


def test_enterprise_tables_use_the_stored_mapping_with_overrides(
    tmp_path: Path, reference_data: Path
) -> None:
    db = tmp_path / "s.duckdb"
    esp = sorted(
        (reference_data / "patents" / "espacenet_pizza_2000_2014").glob("pizza_sliced_2*.csv")
    )
    conc = reference_data / "wipo" / "ipc_technology_concordance.csv"
    assert (
        main(["patents", "import", "--format", "espacenet", *map(str, esp), "--db", str(db)]) == 0
    )
    assert main(["patents", "applicants", "--db", str(db), "--out", str(tmp_path / "m.csv")]) == 0
    before = tmp_path / "before.csv"
    assert (
        main(
            [
                "patents",
                "table",
                "by_sector",
                "--db",
                str(db),
                "--concordance",
                str(conc),
                "--out",
                str(before),
            ]
        )
        == 0
    )
    m = pd.read_csv(tmp_path / "m.csv")
    nestle = m[m["raw_name"] == "NESTEC SA"]
    assert len(nestle) >= 1 and set(nestle["sector"]) == {"company"}
    # a correction: NESTEC SA is (for this test) a non-profit; re-run with the overrides file
    ov = tmp_path / "ov.csv"
    ov.write_text("raw_name,sector\nNESTEC SA,nonprofit\n", encoding="utf-8")
    assert (
        main(
            [
                "patents",
                "applicants",
                "--db",
                str(db),
                "--out",
                str(tmp_path / "m2.csv"),
                "--overrides",
                str(ov),
            ]
        )
        == 0
    )
    after = tmp_path / "after.csv"
    assert (
        main(
            [
                "patents",
                "table",
                "by_sector",
                "--db",
                str(db),
                "--concordance",
                str(conc),
                "--out",
                str(after),
            ]
        )
        == 0
    )
    b, a = pd.read_csv(before), pd.read_csv(after)
    moved = (
        a[a["sector"] == "nonprofit"]["applications_fractional"].sum()
        - b[b["sector"] == "nonprofit"]["applications_fractional"].sum()
    )
    assert moved > 0  # NESTEC SA's applications now count as non-profit
    assert a["applications_fractional"].sum() == pytest.approx(b["applications_fractional"].sum())
