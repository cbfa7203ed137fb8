"""Applicant name normalisation: the comparable form of a name and its legal forms.

Steps: :func:`innovindex._identity.canonical` (NFC, invisible characters), NFKC (full-width
forms), accents removed (NFKD minus combining marks), case folded; dots and apostrophes
join (``S.R.L.`` -> ``srl``), other punctuation separates; runs of single letters join
(``S R L`` -> ``srl``); then legal forms are stripped from the end (repeatedly) and the
start. Legal forms come from cleanco's term list (``cleanco.prepare_default_terms``: some
300 forms in 80 countries), with a small documented supplement for forms cleanco lacks:
Australian ``pty``, the spelled-out ``aktiengesellschaft`` and ``kabushiki kaisha``, and
the Chinese, Japanese and Korean forms written in their scripts, which have no spaces
(有限公司, 股份有限公司, 株式会社, (株), 주식회사, (주) ...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .._identity import canonical

__all__ = ["NormalName", "analyse", "normalise", "legal_forms", "tokens", "CJK_LEGAL_FORMS"]

# cleanco lacks these (checked against cleanco 2.3 prepare_default_terms)
_SUPPLEMENT = (
    ("pty",),
    ("pty", "ltd"),
    ("pvt", "ltd"),
    ("aktiengesellschaft",),
    ("kabushiki", "kaisha"),
    ("kabushikikaisha",),
    ("yugen", "kaisha"),
    ("godo", "kaisha"),
    ("chusik", "hoesa"),
    ("jusik", "hoesa"),
    ("ltda",),
    ("sarl",),
    ("sas",),
    ("bvba",),
    ("sprl",),
    ("incorporated",),
    ("l", "l", "c"),
)
# Chinese (simplified, traditional), Japanese and Korean legal forms, longest first
CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "集团有限公司",
    "集團有限公司",
    "有限公司",
    "公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "（株）",
    "(株)",
    "㈱",
    "주식회사",
    "유한회사",
    "(주)",
    "（주）",
    "㈜",
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_JOIN = re.compile(r"[.'’`´]")
_SPLIT = re.compile(r"(?:[^\w&]|_)+", re.UNICODE)


@lru_cache(maxsize=1)
def _terms() -> frozenset[tuple[str, ...]]:
    try:
        from cleanco import prepare_default_terms
    except ImportError:  # pragma: no cover - depends on the install
        from ..errors import SpecError

        raise SpecError("applicant names need cleanco: pip install cleanco") from None
    # fold cleanco's terms exactly as names are folded (accents, dots, single letters)
    terms = {tuple(tokens(" ".join(words))) for _, words in prepare_default_terms()}
    terms |= {tuple(tokens(" ".join(words))) for words in _SUPPLEMENT}
    return frozenset(t for t in terms if t and all(w.isalnum() or w == "&" for w in t))


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """Term lengths by last word and by first word, longest first."""
    last: dict[str, set[int]] = {}
    first: dict[str, set[int]] = {}
    for t in _terms():
        last.setdefault(t[-1], set()).add(len(t))
        first.setdefault(t[0], set()).add(len(t))
    return (
        {w: tuple(sorted(v, reverse=True)) for w, v in last.items()},
        {w: tuple(sorted(v, reverse=True)) for w, v in first.items()},
    )


class NormalName(tuple[str, tuple[str, ...], tuple[str, ...]]):
    """``(key, tokens, legal_forms)``: the comparable key (tokens without legal forms,
    space-joined), those tokens, and the legal forms found (cleanco terms or CJK forms)."""

    @property
    def key(self) -> str:
        return self[0]

    @property
    def tokens(self) -> tuple[str, ...]:
        return self[1]

    @property
    def forms(self) -> tuple[str, ...]:
        return self[2]


def _fold(text: str) -> str:
    if text.isascii():  # the common case: nothing to compose, strip or decompose
        return text.strip().lower()
    text = unicodedata.normalize("NFKC", canonical(text))
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def tokens(name: str) -> list[str]:
    """Folded tokens of a name (accents removed, ``S.R.L.``/``S R L`` -> ``srl``)."""
    text = _SPLIT.sub(" ", _JOIN.sub("", _fold(name)))
    out: list[str] = []
    run: list[str] = []
    for tok in text.split():
        if len(tok) == 1 and tok.isalpha() and not _CJK.match(tok):
            run.append(tok)
            continue
        if run:
            out.append("".join(run) if len(run) > 1 else run[0])
            run = []
        out.append(tok)
    if run:
        out.append("".join(run) if len(run) > 1 else run[0])
    return out


def _strip_cjk(text: str, found: list[str]) -> str:
    changed = True
    while changed:
        changed = False
        for form in CJK_LEGAL_FORMS:
            f = unicodedata.normalize("NFKC", form).casefold()
            if text == f:
                found.append(form)
                return ""
            if text.endswith(f) and len(text) > len(f):
                text, changed = text[: -len(f)].rstrip(), True
                found.append(form)
            elif text.startswith(f) and len(text) > len(f):
                text, changed = text[len(f) :].lstrip(), True
                found.append(form)
    return text


def legal_forms(toks: list[str]) -> tuple[list[str], list[str]]:
    """Strip legal forms from the end (repeatedly) and the start: ``(rest, forms)``."""
    terms = _terms()
    by_last, by_first = _index()
    found: list[str] = []
    rest = list(toks)
    while len(rest) > 1:
        for k in by_last.get(rest[-1], ()):  # lengths of the terms ending with this word
            if k < len(rest) and tuple(rest[-k:]) in terms:
                found.append(" ".join(rest[-k:]))
                rest = rest[:-k]
                break
        else:
            break
        if len(rest) > 1 and rest[-1] == "&":
            rest = rest[:-1]
    for k in by_first.get(rest[0], ()) if rest else ():
        if k < len(rest) and tuple(rest[:k]) in terms:
            found.append(" ".join(rest[:k]))
            rest = rest[k:]
            break
    return rest, found


def analyse(name: str) -> tuple[list[str], NormalName]:
    """The folded tokens of a name (legal forms included) and its :class:`NormalName`."""
    toks = tokens(name)
    found: list[str] = []
    kept = toks
    if _CJK.search(name):
        kept = [t for t in (_strip_cjk(t, found) if _CJK.search(t) else t for t in toks) if t]
    rest, forms = legal_forms(kept)
    return toks, NormalName((" ".join(rest), tuple(rest), tuple(found + forms)))


@lru_cache(maxsize=100_000)
def normalise(name: str) -> NormalName:
    """The comparable form of an applicant name (see the module docstring)."""
    return analyse(name)[1]
