"""The registry is the only name -> kernel mapping; unknown names list the valid ones, and the
steps take their method names and kernel options from it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from innovindex.errors import SpecError
from innovindex.methods import aggregate, impute, normalise, registry, transforms
from innovindex.pipeline import Pipeline

SRC = Path(registry.__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("family", "module"),
    [
        ("normalise", normalise),
        ("impute", impute),
        ("aggregate", aggregate),
        ("fallback", transforms),
    ],
)
def test_every_name_resolves_to_the_module_function(family: str, module: object) -> None:
    for name in registry.names(family):
        fn = registry.get(family, name)
        if fn is None:
            assert name == "none" and family in ("fallback", "impute")
        else:
            assert fn is getattr(module, name)


def test_names_match_documented_sets() -> None:
    assert registry.names("normalise") == sorted(normalise.__all__)
    assert registry.names("aggregate") == sorted(
        n for n in aggregate.__all__ if n not in ("outrank_matrix", "batched_means", "MEANS")
    )
    assert registry.names("fallback") == sorted([*transforms.__all__, "none"])
    assert registry.names("impute") == sorted(
        [*(n for n in impute.__all__ if n not in ("panel", "PANEL_KINDS")), "none"]
    )
    assert set(registry.IMPUTE_SCOPES) == set(registry.names("impute"))


def test_unknown_method_lists_valid_names() -> None:
    with pytest.raises(SpecError) as err:
        registry.get("normalise", "minmx")
    assert str(err.value) == (
        "unknown normalise method 'minmx'; valid: borda, dist2max, dist2ref, dist2targ, "
        "fracmax, goalposts, minmax, percentile_rank, rank, scaled, zscore"
    )


def test_unknown_family() -> None:
    with pytest.raises(SpecError, match="unknown method family 'normalize'; valid: aggregate"):
        registry.get("normalize", "minmax")


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        registry.NORMALISERS["evil"] = print  # type: ignore[index]


def test_parameters_come_from_the_kernel_signature() -> None:
    assert registry.parameters("normalise", "minmax") == ("range",)
    assert registry.parameters("normalise", "dist2ref") == ("ref_index", "cap_max")
    assert registry.parameters("normalise", "rank") == ()
    assert registry.parameters("fallback", "none") == ()


@pytest.mark.parametrize(
    ("step", "param", "family"),
    [
        ("impute", "method", "impute"),
        ("treat", "fallback", "fallback"),
        ("normalise", "method", "normalise"),
        ("aggregate", "method", "aggregate"),
    ],
)
def test_steps_refuse_names_the_registry_does_not_have(step: str, param: str, family: str) -> None:
    pipe = Pipeline.from_spec({step: {param: "boxcox"}})
    with pytest.raises(SpecError) as err:
        pipe.validate()
    assert f"one of {', '.join(registry.names(family))}; got 'boxcox'" in str(err.value)


def test_no_method_table_outside_the_registry() -> None:
    """No module but the registry maps method-name strings to functions, and kernels import
    nothing of the tree but errors (so there is no registry <-> kernel import cycle)."""
    for path in (SRC / "methods").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and path.name != "registry.py":
                mod = node.module or ""
                assert (
                    node.level == 1
                    or mod in ("innovindex.errors",)
                    or not mod.startswith("innovindex")
                ), (path.name, mod)
                assert "registry" not in mod and all(a.name != "registry" for a in node.names), (
                    path.name
                )
