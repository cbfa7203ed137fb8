"""innovindex: composite innovation indices, their audit, and patent indicators.

Notebook users work with the Python API; the ``innovindex`` command is a thin layer over it.
"""

from __future__ import annotations

from ._version import __version__
from .building import build, build_panel
from .errors import InnovindexError, InputError, NotBuiltError, SpecError
from .framework import Framework
from .index import Index, compare
from .monitor import explain, panel, profile
from .pipeline import Pipeline

_SUBPACKAGES = ("audit", "patents", "demo")


def __getattr__(name: str) -> object:
    """``innovindex.audit`` / ``.patents`` / ``.demo`` load on first use (they import heavier
    dependencies than building an index needs)."""
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Framework",
    "Index",
    "Pipeline",
    "build",
    "build_panel",
    "compare",
    "explain",
    "panel",
    "profile",
    "InnovindexError",
    "InputError",
    "NotBuiltError",
    "SpecError",
    "__version__",
]
