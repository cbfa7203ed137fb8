"""The index framework: an immutable tree of indicators and aggregates, built from iMeta.

iMeta is COINr's layout, one row per element::

    Level  iCode  iName  Direction  Weight  Parent  Type  [Unit Target Denominator ...]

``Type`` is one of ``Indicator`` (Level 1), ``Aggregate`` (Level >= 2), ``Group``,
``Denominator``, ``Other``, or ``Ratio`` (an innovindex addition: ``Numerator`` /
``Denominator`` of two aggregates, e.g. the GII Innovation Efficiency Ratio = OUT / IN).

Extra columns innovindex understands:

``ScaleMin``, ``ScaleMax``
    A fixed scale for indicators that are already on 0-100, 0-10, 1-7 or 0-1 and must not be
    min-max normalised over the sample.
``<step>.<param>`` (e.g. ``treat.winmax``, ``treat.fallback``)
    Per-indicator overrides of any step parameter. Empty cells mean "use the pipeline value".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ._validate import ELEMENT_TYPES, REQUIRED_COLUMNS, TREE_TYPES, blank, validate

__all__ = ["Framework", "REQUIRED_COLUMNS", "ELEMENT_TYPES"]


@dataclass(frozen=True, eq=False)
class Framework:
    """An index framework (the indicator tree, weights and directions).

    Build one with :meth:`from_frame`, :meth:`read` or :meth:`builtin`; never mutate it:
    :meth:`with_weights` returns a modified copy.

    Attributes
    ----------
    meta : pandas.DataFrame
        The validated iMeta table (one row per element, original order).
    source : str
        Where it came from (a file path or ``builtin:NAME``), used in messages.
    """

    meta: pd.DataFrame
    source: str = "<iMeta>"
    _parent: dict[str, str | None] = field(init=False, repr=False, compare=False)
    _children: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tree = self.meta[self.meta["Type"].isin(TREE_TYPES)]
        parent = {
            str(c): (None if blank(p) else str(p))
            for c, p in zip(tree["iCode"], tree["Parent"], strict=True)
        }
        children: dict[str, list[str]] = {str(c): [] for c in tree["iCode"]}
        for c, p in parent.items():
            if p is not None:
                children[p].append(c)
        object.__setattr__(self, "_parent", parent)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(cls, meta: pd.DataFrame, *, source: str = "<iMeta>") -> Framework:
        """Validate an iMeta table and build the framework.

        Raises
        ------
        InputError
            Naming the source, row and column of the first problem found.
        """
        return cls(validate(meta, source), source)

    @classmethod
    def read(cls, path: str | Path) -> Framework:
        """Read iMeta from a CSV, XLSX or Parquet file."""
        from ..io.readers import read_table

        text = ("iCode", "iName", "Parent", "Type", "Unit", "Numerator", "Denominator")
        return cls.from_frame(read_table(path, text_columns=text), source=str(path))

    @classmethod
    def builtin(cls, name: str) -> Framework:
        """A framework shipped with innovindex, e.g. ``"gii2019"``."""
        from .builtin import load_builtin_meta

        return cls.from_frame(load_builtin_meta(name), source=f"builtin:{name}")

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy with some element weights replaced (codes not in the tree are an error)."""
        unknown = sorted(set(weights) - set(self._parent))
        if unknown:
            raise InputError(f"unknown element codes in weights: {unknown}", file=self.source)
        meta = self.meta.copy()
        codes = meta["iCode"].astype(str)
        for code, w in weights.items():
            meta.loc[codes == code, "Weight"] = float(w)
        return Framework.from_frame(meta, source=self.source)

    # ------------------------------------------------------------------ structure
    def _codes_of(self, type_: str) -> tuple[str, ...]:
        return tuple(self.meta.loc[self.meta["Type"] == type_, "iCode"].astype(str))

    @cached_property
    def indicators(self) -> tuple[str, ...]:
        """Indicator codes in iMeta order."""
        return self._codes_of("Indicator")

    @cached_property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate codes ordered by level, then iMeta order."""
        agg = self.meta[self.meta["Type"] == "Aggregate"]
        return tuple(agg.sort_values("Level", kind="stable")["iCode"].astype(str))

    @cached_property
    def groups(self) -> tuple[str, ...]:
        """Grouping variables declared in iMeta (columns of iData)."""
        return self._codes_of("Group")

    @cached_property
    def denominators(self) -> tuple[str, ...]:
        """Denominator variables declared in iMeta (columns of iData)."""
        return self._codes_of("Denominator")

    @cached_property
    def levels(self) -> tuple[int, ...]:
        """Levels present in the tree, bottom (1 = indicators) to top."""
        tree = self.meta[self.meta["Type"].isin(TREE_TYPES)]
        return tuple(sorted(int(v) for v in tree["Level"].unique()))

    @cached_property
    def ratios(self) -> dict[str, tuple[str, str]]:
        """Ratio elements: code -> (numerator code, denominator code)."""
        rows = self.meta[self.meta["Type"] == "Ratio"]
        return {
            str(r.iCode): (str(r.Numerator), str(r.Denominator))
            for r in rows.itertuples(index=False)
        }

    def codes_at(self, level: int) -> tuple[str, ...]:
        """Tree element codes at ``level`` in iMeta order."""
        return self._codes_by_level.get(level, ())

    @cached_property
    def _codes_by_level(self) -> dict[int, tuple[str, ...]]:
        tree = self.meta[self.meta["Type"].isin(TREE_TYPES)]
        out: dict[int, list[str]] = {}
        for code, lev in zip(tree["iCode"].astype(str), tree["Level"], strict=True):
            out.setdefault(int(lev), []).append(code)
        return {k: tuple(v) for k, v in out.items()}

    def parent(self, code: str) -> str | None:
        """The parent of a tree element, or None for a root."""
        return self._parent[code]

    def children(self, code: str) -> tuple[str, ...]:
        """Direct children of an aggregate, in iMeta order."""
        return self._children[code]

    def lineage(self, code: str) -> list[str]:
        """``code`` and its ancestors up to the root, bottom first."""
        out = [code]
        while (p := self._parent[out[-1]]) is not None:
            out.append(p)
        return out

    def descendants(self, code: str, level: int = 1) -> list[str]:
        """All elements at ``level`` under ``code`` (indicators by default)."""
        if self.level(code) == level:
            return [code]
        out: list[str] = []
        for c in self._children[code]:
            out += self.descendants(c, level)
        return out

    def iter_tree(self) -> Iterator[str]:
        """Tree element codes bottom-up, level by level."""
        for lev in self.levels:
            yield from self.codes_at(lev)

    # ------------------------------------------------------------------ attributes
    def _column(self, col: str) -> dict[str, Any]:
        cache = self.__dict__.setdefault("_column_cache", {})
        if col not in cache:
            cache[col] = dict(zip(self.meta["iCode"].astype(str), self.meta[col], strict=True))
        return dict(cache[col])

    def level(self, code: str) -> int:
        """The level of an element (1 = indicator)."""
        return int(self._levels_by_code[code])

    @cached_property
    def _levels_by_code(self) -> dict[str, float]:
        return self._column("Level")

    @cached_property
    def weights(self) -> dict[str, float]:
        """Weight of each tree element relative to its siblings."""
        w = self._column("Weight")
        return {c: float(w[c]) for c in self._parent}

    @cached_property
    def directions(self) -> dict[str, int]:
        """Direction (+1 or -1) of each indicator."""
        d = self._column("Direction")
        return {c: int(d[c]) for c in self.indicators}

    def attribute(self, column: str) -> dict[str, Any]:
        """Values of an optional iMeta column per indicator (None where blank or absent)."""
        if column not in self.meta.columns:
            return {c: None for c in self.indicators}
        vals = self._column(column)
        return {c: (None if blank(vals[c]) else vals[c]) for c in self.indicators}

    def overrides(self, step: str) -> dict[str, dict[str, Any]]:
        """Per-indicator parameter overrides for ``step`` from ``<step>.<param>`` columns."""
        prefix = f"{step}."
        cols = [c for c in self.meta.columns if str(c).startswith(prefix)]
        out: dict[str, dict[str, Any]] = {}
        for col in cols:
            param = str(col)[len(prefix) :]
            for code, v in self.attribute(str(col)).items():
                if v is not None:
                    out.setdefault(code, {})[param] = _plain(v)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The iMeta table (a copy)."""
        return self.meta.copy()


def _plain(v: Any) -> Any:
    """numpy scalars -> Python scalars; whole floats stay floats (parameters decide)."""
    return v.item() if hasattr(v, "item") else v
