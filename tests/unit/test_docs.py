"""The documentation's examples run: docstring examples (doctest) and the Python blocks of the
engine guide. Plotting or data-heavy guides are exercised by their own modules' tests."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCTEST_MODULES = [
    "innovindex.building",
    "innovindex.demo.world",
    "innovindex.methods.treat",
    "innovindex.methods.normalise",
    "innovindex.methods.impute",
    "innovindex.methods.aggregate",
    "innovindex.methods.registry",
    "innovindex.methods.coverage",
]


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize("doc", ["docs/engine.md"])
def test_guide_python_blocks_run(doc, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = (REPO / doc).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, f"{doc} has no python examples"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, doc, "exec"), namespace)  # noqa: S102 - running our own docs
