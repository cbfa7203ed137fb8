"""Optional dependencies (the extras of ``pip install 'innovindex[...]'``), imported on use.

A missing one is a :class:`MissingExtraError`: one line naming the extra to install, which
the CLI prints as it does every :class:`~innovindex.errors.InnovindexError` (exit status 2).
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from .errors import InnovindexError

__all__ = ["EXTRAS", "MissingExtraError", "available", "ensure", "require"]

#: extra -> the modules it provides (the first is the one checked by :func:`available`).
EXTRAS: dict[str, tuple[str, ...]] = {
    "patents": ("ibis", "duckdb"),
    "audit": ("plotly", "SALib", "kaleido"),
    "spark": ("pyspark",),
    "api": ("fastapi", "uvicorn"),
}


class MissingExtraError(InnovindexError, ImportError):
    """An optional dependency is not installed; the message says which extra provides it."""


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module`` or raise one line naming the extra that provides it.

    Parameters
    ----------
    module
        Dotted module name, e.g. ``"ibis"`` or ``"SALib.sample.sobol"``.
    extra
        The extra of innovindex that installs it, e.g. ``"patents"``.
    what
        What needs it, as the subject of "... need(s) the 'x' extra", e.g. ``"patents"``.

    Raises
    ------
    MissingExtraError
        E.g. "patents need the 'patents' extra: pip install 'innovindex[patents]'
        (missing module 'ibis')".
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise _missing(extra, what, getattr(exc, "name", None) or module) from None


def ensure(extra: str, what: str) -> None:
    """Raise :class:`MissingExtraError` unless ``extra`` is installed (checked without
    importing it, so a package can refuse early at no cost)."""
    if not available(extra):
        raise _missing(extra, what, EXTRAS[extra][0])


def _missing(extra: str, what: str, module: str) -> MissingExtraError:
    verb = "need" if what.endswith("s") else "needs"
    return MissingExtraError(
        f"{what} {verb} the {extra!r} extra: pip install 'innovindex[{extra}]' "
        f"(missing module {module!r})"
    )


def available(extra: str) -> bool:
    """Whether the main module of ``extra`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(EXTRAS[extra][0]) is not None
    except (ImportError, ValueError):  # a module set to None in sys.modules, or no spec
        return False
