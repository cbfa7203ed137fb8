"""innovindex: composite innovation indices, their audit, and patent indicators.

Notebook users work with the Python API; the ``innovindex`` command is a thin layer over it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .build import build, build_panel
from .errors import InnovindexError, InputError, NotBuiltError, SpecError
from .framework import Framework
from .index import Index, compare
from .pipeline import Pipeline

try:
    __version__ = version("innovindex")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Framework",
    "Index",
    "Pipeline",
    "build",
    "build_panel",
    "compare",
    "InnovindexError",
    "InputError",
    "NotBuiltError",
    "SpecError",
    "__version__",
]
