"""The registry is the only name -> kernel mapping; unknown names list the valid ones."""

from __future__ import annotations

import pytest

from innovindex.errors import SpecError
from innovindex.methods import aggregate, impute, normalise, registry, treat


@pytest.mark.parametrize(
    ("family", "module"),
    [("normalise", normalise), ("impute", impute), ("aggregate", aggregate), ("fallback", treat)],
)
def test_every_name_resolves_to_the_module_function(family: str, module: object) -> None:
    for name in registry.names(family):
        fn = registry.get(family, name)
        if fn is None:
            assert (family, name) == ("fallback", "none")
        else:
            assert fn is getattr(module, name)


def test_names_match_documented_sets() -> None:
    assert registry.names("normalise") == sorted(normalise.__all__)
    assert registry.names("aggregate") == sorted(
        n for n in aggregate.__all__ if n != "outrank_matrix"
    )
    assert registry.names("fallback") == sorted(treat.FALLBACK_NAMES)


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
