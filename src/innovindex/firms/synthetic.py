"""A labelled SYNTHETIC firm world, for the demo, the tests and the benchmark.

Everything here is invented: firm names are built from made-up syllables, every table has
``source = "SYNTHETIC"``, firm ids start with ``SYN-`` and files are named
``synthetic_*.csv`` next to a ``README_SYNTHETIC.txt``. Nothing describes a real firm.

* :func:`synthetic_entities`: applicants with their true sector, country and spelling
  variants (case, punctuation, legal-form spellings, a dropped letter) - the labels
  against which harmonisation and sector allocation can be scored;
* :func:`synthetic_parties`: applicant rows of ``n`` applications drawn from those
  entities (half Zipf-skewed, half uniform), plus an inventor row for individual applicants;
* :mod:`.world` puts them together: SYNTHETIC patents, firm-years whose IP comes from
  those patents, a certificate register and the labelled applicants.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["SOURCE", "synthetic_entities", "synthetic_parties"]

SOURCE = "SYNTHETIC"
_ON = [
    "bra",
    "cor",
    "del",
    "fen",
    "gal",
    "hol",
    "ixi",
    "jor",
    "kel",
    "lum",
    "mar",
    "nov",
    "orb",
    "pel",
    "qua",
    "ros",
    "sil",
    "tav",
    "ulm",
    "ven",
    "wex",
    "xan",
    "yor",
    "zen",
    "ari",
    "bel",
    "cam",
    "dor",
    "eva",
    "fil",
]
_SET = [
    "ta",
    "ron",
    "vex",
    "lia",
    "mos",
    "dex",
    "nor",
    "ria",
    "tek",
    "lan",
    "sar",
    "quin",
    "vo",
    "zen",
    "mir",
    "tis",
    "gal",
    "pho",
    "ker",
    "dan",
]
_INDUSTRY = [
    "FOODS",
    "SYSTEMS",
    "TECHNOLOGIES",
    "INDUSTRIES",
    "ELECTRONICS",
    "MACHINERY",
    "PHARMA",
    "MATERIALS",
    "PACKAGING",
    "ENERGY",
    "SOFTWARE",
    "INSTRUMENTS",
    "CHEMICALS",
    "DEVICES",
    "NETWORKS",
]
# (country, legal form as written, an alternative spelling of the same form)
_FORMS = {
    "CN": ("CO LTD", "Co., Ltd."),
    "US": ("INC", "Inc."),
    "DE": ("GMBH", "GmbH"),
    "JP": ("KK", "K.K."),
    "KR": ("CO LTD", "Co., Ltd."),
    "FR": ("SA", "S.A."),
    "GB": ("LTD", "Limited"),
}
_SURNAMES = {
    "CN": ["WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU"],
    "US": [
        "SMITH",
        "JOHNSON",
        "BROWN",
        "TAYLOR",
        "MILLER",
        "DAVIS",
        "WILSON",
        "MOORE",
        "CLARK",
        "HALL",
    ],
    "DE": [
        "MUELLER",
        "SCHMIDT",
        "SCHNEIDER",
        "FISCHER",
        "WEBER",
        "MEYER",
        "WAGNER",
        "BECKER",
        "HOFFMANN",
        "KOCH",
    ],
    "JP": [
        "SATO",
        "SUZUKI",
        "TAKAHASHI",
        "TANAKA",
        "WATANABE",
        "ITO",
        "YAMAMOTO",
        "NAKAMURA",
        "KOBAYASHI",
        "KATO",
    ],
    "KR": ["KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM"],
    "FR": [
        "MARTIN",
        "BERNARD",
        "DUBOIS",
        "THOMAS",
        "ROBERT",
        "RICHARD",
        "PETIT",
        "DURAND",
        "LEROY",
        "MOREAU",
    ],
    "GB": [
        "JONES",
        "WILLIAMS",
        "EVANS",
        "ROBERTS",
        "WALKER",
        "WRIGHT",
        "GREEN",
        "HUGHES",
        "EDWARDS",
        "LEWIS",
    ],
}
_GIVEN = [
    "ALEX",
    "SAM",
    "JORDAN",
    "MORGAN",
    "TAYLOR",
    "ROBIN",
    "JAMIE",
    "CASEY",
    "KAI",
    "NOA",
    "MIN",
    "JUN",
    "YUKI",
    "LEA",
    "TOM",
    "ANA",
    "IVO",
    "ELI",
    "MAX",
    "ZOE",
    "HAO",
    "RIN",
    "SOO",
    "EMIL",
    "LINA",
]
_PUBLIC = [
    ("UNIVERSITY OF {}", "university"),
    ("{} INSTITUTE OF TECHNOLOGY", "university"),
    ("NATIONAL INSTITUTE OF {} RESEARCH", "government"),
    ("{} GENERAL HOSPITAL", "hospital"),
    ("{} RESEARCH FOUNDATION", "nonprofit"),
]
_COUNTRIES = list(_FORMS)


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _words(rng: np.random.Generator, n: int, parts: int = 3) -> np.ndarray:
    """``n`` invented words of ``parts`` syllables (upper case)."""
    w = np.array(_ON, dtype=object)[rng.integers(0, len(_ON), n)]
    for _ in range(parts - 1):
        w = w + np.array(_SET, dtype=object)[rng.integers(0, len(_SET), n)]
    return np.char.upper(w.astype(str)).astype(object)


def synthetic_entities(
    n_companies: int,
    n_individuals: int,
    n_public: int = 0,
    *,
    seed: int | np.random.Generator | None = 2024,
) -> pd.DataFrame:
    """SYNTHETIC applicants: ``entity_id, country, sector, name, variant_1, variant_2,
    variant_3`` (the variants are spellings of the same applicant)."""
    rng = _rng(seed)
    frames = []
    if n_companies:
        ctry = np.array(_COUNTRIES, dtype=object)[rng.integers(0, len(_COUNTRIES), n_companies)]
        base = (
            _words(rng, n_companies)
            + " "
            + _words(rng, n_companies, 2)
            + " "
            + np.array(_INDUSTRY, dtype=object)[rng.integers(0, len(_INDUSTRY), n_companies)]
        )
        form = np.array([_FORMS[c][0] for c in ctry], dtype=object)
        alt = np.array([_FORMS[c][1] for c in ctry], dtype=object)
        name = base + " " + form
        title = np.char.title(base.astype(str)).astype(object) + ", " + alt
        cut = rng.integers(3, 7, n_companies)  # a dropped letter inside the first word
        typo = (
            np.array([b[:k] + b[k + 1 :] for b, k in zip(base, cut, strict=True)], dtype=object)
            + " "
            + form
        )
        frames.append(
            pd.DataFrame(
                {
                    "country": ctry,
                    "sector": "company",
                    "name": name,
                    "variant_1": title,
                    "variant_2": base + ", " + form.astype(str),
                    "variant_3": typo,
                }
            )
        )
    if n_individuals:
        ctry = np.array(_COUNTRIES, dtype=object)[rng.integers(0, len(_COUNTRIES), n_individuals)]
        sur = np.array(
            [
                _SURNAMES[c][i]
                for c, i in zip(ctry, rng.integers(0, 10, n_individuals), strict=True)
            ],
            dtype=object,
        )
        sur = sur + np.where(
            rng.random(n_individuals) < 0.9, _words(rng, n_individuals, 2), ""
        )  # rarer surnames
        given = np.array(_GIVEN, dtype=object)[rng.integers(0, len(_GIVEN), n_individuals)]
        init = np.array(list("ABCDEFGHJKLMNPRSTW"), dtype=object)[
            rng.integers(0, 18, n_individuals)
        ]
        name = sur + " " + given + " " + init
        comma = sur + ", " + np.char.title(given.astype(str)).astype(object) + ", " + init + "."
        frames.append(
            pd.DataFrame(
                {
                    "country": ctry,
                    "sector": "individual",
                    "name": name,
                    "variant_1": comma,
                    "variant_2": name,
                    "variant_3": comma,
                }
            )
        )
    if n_public:
        ctry = np.array(_COUNTRIES, dtype=object)[rng.integers(0, len(_COUNTRIES), n_public)]
        kind = rng.integers(0, len(_PUBLIC), n_public)
        place = _words(rng, n_public, 2)
        name = np.array(
            [_PUBLIC[k][0].format(p) for k, p in zip(kind, place, strict=True)], dtype=object
        )
        sector = np.array([_PUBLIC[k][1] for k in kind], dtype=object)
        frames.append(
            pd.DataFrame(
                {
                    "country": ctry,
                    "sector": sector,
                    "name": name,
                    "variant_1": np.char.title(name.astype(str)).astype(object),
                    "variant_2": name,
                    "variant_3": name,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    # one entity per name: two invented entities with the same name could not be told apart
    out = out[~out["name"].str.lower().duplicated(keep="first")].reset_index(drop=True)
    out.insert(0, "entity_id", [f"SYN-E{i:08d}" for i in range(len(out))])
    return out


def synthetic_parties(
    entities: pd.DataFrame, n_applications: int, *, seed: int | np.random.Generator | None = 2024
) -> tuple[pa.Table, pa.Table]:
    """Applicant (and inventor) rows of ``n_applications`` SYNTHETIC applications in the
    canonical ``parties`` layout, and the truth ``name, country, entity_id, sector``."""
    rng = _rng(seed)
    n_e = len(entities)
    k = np.clip(rng.geometric(0.75, n_applications), 1, 3)  # applicants per application
    total = int(k.sum())
    ranks = np.arange(1, n_e + 1, dtype=float) ** -1.1
    zipf = rng.choice(n_e, size=total, p=ranks / ranks.sum())
    ent = np.where(rng.random(total) < 0.5, zipf, rng.integers(0, n_e, total))
    variant = rng.integers(0, 4, total)
    cols = entities[["name", "variant_1", "variant_2", "variant_3"]].to_numpy(dtype=object)
    names = cols[ent, variant]
    app = np.repeat(np.arange(n_applications), k)
    seq = np.arange(total) - np.repeat(np.cumsum(k) - k, k) + 1
    appln = np.char.add("SYN", app.astype(str))
    country = entities["country"].to_numpy(dtype=object)[ent]
    indiv = entities["sector"].to_numpy(dtype=object)[ent] == "individual"
    parties = pa.table(
        {
            "appln_id": np.concatenate([appln, appln[indiv]]),
            "role": np.concatenate(
                [np.full(total, "applicant"), np.full(int(indiv.sum()), "inventor")]
            ),
            "sequence": np.concatenate([seq, np.ones(int(indiv.sum()), dtype=np.int64)]).astype(
                np.int32
            ),
            "country": np.concatenate([country, country[indiv]]),
            "name": np.concatenate([names, names[indiv]]),
        }
    )
    truth = pd.DataFrame(
        {
            "name": names,
            "country": country,
            "entity_id": entities["entity_id"].to_numpy()[ent],
            "sector": entities["sector"].to_numpy()[ent],
        }
    ).drop_duplicates(["name", "country"])
    return parties, pa.Table.from_pandas(truth.reset_index(drop=True), preserve_index=False)
