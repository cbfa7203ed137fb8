"""`innovindex audit`: outputs, formats and one-line errors (exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from innovindex.cli import main

from .conftest import COINR_SPEC, PIPELINE_B


@pytest.fixture()
def files(tmp_path: Path, asem_dir: Path) -> dict[str, Path]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(COINR_SPEC, sort_keys=False))
    pipe = tmp_path / "pipe.yaml"
    pipe.write_text(yaml.safe_dump(PIPELINE_B, sort_keys=False))
    return {
        "data": asem_dir / "ASEM_iData.csv",
        "meta": asem_dir / "ASEM_iMeta.csv",
        "spec": spec,
        "pipe": pipe,
        "out": tmp_path / "out",
    }


def _argv(f: dict[str, Path], *extra: Any) -> list[str]:
    base = [
        "audit",
        "--data",
        f["data"],
        "--meta",
        f["meta"],
        "--pipeline",
        f["pipe"],
        "--uncertainty",
        f["spec"],
        "--out",
        f["out"],
    ]
    return [str(a) for a in [*base, *extra]]


def test_uncertainty_outputs(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_argv(files, "--n", 200, "--no-png")) == 0
    out = files["out"]
    for name in [
        "rank_stats",
        "stats",
        "correlations",
        "cronbach",
        "pca_variance",
        "pca_loadings",
        "effective_weights",
        "replications",
    ]:
        assert (out / f"{name}.csv").is_file(), name
    assert (out / "rank_intervals.html").is_file() and not (out / "sobol.csv").exists()
    rs = pd.read_csv(out / "rank_stats.csv")
    assert list(rs.columns[:6]) == ["uCode", "nominal", "mean", "median", "q5", "q95"]
    assert len(rs) == 51 and rs.loc[0, "uCode"] == "CHE"
    info = json.loads((out / "run.json").read_text())
    assert info["audit"]["replications"] == 200 and info["audit"]["seed"] == 1
    assert "uncertainty" in capsys.readouterr().err


def test_sobol_xlsx(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_argv(files, "--n", 16, "--sobol", "--format", "xlsx", "--no-png")) == 0
    sheets = pd.read_excel(files["out"] / "results.xlsx", sheet_name=None)
    assert {"rank_stats", "sobol", "stats"} <= set(sheets)
    sob = sheets["sobol"]
    assert list(sob["assumption"]) == ["winmax", "normalise", "weights", "aggregate"]
    assert {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"} <= set(sob.columns)
    assert (files["out"] / "sobol.html").is_file()
    assert len(sheets["replications"]) == 16 * 6


def test_png_only_when_asked(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_argv(files, "--n", 20)) == 0
    assert (files["out"] / "rank_intervals.html").is_file()
    assert not (files["out"] / "rank_intervals.png").exists()
    info = json.loads((files["out"] / "run.json").read_text())
    assert info["charts"] == {"rank_intervals": {"html": "rank_intervals.html", "png": None}}


def test_png_or_a_clear_note(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from innovindex.audit.charts import find_browser

    assert main(_argv(files, "--n", 20, "--png")) == 0
    err = capsys.readouterr().err
    png = files["out"] / "rank_intervals.png"
    info = json.loads((files["out"] / "run.json").read_text())
    if find_browser() is None:
        assert "PNG unavailable" in err and "chromium" in err
        assert not png.exists()
    else:
        assert png.is_file() or "PNG unavailable" in err
    assert info["charts"]["rank_intervals"]["png"] == (
        "rank_intervals.png" if png.exists() else None
    )
    assert (files["out"] / "rank_stats.csv").is_file()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"assumptions": {"winmax": {"values": [1], "range": [1, 2]}}},
            "give exactly one of 'values'",
        ),
        ({"assumptions": {"colour": {"values": [1]}}}, "unknown assumption 'colour'"),
        (
            {"assumptions": {"weights": {"noise": 0.2, "levels": [9]}}},
            "level(s) [9] not in the framework",
        ),
        (
            {"assumptions": {"normalise": {"values": [{"methd": "minmax"}]}}},
            "unknown parameter(s) ['methd']",
        ),
    ],
)
def test_bad_spec_one_line_exit_2(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], edit: dict[str, Any], message: str
) -> None:
    files["spec"].write_text(yaml.safe_dump(edit))
    assert main(_argv(files, "--n", 10)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and message in err
    assert not files["out"].exists()


def test_bad_options(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_argv(files, "--n", 0)) == 2
    assert "--n must be >= 1" in capsys.readouterr().err
    assert main(_argv(files, "--n", 5, "--format", "parquet")) == 2
    assert "--format must be 'csv' or 'xlsx'" in capsys.readouterr().err
    files["spec"].write_text("seed: [1\n")
    assert main(_argv(files, "--n", 5)) == 2
    assert "not valid YAML at line" in capsys.readouterr().err


def test_help_imports_no_heavy_module() -> None:
    """``innovindex audit --help`` loads neither pandas nor numpy nor the audit's libraries."""
    import subprocess
    import sys

    code = (
        "import sys; from innovindex.cli import main; main(['audit', '--help']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pandas', 'numpy', 'scipy', 'SALib', 'plotly', 'pydantic', 'yaml', 'duckdb', 'ibis'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--uncertainty" in out.stdout and "--png" in out.stdout
    assert out.stdout.strip().splitlines()[-1] in ("[]", "['pydantic']")  # typer may load pydantic
