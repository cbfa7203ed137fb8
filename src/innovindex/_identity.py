"""Canonical identities: one spelling per unit code, indicator code or applicant name.

Two codes that look the same to a person must be the same code: text is put in Unicode
normal form NFC and stripped of invisible characters (zero-width spaces and joiners, the
byte-order mark, soft hyphens, other format characters) and of surrounding white space.
Codes that collide after this are duplicates, reported by the caller as usual.
"""

from __future__ import annotations

import unicodedata

__all__ = ["canonical"]


def canonical(text: str) -> str:
    """``text`` in NFC without invisible (Unicode category Cf) characters, stripped.

    Examples
    --------
    >>> canonical("CHN\\u200b") == canonical("CHN")
    True
    >>> canonical("Cafe\\u0301") == canonical("Caf\\u00e9")
    True
    """
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()
