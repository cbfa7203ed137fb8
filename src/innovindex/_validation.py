"""Declarative parameter constraints: one place that turns a bad parameter into one clear line.

Each step declares ``_constraints = {"winmax": Integer(0, None), ...}``; :func:`check` is
called on the pipeline value and again on every per-indicator override, so both give the same
message shape: "the 'winmax' parameter of step 'treat' must be a whole number >= 0; got -1".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import SpecError

__all__ = [
    "Boolean",
    "Constraint",
    "Integer",
    "Map",
    "Options",
    "Pair",
    "Real",
    "Strings",
    "Text",
    "check",
]


class Constraint:
    """A rule a parameter value must satisfy."""

    def ok(self, value: Any) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _is_real(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


@dataclass(frozen=True)
class Real(Constraint):
    """A finite number in ``[low, high]`` (either bound optional); ``none_ok`` allows None."""

    low: float | None = None
    high: float | None = None
    none_ok: bool = False
    low_open: bool = False

    def ok(self, value: Any) -> bool:
        if value is None:
            return self.none_ok
        if not _is_real(value):
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or value <= self.high

    def describe(self) -> str:
        parts = ["a number"]
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {self.low:g}")
        if self.high is not None:
            parts.append(f"<= {self.high:g}")
        return " ".join(parts) + (" or null" if self.none_ok else "")


@dataclass(frozen=True)
class Integer(Constraint):
    """A whole number in ``[low, high]``."""

    low: int | None = None
    high: int | None = None
    none_ok: bool = False

    def ok(self, value: Any) -> bool:
        if value is None:
            return self.none_ok
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self) -> str:
        bound = f" >= {self.low}" if self.low is not None else ""
        bound += f" <= {self.high}" if self.high is not None else ""
        return f"a whole number{bound}" + (" or null" if self.none_ok else "")


@dataclass(frozen=True)
class Options(Constraint):
    """One of a fixed set of values."""

    values: tuple[Any, ...]

    def ok(self, value: Any) -> bool:
        return isinstance(value, str | int | float | bool | type(None)) and value in self.values

    def describe(self) -> str:
        return "one of " + ", ".join(sorted(str(v) for v in self.values))


@dataclass(frozen=True)
class Boolean(Constraint):
    """true or false."""

    def ok(self, value: Any) -> bool:
        return isinstance(value, bool)

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Pair(Constraint):
    """Two numbers ``[low, high]`` with low < high."""

    def ok(self, value: Any) -> bool:
        return (
            isinstance(value, Sequence)
            and not isinstance(value, str)
            and len(value) == 2
            and all(_is_real(v) for v in value)
            and value[0] < value[1]
        )

    def describe(self) -> str:
        return "[low, high] with low < high"


@dataclass(frozen=True)
class Strings(Constraint):
    """A list of strings (or null)."""

    def ok(self, value: Any) -> bool:
        return value is None or (
            isinstance(value, Sequence)
            and not isinstance(value, str)
            and all(isinstance(v, str) for v in value)
        )

    def describe(self) -> str:
        return "a list of codes"


@dataclass(frozen=True)
class Text(Constraint):
    """A non-empty string (or null when ``none_ok``)."""

    none_ok: bool = False

    def ok(self, value: Any) -> bool:
        if value is None:
            return self.none_ok
        return isinstance(value, str) and bool(value.strip())

    def describe(self) -> str:
        return "a text value" + (" or null" if self.none_ok else "")


@dataclass(frozen=True)
class Map(Constraint):
    """A mapping (or null)."""

    def ok(self, value: Any) -> bool:
        return value is None or isinstance(value, Mapping)

    def describe(self) -> str:
        return "a mapping"


def check(step: str, name: str, value: Any, constraint: Constraint, where: str = "") -> None:
    """Raise :class:`SpecError` unless ``value`` satisfies ``constraint``.

    ``where`` adds context, e.g. "for indicator '4.3.3' in builtin:gii2019".
    """
    if not constraint.ok(value):
        suffix = f" {where}" if where else ""
        raise SpecError(
            f"the {name!r} parameter of step {step!r}{suffix} must be {constraint.describe()}; "
            f"got {value!r}"
        )
