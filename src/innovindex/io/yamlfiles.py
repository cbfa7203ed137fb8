"""Reading the YAML files users write (pipelines, uncertainty specs): one set of messages for
a missing file, bad encoding, a syntax error (with line and column), a key given twice, an
empty file, and hostile documents.

Aliases (``*a``) are expanded with a budget: a recursive alias (``treat: &a {winmax: [*a]}``)
and a "billion laughs" document whose expansion would exceed :data:`MAX_NODES` nodes or
:data:`MAX_DEPTH` levels are refused in one line before anything is built from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError

__all__ = ["MAX_DEPTH", "MAX_NODES", "MAX_BYTES", "load_yaml", "read_yaml"]

#: Most nodes a document may expand to (aliases counted each time they are used).
MAX_NODES = 100_000
#: Deepest nesting accepted.
MAX_DEPTH = 64
#: Largest YAML file read (pipelines and specs are a few kilobytes).
MAX_BYTES = 5_000_000


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
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(
            f"{source}: not valid YAML{where}: {getattr(exc, 'problem', exc)}"
        ) from None
    except RecursionError:
        raise SpecError(f"{source}: YAML nested too deeply (limit {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse recursive aliases and documents that expand beyond the budget, walking the
    node graph once (an alias is the same node object reached twice)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    # Iterative post-order walk: (node, depth, children pushed?)
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, expanded = stack.pop()
        key = id(node)
        if expanded:
            on_path.discard(key)
            total = 1 + sum(sizes[id(c)] for c in _children(node))
            if total > MAX_NODES:
                _refuse(source, node, f"expands to more than {MAX_NODES:,} values (an alias bomb?)")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            _refuse(source, node, "a recursive alias (an anchor used inside itself)")
        if depth > MAX_DEPTH:
            _refuse(source, node, f"nested more than {MAX_DEPTH} levels deep")
        on_path.add(key)
        stack.append((node, depth, True))
        for child in _children(node):
            if id(child) in on_path:
                _refuse(source, child, "a recursive alias (an anchor used inside itself)")
            if id(child) not in sizes:
                stack.append((child, depth + 1, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _refuse(source: str, node: yaml.Node, what: str) -> None:
    mark = node.start_mark
    raise SpecError(f"{source}: at line {mark.line + 1}, column {mark.column + 1}: {what}")


def read_yaml(path: str | Path, what: str) -> Any:
    """Read and parse a YAML file; ``what`` names it in messages (e.g. "pipeline file")."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(f"{p}: {what} not found") from None
    except IsADirectoryError:
        raise SpecError(f"{p}: {what} is a folder, expected a UTF-8 text file") from None
    except OSError as exc:
        raise SpecError(f"{p}: cannot read the {what}: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise SpecError(
            f"{p}: {what} is larger than {MAX_BYTES // 1_000_000} MB; expected a short YAML file"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(f"{p}: {what} is not a UTF-8 text file") from None
    if "\x00" in text:
        raise SpecError(f"{p}: {what} contains a NUL byte; expected a UTF-8 text file")
    doc = load_yaml(text, str(p))
    if doc is None:
        raise SpecError(f"{p}: {what} is empty; expected YAML settings (see docs/engine.md)")
    return doc
