"""The framework tree: structure read from iMeta, validation, overrides, immutability."""

from __future__ import annotations

import pandas as pd
import pytest

from innovindex import Framework, InputError


@pytest.fixture(scope="module")
def asem(reference_data) -> Framework:
    return Framework.read(reference_data / "coinr_asem" / "ASEM_iMeta.csv")


def test_asem_structure_matches_coinr_snapshot(asem, reference_data):
    # EXPECTED.md snapshot: 49 indicators; 8 pillars (L2); Conn and Sust (L3); Index (L4); 4 groups, 4 denominators
    meta = pd.read_csv(reference_data / "coinr_asem" / "ASEM_iMeta.csv")
    assert asem.indicators == tuple(meta.loc[meta.Type == "Indicator", "iCode"])
    assert len(asem.indicators) == 49
    assert (
        len(asem.codes_at(2)) == 8
        and set(asem.codes_at(3)) == {"Conn", "Sust"}
        and asem.codes_at(4) == ("Index",)
    )
    assert len(asem.groups) == 4 and len(asem.denominators) == 4
    assert asem.levels == (1, 2, 3, 4)
    assert sum(d == -1 for d in asem.directions.values()) == 14


def test_lineage_children_descendants(asem):
    assert asem.lineage("LPI") == ["LPI", "Physical", "Conn", "Index"]
    assert asem.parent("Index") is None
    assert set(asem.descendants("Conn")) == {
        c for c in asem.indicators if "Conn" in asem.lineage(c)
    }
    assert sum(len(asem.descendants(p)) for p in asem.codes_at(2)) == 49
    assert list(asem.iter_tree())[:49] == list(asem.indicators)


def test_with_weights_returns_a_new_framework(asem):
    changed = asem.with_weights({"Physical": 2.5})
    assert changed.weights["Physical"] == 2.5 and asem.weights["Physical"] == 1.0
    with pytest.raises(InputError, match="unknown element codes"):
        asem.with_weights({"Nope": 1})


def _tiny(**extra) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "Level": [1, 1, 2, 2, 3],
            "iCode": ["x", "y", "IN", "OUT", "TOP"],
            "iName": ["x", "y", "in", "out", "top"],
            "Direction": [1, -1, 1, 1, 1],
            "Weight": [1, 0.5, 1, 1, 1],
            "Parent": ["IN", "OUT", "TOP", "TOP", None],
            "Type": ["Indicator", "Indicator", "Aggregate", "Aggregate", "Aggregate"],
        }
    )
    for k, v in extra.items():
        df[k] = v
    return df


def test_ratio_elements_and_overrides():
    meta = pd.concat(
        [
            _tiny(),
            pd.DataFrame(
                [
                    {
                        "Level": None,
                        "iCode": "EFF",
                        "iName": "eff",
                        "Type": "Ratio",
                        "Numerator": "OUT",
                        "Denominator": "IN",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    meta["treat.winmax"] = [3, None, None, None, None, None]
    meta["treat.fallback"] = [None, "gii_log", None, None, None, None]
    fw = Framework.from_frame(meta)
    assert fw.ratios == {"EFF": ("OUT", "IN")}
    assert fw.overrides("treat") == {"x": {"winmax": 3.0}, "y": {"fallback": "gii_log"}}
    assert fw.overrides("normalise") == {}


def test_ratio_must_name_aggregates():
    meta = pd.concat(
        [
            _tiny(),
            pd.DataFrame(
                [
                    {
                        "iCode": "EFF",
                        "iName": "e",
                        "Type": "Ratio",
                        "Numerator": "OUT",
                        "Denominator": "x",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    with pytest.raises(InputError, match="row 7.*Denominator"):
        Framework.from_frame(meta, source="m.csv")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda m: m.assign(Level=[1, 1, 2, 2, 1]), "must be at Level >= 2"),
        (lambda m: m.assign(Level=[1, 1, 3, 2, 3]), "must be at a higher level"),
        (lambda m: m.assign(Parent=["IN", "OUT", "TOP", "TOP", "IN"]), "cycle"),
        (
            lambda m: m.assign(
                ScaleMin=[0, None, None, None, None], ScaleMax=[0, None, None, None, None]
            ),
            "ScaleMin < ScaleMax",
        ),
        (lambda m: m.assign(Parent=["IN", "x", "TOP", "TOP", None]), "expected an Aggregate"),
    ],
)
def test_validation_names_the_row(change, fragment):
    with pytest.raises(InputError, match=fragment) as err:
        Framework.from_frame(change(_tiny()), source="meta.csv")
    assert str(err.value).startswith("meta.csv, row ")
