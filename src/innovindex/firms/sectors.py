"""Sector allocation of patent applicants, after the Eurostat / KU Leuven method
(EEE-PPAT; Van Looy, du Plessis and Magerman 2006, "Data production methods for
harmonized patent statistics: patentee sector allocation"), the method behind PATSTAT's
``psn_sector``.

Sectors: ``company``, ``university`` (higher education), ``government`` (government and
public research), ``hospital``, ``nonprofit``, ``individual``, ``unknown``.

Rules, in order (the first that fires decides; see docs/firms.md):

1. PATSTAT imports: ``psn_sector`` as given (:func:`from_psn_sector`);
2. the inventor rule: an applicant whose name matches an inventor of the same application
   is an individual (:func:`is_inventor`, applied per application by the callers);
3. hospital words (hospital, Klinikum, 医院, 病院, 병원 ...);
4. university words (university, Hochschule, 大学, 대학교, industry-academic cooperation ...);
5. strong government words (ministry, republic of, department of, national laboratory,
   academy of sciences, CNRS, 独立行政法人 ...);
6. a legal form (cleanco's list plus the CJK supplement in :mod:`.names`): company;
7. non-profit words (foundation, Stiftung, association, society, 财团法人, 재단 ...);
8. weak public-research words (institute, research centre, 研究所, 연구원 ...): government;
9. company words (industries, foods, systems, group, holdings, 工业, 食品 ...): company;
10. a person-like name (2-6 alphabetic tokens, or ``SURNAME, Given``): individual;
11. otherwise unknown.

Keyword lists are multilingual (English, French, German, Spanish, Portuguese, Italian,
Dutch, Nordic, Polish, romanised Japanese and Korean) and in Chinese, Japanese and Korean
script. They are matched on folded tokens (no accents, lower case) or, for CJK, as
substrings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._keywords import (
    _COMPANY,
    _COMPANY_CJK,
    _GOV_STRONG,
    _GOV_STRONG_CJK,
    _GOV_WEAK,
    _GOV_WEAK_CJK,
    _HOSPITAL,
    _HOSPITAL_CJK,
    _NONPROFIT,
    _NONPROFIT_CJK,
    _UNIVERSITY,
    _UNIVERSITY_CJK,
)
from .names import _CJK, normalise, tokens

__all__ = [
    "SECTORS",
    "sector_of",
    "sector_from",
    "allocate",
    "from_psn_sector",
    "is_inventor",
    "person_key",
]

SECTORS = ("company", "university", "government", "hospital", "nonprofit", "individual", "unknown")

# PATSTAT psn_sector values -> sectors (combined values: the first listed wins)
_PSN = {
    "COMPANY": "company",
    "INDIVIDUAL": "individual",
    "UNIVERSITY": "university",
    "HOSPITAL": "hospital",
    "GOV NON-PROFIT": "government",
    "GOV NON-PROFIT UNIVERSITY": "university",
    "COMPANY GOV NON-PROFIT": "company",
    "COMPANY UNIVERSITY": "company",
    "COMPANY HOSPITAL": "company",
    "GOV NON-PROFIT HOSPITAL": "hospital",
}
_PERSON = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$", re.UNICODE)


_CJK_LISTS = {
    "hospital": _HOSPITAL_CJK,
    "university": _UNIVERSITY_CJK,
    "gov_strong": _GOV_STRONG_CJK,
    "nonprofit": _NONPROFIT_CJK,
    "gov_weak": _GOV_WEAK_CJK,
    "company": _COMPANY_CJK,
}
_ORDER = (
    ("hospital", "hospital"),
    ("university", "university"),
    ("gov_strong", "government"),
    ("legal", "company"),
    ("nonprofit", "nonprofit"),
    ("gov_weak", "government"),
    ("company", "company"),
)


# every keyword -> the lists it belongs to; one regex for all multi-word phrases
_WORD_LISTS: dict[str, frozenset[str]] = {}
_PHRASE_LISTS: dict[str, frozenset[str]] = {}
for _name, _words in {
    "hospital": _HOSPITAL,
    "university": _UNIVERSITY,
    "gov_strong": _GOV_STRONG,
    "nonprofit": _NONPROFIT,
    "gov_weak": _GOV_WEAK,
    "company": _COMPANY,
}.items():
    for _w in _words:
        target = _PHRASE_LISTS if " " in _w else _WORD_LISTS
        key = f" {_w} " if " " in _w else _w
        target[key] = target.get(key, frozenset()) | {_name}
_PHRASES = re.compile(
    "(?=(" + "|".join(re.escape(p) for p in sorted(_PHRASE_LISTS, key=len, reverse=True)) + "))"
)


def _hits(toks: list[str], joined: str, raw: str) -> set[str]:
    """The keyword lists a name hits (words, phrases, CJK substrings), in one pass."""
    out: set[str] = set()
    for t in toks:
        hit = _WORD_LISTS.get(t)
        if hit:
            out |= hit
    if " " in joined.strip():
        for m in _PHRASES.finditer(joined):
            out |= _PHRASE_LISTS[m.group(1)]
    if not raw.isascii() and _CJK.search(raw):
        for list_name, keys in _CJK_LISTS.items():
            text = raw
            if list_name == "university":  # 科学院 (academy of sciences) is not a 学院 (college)
                text = raw.replace("科学院", "").replace("科學院", "")
            if any(k in text for k in keys):
                out.add(list_name)
    return out


def sector_of(name: str | None) -> tuple[str, str]:
    """``(sector, rule)`` of one applicant name by the keyword rules (3-11 above)."""
    if name is None or not name.strip():
        return "unknown", "no name"
    return sector_from(name, tokens(name), normalise(name).forms)


def sector_from(name: str, toks: list[str], forms: tuple[str, ...]) -> tuple[str, str]:
    """:func:`sector_of` from a name's folded tokens and legal forms (already computed)."""
    if not name.strip():
        return "unknown", "no name"
    joined = " " + " ".join(toks) + " "
    hits = _hits(toks, joined, name)
    for list_name, sector in _ORDER:
        if list_name == "legal":
            if forms and not (_ambiguous(forms) and _looks_like_person(name, toks)):
                return "company", "legal form " + forms[0]
            continue
        if list_name in hits:
            return sector, f"{list_name} keyword"
    if _looks_like_person(name, toks):
        return "individual", "person-like name"
    return "unknown", "no rule"


# short legal forms that are also syllables of romanised East Asian given names
# (Sung Young OK, Ji Yo SEP, Zhong Zhi DA): on a person-like name they do not decide
_CLEAR_FORMS = frozenset(
    {
        "inc",
        "ltd",
        "co",
        "corp",
        "llc",
        "gmbh",
        "ag",
        "sa",
        "kk",
        "bv",
        "nv",
        "srl",
        "spa",
        "plc",
        "oy",
        "ab",
        "pty",
        "lp",
        "llp",
        "sas",
        "sarl",
        "ltda",
        "kg",
        "se",
        "as",
        "aps",
        "oyj",
        "bhd",
        "sdn",
        "pte",
        "pvt",
    }
)


def _ambiguous(forms: tuple[str, ...]) -> bool:
    return all(len(f) <= 3 and f not in _CLEAR_FORMS for f in forms)


def _looks_like_person(name: str, toks: list[str]) -> bool:
    if _CJK.search(name):  # 2-4 CJK characters, no legal form: a personal name
        plain = name.replace(" ", "")
        return 2 <= len(plain) <= 4 and all(_CJK.match(c) for c in plain)
    if not 2 <= len(toks) <= 6 or any(ch.isdigit() for ch in name):
        return False
    if sum(len(t) > 1 for t in toks) == 0:
        return False
    return all(_PERSON.match(t) for t in toks) and all(t.isascii() for t in toks)


def from_psn_sector(value: str | None) -> str | None:
    """PATSTAT's ``psn_sector`` as a sector, or None when it does not decide (UNKNOWN, empty)."""
    if value is None:
        return None
    return _PSN.get(" ".join(value.strip().upper().split()))


_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def person_key(name: str) -> str:
    """A name compared with inventors: lower case, letters and digits only, words sorted
    (word order and commas vary). :func:`innovindex.firms.applicants.inventor_key` is the
    same on an engine."""
    return " ".join(sorted(_NOT_ALNUM.sub(" ", name.lower()).split()))


def is_inventor(applicant: str, inventors: Iterable[str]) -> bool:
    """True when ``applicant`` matches one of the application's inventors by name."""
    key = person_key(applicant)
    return bool(key) and any(person_key(i) == key for i in inventors)


def allocate(names: Iterable[str | None]) -> list[tuple[str, str]]:
    """:func:`sector_of` for many names."""
    return [sector_of(n) for n in names]
