"""A labelled SYNTHETIC firm world, for the demo, the tests and the benchmark.

Everything here is invented: firm names are built from made-up syllables, every table has
``source = "SYNTHETIC"``, firm ids start with ``SYN-`` and files are named
``synthetic_*.csv`` next to a ``README_SYNTHETIC.txt``. Nothing describes a real firm.

* :func:`synthetic_entities`: applicants with their true sector, country and spelling
  variants (case, punctuation, legal-form spellings, a dropped letter) - the labels
  against which harmonisation and sector allocation can be scored;
* :func:`synthetic_parties`: applicant rows of ``n`` applications drawn from those
  entities (half Zipf-skewed, half uniform), plus an inventor row for individual applicants;
* :func:`write_world`: firm-year data (2016-2023) for the ``firm_innovation`` index and the
  HNTE rules, a certificate register, and the applicants with their labels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = [
    "SOURCE",
    "synthetic_entities",
    "synthetic_parties",
    "synthetic_firm_years",
    "write_world",
]

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


def synthetic_firm_years(
    n_firms: int, *, years: range = range(2016, 2024), seed: int | np.random.Generator | None = 2024
) -> pd.DataFrame:
    """SYNTHETIC firm-year data in the layout of :mod:`.data` (CNY amounts)."""
    rng = _rng(seed)
    ent = synthetic_entities(n_firms, 0, seed=rng)
    rows = []
    for i, e in ent.iterrows():
        reg_year = int(rng.integers(2005, 2022))
        reg = f"{reg_year}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
        sales = float(rng.lognormal(17.5, 1.2))
        growth = rng.normal(0.12, 0.15)
        rd_share = float(np.clip(rng.normal(0.05, 0.025), 0.002, 0.3))
        staff = int(rng.integers(20, 3000))
        net = sales * rng.uniform(0.3, 1.2)
        for y in years:
            if y < reg_year:
                continue
            sales *= float(np.exp(growth + rng.normal(0, 0.08)))
            net *= float(np.exp(growth * 0.8 + rng.normal(0, 0.1)))
            rd = sales * rd_share * float(rng.uniform(0.8, 1.2))
            st = int(staff * np.clip(rng.normal(0.14, 0.06), 0.01, 0.9))
            rows.append(
                {
                    "firm_id": f"SYN-F{int(str(i)):05d}",
                    "year": y,
                    "name": e["name"],
                    "country": e["country"],
                    "registered_on": reg,
                    "revenue": round(sales * 1.03, 2),
                    "sales_revenue": round(sales, 2),
                    "hightech_revenue": round(sales * float(rng.uniform(0.3, 0.95)), 2),
                    "rd_total": round(rd, 2),
                    "rd_in_china": round(rd * float(rng.uniform(0.4, 1.0)), 2),
                    "staff": staff,
                    "st_staff": st,
                    "net_assets": round(net, 2),
                    "ip_class1": int(rng.poisson(1.0)),
                    "ip_class2": int(rng.poisson(4.0)),
                    "ip_self_developed": int(rng.random() < 0.8),
                    "standards": int(rng.poisson(0.3)),
                    "transfers": int(rng.poisson(3.0)),
                    "violations": int(rng.random() < 0.03),
                    "source": SOURCE,
                }
            )
    return pd.DataFrame(rows)


def _certificates(firms: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for fid, g in firms.groupby("firm_id"):
        first = int(g["year"].min()) + int(rng.integers(1, 4))
        y = first
        while y <= 2023 and rng.random() < 0.8:
            rows.append(
                {
                    "firm_id": fid,
                    "issued": f"{y}-{int(rng.integers(1, 13)):02d}-15",
                    "expires": "",
                    "source": SOURCE,
                }
            )
            y += 3
    return pd.DataFrame(rows, columns=["firm_id", "issued", "expires", "source"])


def write_world(out: str | Path, *, n_firms: int = 200, seed: int = 2024) -> list[Path]:
    """Write the SYNTHETIC world: firm-years, certificates and labelled applicants."""
    from ._io import write_frame

    rng = np.random.default_rng(seed)
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    firms = synthetic_firm_years(n_firms, seed=rng)
    ent = synthetic_entities(n_firms, n_firms // 2, n_firms // 10, seed=rng)
    _, truth = synthetic_parties(ent, n_firms * 20, seed=rng)
    labels = truth.to_pandas().assign(source=SOURCE)
    paths = [
        write_frame(firms, d / "synthetic_firm_years.csv"),
        write_frame(_certificates(firms, rng), d / "synthetic_certificates.csv"),
        write_frame(labels, d / "synthetic_applicants.csv"),
    ]
    readme = d / "README_SYNTHETIC.txt"
    readme.write_text(
        f"SYNTHETIC DATA - generated by innovindex.firms.synthetic (seed {seed}). Every firm, name and\n"
        "figure is invented; nothing here describes a real enterprise. Files: synthetic_firm_years.csv\n"
        "(firm-year layout of docs/firms.md), synthetic_certificates.csv (a certificate register),\n"
        "synthetic_applicants.csv (applicant spellings with their true entity and sector).\n",
        encoding="utf-8",
    )
    return [*paths, readme]
