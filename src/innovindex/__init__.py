"""innovindex: composite innovation indices, their audit, and patent indicators.

Notebook users work with the Python API; the ``innovindex`` command is a thin layer over it.
The names below load on first use, so that ``import innovindex`` (and ``innovindex --help``)
does not pay for pandas and the build machinery before they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import InnovindexError, InputError, NotBuiltError, SpecError

if TYPE_CHECKING:  # pragma: no cover
    from .building import build, build_panel
    from .framework import Framework
    from .index import Index, compare
    from .monitor import explain, panel, profile
    from .pipeline import Pipeline

#: public name -> the module that defines it
_LAZY = {
    "build": "building",
    "build_panel": "building",
    "Framework": "framework",
    "Index": "index",
    "compare": "index",
    "Pipeline": "pipeline",
    "panel": "monitor",
    "explain": "monitor",
    "profile": "monitor",
}
_SUBPACKAGES = ("audit", "patents", "demo", "monitor", "sources")


def __getattr__(name: str) -> Any:
    """Load the API (and ``innovindex.audit`` / ``.patents`` / ``.demo``) on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBPACKAGES})


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
