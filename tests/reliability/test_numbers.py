"""Numbers that stay numbers (issue 8): a build never exits 0 with NaN scores or no scores
without saying so, in one line; the limits sit where the arithmetic is still exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from innovindex import build
from innovindex._limits import MAX_ABS_VALUE

from .conftest import META, make_data, run_cli, write_world


def test_missing_scores_are_said_in_one_line(tmp_path: Path) -> None:
    w = write_world(tmp_path)
    data = make_data()
    data.loc[2, ["a1", "a2"]] = np.nan  # unit U2 has no data in pillar A
    data.to_csv(w["data"], index=False)
    code, err, exc = run_cli(["build", "--data", w["data"], "--meta", w["meta"], "--out", w["out"]])
    assert exc is None and code == 0
    warning = [ln for ln in err.splitlines() if ln.startswith("warning:")]
    assert warning == ["warning: 1 score(s) are missing (NaN) in scores, e.g. unit 'U2', 'A'"]
    scores = pd.read_csv(w["out"] / "scores.csv").set_index("uCode")
    assert np.isnan(scores.loc["U2", "A"]) and scores.drop(index="U2").notna().all().all()


def test_a_pipeline_without_aggregation_says_so(tmp_path: Path) -> None:
    w = write_world(tmp_path)
    w["pipeline"].write_text("normalise: {method: minmax}\n")
    code, err, exc = run_cli(
        [
            "build",
            "--data",
            w["data"],
            "--meta",
            w["meta"],
            "--pipeline",
            w["pipeline"],
            "--out",
            w["out"],
        ]
    )
    assert exc is None and code == 0
    assert "has no aggregate step: no scores or ranks are written" in err
    assert not (w["out"] / "scores.csv").exists() and (w["out"] / "normalised.csv").exists()


def test_values_at_the_limit_still_give_exact_scores() -> None:
    """Just inside the limit, min-max scores equal those of the same data scaled down: the
    limit leaves room for spreads and squares (no overflow, no NaN)."""
    data = make_data()
    big = data.copy()
    for c in ("a1", "a2", "b1", "b2"):
        big[c] = data[c] * (MAX_ABS_VALUE / 100)
    small_scores = build(
        data, _framework(), {"normalise": {"method": "minmax"}, "aggregate": {}}
    ).scores()
    big_scores = build(
        big, _framework(), {"normalise": {"method": "minmax"}, "aggregate": {}}
    ).scores()
    np.testing.assert_allclose(big_scores.to_numpy(), small_scores.to_numpy(), rtol=1e-9)
    z = build(big, _framework(), {"normalise": {"method": "zscore"}, "aggregate": {}}).scores()
    assert np.isfinite(z.to_numpy()).all()


def _framework():
    from innovindex import Framework

    return Framework.from_frame(META)
