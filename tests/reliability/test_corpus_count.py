"""The bad-input corpus totals at least 150 cases (issue 8 acceptance); prints the count."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .conftest import say


def test_corpus_has_at_least_150_cases(pytestconfig) -> None:
    spec = importlib.util.spec_from_file_location(
        "count_corpus", Path(__file__).with_name("count_corpus.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts, total = module.count()
    say(pytestconfig, [f"bad-input corpus: {total} cases ({dict(counts)})"])
    assert counts["CLI: build, audit, demo, store (issue 8)"] >= 100
    assert total >= 150
