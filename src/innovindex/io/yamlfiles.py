"""Reading the YAML files users write (pipelines, uncertainty specs): one set of messages for
a missing file, bad encoding, a syntax error (with line and column) or a key given twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError

__all__ = ["load_yaml", "read_yaml"]


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a key given twice is an error, not a silent overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML text; errors are :class:`SpecError` naming ``source``, line and column."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(
            f"{source}: not valid YAML{where}: {getattr(exc, 'problem', exc)}"
        ) from None


def read_yaml(path: str | Path, what: str) -> Any:
    """Read and parse a YAML file; ``what`` names it in messages (e.g. "pipeline file")."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{p}: {what} not found") from None
    except (UnicodeDecodeError, IsADirectoryError):
        raise SpecError(f"{p}: {what} is not a UTF-8 text file") from None
    return load_yaml(text, str(p))
