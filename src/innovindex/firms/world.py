"""The SYNTHETIC firm world of the demo: patents, firm-years, certificates, labels.

:func:`write_world` writes into a folder, every file marked SYNTHETIC:

* ``patents/{applications,classifications,parties}.parquet``: canonical patent tables of
  SYNTHETIC applications (``innovindex patents table NAME --parquet DIR/patents``);
* ``synthetic_firm_years.csv``: firm-years (2016-2023) of SYNTHETIC companies; their
  ``ip_class1`` is the number of their granted SYNTHETIC applications filed up to the year
  (all spellings of the firm), ``entity_id`` links a firm to its applicant spellings;
* ``synthetic_certificates.csv``: a certificate register of those firms;
* ``synthetic_applicants.csv``: applicant spellings with their true entity and sector;
* ``README_SYNTHETIC.txt``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .synthetic import SOURCE, synthetic_entities, synthetic_parties

__all__ = ["synthetic_patents", "synthetic_firm_years", "write_world"]

_OFFICES = np.array(["CN", "US", "DE", "JP", "KR", "FR", "GB", "EP", "WO"])
_OFFICE_P = np.array([0.3, 0.2, 0.08, 0.12, 0.1, 0.04, 0.04, 0.07, 0.05])
# symbols in several WIPO fields (semiconductors, computing, digital communication, pharma,
# biotech, measurement, optics, food, handling)
_IPC = np.array(
    [
        "H01L  21/00",
        "G06F   3/00",
        "H04L  29/06",
        "A61K  31/00",
        "C12N  15/00",
        "G01N  33/00",
        "G02B   6/00",
        "A21D  13/00",
        "B65D  85/00",
    ]
)


def synthetic_patents(entities: pd.DataFrame, n: int, *, seed: int = 2024) -> dict[str, pa.Table]:
    """Canonical ``applications``, ``classifications`` and ``parties`` of ``n`` SYNTHETIC
    applications naming the entities, plus ``truth`` (spelling -> entity)."""
    rng = np.random.default_rng(seed)
    parties, truth = synthetic_parties(entities, n, seed=seed)
    ids = np.char.add("SYN", np.arange(n).astype(str))
    year = rng.integers(2012, 2024, n).astype(np.int32)
    apps = pa.table(
        {
            "appln_id": ids,
            "office": rng.choice(_OFFICES, n, p=_OFFICE_P),
            "filing_date": pa.nulls(n, pa.date32()),
            "filing_year": year,
            "priority_year": year,
            "kind": np.full(n, "A"),
            "family_id": pa.nulls(n, pa.string()),
            "granted": rng.random(n) < 0.6,
        }
    )
    k = rng.integers(1, 4, n)
    cls = pa.table(
        {
            "appln_id": np.repeat(ids, k),
            "ipc": rng.choice(_IPC, int(k.sum())),
            "position": (np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k) + 1).astype(
                np.int32
            ),
        }
    )
    return {"applications": apps, "classifications": cls, "parties": parties, "truth": truth}


def synthetic_firm_years(
    companies: pd.DataFrame,
    granted: pd.DataFrame | None = None,
    *,
    years: range = range(2016, 2024),
    seed: int = 2024,
) -> pd.DataFrame:
    """SYNTHETIC firm-years (CNY) of the given company entities; ``granted`` (``entity_id,
    filing_year, granted``) fills ``ip_class1`` cumulatively."""
    rng = np.random.default_rng(seed)
    cum: dict[tuple[str, int], int] = {}
    if granted is not None and not granted.empty:
        g = granted.groupby(["entity_id", "filing_year"])["granted"].sum().reset_index()
        for ent_id, yr, v in zip(g["entity_id"], g["filing_year"], g["granted"], strict=True):
            cum[(str(ent_id), int(yr))] = int(v)
    rows = []
    for i, e in enumerate(companies.itertuples(index=False)):
        reg_year = int(rng.integers(2005, 2022))
        reg = f"{reg_year}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
        sales = float(rng.lognormal(17.5, 1.2))
        growth = rng.normal(0.12, 0.15)
        rd_share = float(np.clip(rng.normal(0.05, 0.025), 0.002, 0.3))
        staff = int(rng.integers(20, 3000))
        net = sales * rng.uniform(0.3, 1.2)
        owned = sum(v for (ent, y), v in cum.items() if ent == e.entity_id and y < years[0])
        for y in years:
            owned += cum.get((str(e.entity_id), y), 0)
            if y < reg_year:
                continue
            sales *= float(np.exp(growth + rng.normal(0, 0.08)))
            net *= float(np.exp(growth * 0.8 + rng.normal(0, 0.1)))
            rd = sales * rd_share * float(rng.uniform(0.8, 1.2))
            rows.append(
                {
                    "firm_id": f"SYN-F{i:05d}",
                    "year": y,
                    "name": e.name,
                    "country": e.country,
                    "entity_id": e.entity_id,
                    "registered_on": reg,
                    "revenue": round(sales * 1.03, 2),
                    "sales_revenue": round(sales, 2),
                    "hightech_revenue": round(sales * float(rng.uniform(0.3, 0.95)), 2),
                    "rd_total": round(rd, 2),
                    "rd_in_china": round(rd * float(rng.uniform(0.4, 1.0)), 2),
                    "staff": staff,
                    "st_staff": int(staff * np.clip(rng.normal(0.14, 0.06), 0.01, 0.9)),
                    "net_assets": round(net, 2),
                    "ip_class1": owned,
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
        y = int(g["year"].min()) + int(rng.integers(1, 4))
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
    """Write the SYNTHETIC world into ``out`` (see the module docstring); returns the paths."""
    from ..io.writers import write_frame

    rng = np.random.default_rng(seed)
    d = Path(out)
    (d / "patents").mkdir(parents=True, exist_ok=True)
    ent = synthetic_entities(n_firms, n_firms // 2, max(n_firms // 10, 1), seed=seed)
    pat = synthetic_patents(ent, n_firms * 20, seed=seed + 1)
    paths = []
    for name in ("applications", "classifications", "parties"):
        p = d / "patents" / f"{name}.parquet"
        pq.write_table(pat[name], p)
        paths.append(p)
    truth = pat["truth"].to_pandas()
    apps = pat["applications"].to_pandas()[["appln_id", "filing_year", "granted"]]
    parties = pat["parties"].to_pandas()
    app = parties[parties["role"] == "applicant"].merge(
        truth[["name", "country", "entity_id"]], on=["name", "country"]
    )
    granted = app.drop_duplicates(["appln_id", "entity_id"]).merge(apps, on="appln_id")
    firms = synthetic_firm_years(
        ent[ent["sector"] == "company"].head(n_firms), granted, seed=seed + 2
    )
    paths += [
        write_frame(firms, d / "synthetic_firm_years.csv"),
        write_frame(_certificates(firms, rng), d / "synthetic_certificates.csv"),
        write_frame(truth.assign(source=SOURCE), d / "synthetic_applicants.csv"),
    ]
    readme = d / "README_SYNTHETIC.txt"
    readme.write_text(
        f"SYNTHETIC DATA - generated by innovindex.firms.world (seed {seed}). Every firm, name, patent and\n"
        "figure is invented; nothing here describes a real enterprise. Files: patents/*.parquet (canonical\n"
        "patent tables: innovindex patents table NAME --parquet patents), synthetic_firm_years.csv (firm-year\n"
        "layout of docs/firms.md; ip_class1 = granted SYNTHETIC applications of the firm so far),\n"
        "synthetic_certificates.csv (a certificate register), synthetic_applicants.csv (applicant spellings\n"
        "with their true entity and sector).\n",
        encoding="utf-8",
    )
    return [*paths, readme]
