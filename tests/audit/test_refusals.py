"""What the audit refuses rather than silently getting wrong (found in an independent review)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import innovindex as ii
from innovindex.audit import uncertainty
from innovindex.cli import main
from innovindex.errors import SpecError


def test_failed_replications_are_refused_not_dropped(example_coin: ii.Index) -> None:
    """Geometric means of min-max [0, 100] scores (zeros) fail: say so, naming the choice."""
    spec = {
        "seed": 1,
        "assumptions": {
            "aggregate": {"values": [{"method": "arithmetic"}, {"method": "geometric"}]}
        },
    }
    with pytest.raises(
        SpecError, match=r"replications failed, e\.g\. aggregate=\{'method': 'geometric'\}"
    ):
        uncertainty(example_coin, spec, 50)


def test_over_time_imputation_cannot_be_varied(
    asem_dir: Path, asem_framework: ii.Framework
) -> None:
    panel = ii.build_panel(
        asem_dir / "ASEM_iData_p.csv",
        asem_framework,
        {"impute": {"method": "linear"}, "normalise": {}, "aggregate": {}},
    )
    spec = {"assumptions": {"impute": {"values": [{"method": "linear"}, {"method": "mean"}]}}}
    with pytest.raises(SpecError, match="imputation over years"):
        uncertainty(panel[2020], spec, 10)


def test_seed_used_is_recorded_and_repeats_the_run(
    example_coin: ii.Index, coinr_spec: dict[str, Any]
) -> None:
    coinr_spec.pop("seed")
    first = uncertainty(example_coin, coinr_spec, 40)
    assert isinstance(first.seed, int)
    again = uncertainty(example_coin, coinr_spec, 40, seed=first.seed)
    assert first.rank_stats.equals(again.rank_stats)


def _cli(tmp_path: Path, asem_dir: Path, spec: Any, *extra: str) -> tuple[int, Path]:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(spec if isinstance(spec, str) else yaml.safe_dump(spec))
    out = tmp_path / "out"
    code = main(
        [
            "audit",
            "--data",
            str(asem_dir / "ASEM_iData.csv"),
            "--meta",
            str(asem_dir / "ASEM_iMeta.csv"),
            "--uncertainty",
            str(spec_file),
            "--n",
            "20",
            "--out",
            str(out),
            "--no-png",
            *extra,
        ]
    )
    return code, out


@pytest.mark.parametrize(
    ("spec", "extra", "fragment"),
    [
        (
            "seed: 1\nassumptions:\n  winmax: {values: [1, 2]}\n  winmax: {values: [3]}\n",
            (),
            "twice",
        ),
        ({"seed": -1, "assumptions": {"winmax": {"values": [1, 2]}}}, (), "seed"),
        ({"assumptions": {"winmax": {"values": [1, 2]}}}, ("--seed", "-5"), "--seed"),
        ({"assumptions": {"winmax": {"values": [True, False]}}}, (), "winmax"),
        (
            {
                "assumptions": {
                    "aggregate": {"values": [{"method": "arithmetic"}, {"method": "geometric"}]}
                }
            },
            (),
            "failed",
        ),
    ],
    ids=[
        "duplicate-key",
        "negative-seed",
        "negative-cli-seed",
        "boolean-winmax",
        "failing-alternative",
    ],
)
def test_cli_refusals_are_one_line(spec, extra, fragment, tmp_path, asem_dir, capsys) -> None:
    code, out = _cli(tmp_path, asem_dir, copy.deepcopy(spec), *extra)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and fragment in err, err
    assert not out.exists()


def test_aggregate_levels_must_exist(asem_dir: Path, asem_framework: ii.Framework) -> None:
    with pytest.raises(SpecError, match=r"level\(s\) \['9'\]"):
        ii.build(
            asem_dir / "ASEM_iData.csv",
            asem_framework,
            {"normalise": {}, "aggregate": {"levels": {9: {"method": "geometric"}}}},
        )
