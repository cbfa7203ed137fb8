"""Match the labels a published file uses for indicators to a framework's codes.

Published files do not always write ``iCode`` exactly: the GII database writes ``7.3.2.``
(a trailing dot) in some editions and names such as "Global Innovation Index" in others;
spreadsheets add spaces or invisible characters. A label matches, in this order:

1. a code exactly (after :func:`innovindex._identity.canonical`);
2. a code with trailing dots removed (``1.1.1.`` is ``1.1.1``);
3. an element's ``iName``, ignoring case and repeated spaces (names two elements share are
   not used).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._identity import canonical
from .tree import Framework

__all__ = ["label_index", "match_labels"]

_SPACES = re.compile(r"\s+")


def _name_key(text: str) -> str:
    return _SPACES.sub(" ", canonical(text)).casefold()


def label_index(framework: Framework) -> tuple[dict[str, str], dict[str, str]]:
    """Two lookups: code spellings -> code, and normalised names -> code."""
    meta = framework.meta
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    shared: set[str] = set()
    for code, name in zip(meta["iCode"].astype(str), meta["iName"], strict=True):
        codes.setdefault(canonical(code), code)
        codes.setdefault(canonical(code).rstrip("."), code)
        if isinstance(name, str) and name.strip():
            key = _name_key(name)
            if key in names and names[key] != code:
                shared.add(key)
            names[key] = code
    for key in shared:
        del names[key]
    return codes, names


def match_labels(labels: Iterable[object], framework: Framework) -> dict[str, str]:
    """Framework code of each label that matches one (labels that match none are left out).

    Examples
    --------
    >>> from innovindex import Framework
    >>> fw = Framework.builtin("gii2019")
    >>> match_labels(["1.1.1.", "Global Innovation Index", " 7.3.4", "GDP"], fw)
    {'1.1.1.': '1.1.1', 'Global Innovation Index': 'GII', ' 7.3.4': '7.3.4'}
    """
    codes, names = label_index(framework)
    out: dict[str, str] = {}
    for label in labels:
        if not isinstance(label, str):
            continue
        text = canonical(label)
        code = codes.get(text) or codes.get(text.rstrip(".")) or names.get(_name_key(label))
        if code is not None:
            out[label] = code
    return out
