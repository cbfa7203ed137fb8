"""Importers into the canonical patent schema, one per source format.

``IMPORTERS`` is the only place a format name becomes a function; every importer takes a
list of files plus keyword options and returns an :class:`ImportResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ...errors import SpecError
from ._base import ImportResult, Issue, OnError
from .flat import import_espacenet, import_lens, import_patentscope

__all__ = ["IMPORTERS", "ImportResult", "Issue", "OnError", "get_importer", "run_import"]

Importer = Callable[..., ImportResult]


def _registry() -> dict[str, Importer]:
    from .google import import_google
    from .patentsview import import_patentsview
    from .patstat import import_patstat

    return {
        "espacenet": import_espacenet,
        "lens": import_lens,
        "patentscope": import_patentscope,
        "patstat": import_patstat,
        "patentsview": import_patentsview,
        "google": import_google,
    }


IMPORTERS: dict[str, Importer] = _registry()


def get_importer(fmt: str) -> Importer:
    """The importer for ``fmt``; an unknown name lists the valid ones."""
    try:
        return IMPORTERS[fmt.lower()]
    except KeyError:
        raise SpecError(
            f"unknown patent format {fmt!r}; expected one of {sorted(IMPORTERS)}"
        ) from None


def run_import(fmt: str, files: Sequence[str | Path], **options: Any) -> ImportResult:
    """Import ``files`` of format ``fmt`` (see :data:`IMPORTERS`)."""
    return get_importer(fmt)(files, **options)
