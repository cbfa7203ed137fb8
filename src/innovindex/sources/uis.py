"""UNESCO Institute for Statistics: the keyless UIS Data API (JSON).

UIS's SDMX endpoint needed a subscription key and has not been updated since 2024; the
public UIS Data API needs none::

    {base}/data/indicators?indicator=CODE&indicator=...&geoUnit=ISO3&start=A&end=B

answers ``{"hints": [...], "records": [{"indicatorId", "geoUnit", "year", "value",
"magnitude", "qualifier"}, ...]}``. The release in use comes from ``{base}/versions/default``
(``version``, ``publicationDate``) and is recorded as the source's last update. Geo units
that are not ISO3 codes (regional aggregates such as ``SDG: Africa``) are kept apart.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from .._identity import canonical
from ..errors import InputError
from ._http import Fetcher, FetchOptions, Params, base_url
from ._query import check_codes, parse_countries
from .provenance import LONG_COLUMNS, Fetched

__all__ = ["fetch_uis", "CODE_PATTERN"]

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
_ISO3 = re.compile(r"[A-Z]{3}")


def fetch_uis(
    indicators: list[str],
    *,
    countries: str | list[str] | None = None,
    years: tuple[int, int] | None = None,
    options: FetchOptions | None = None,
) -> Fetched:
    """Fetch UIS indicators (e.g. ``EXPGDP.TOT``, R&D ``GERD.GDP`` style codes).

    Raises
    ------
    InputError
        On an error answer, a malformed body, no records at all, or a network failure.
    """
    codes = check_codes(indicators, CODE_PATTERN, "UIS indicator code", "CR.1")
    iso = parse_countries(countries)
    base = base_url("uis")
    params: list[tuple[str, str]] = [("indicator", c) for c in codes]
    params += [("geoUnit", g) for g in iso or []]
    if years:
        params += [("start", str(years[0])), ("end", str(years[1]))]
    fetcher = Fetcher("uis", options or FetchOptions())
    try:
        body = _json(fetcher, f"{base}/data/indicators", params, "data")
        version = _json(fetcher, f"{base}/versions/default", None, "version")
    finally:
        fetcher.close()
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        raise InputError("uis data: unexpected response; expected an object with a 'records' list")
    rows: list[dict[str, Any]] = []
    for i, r in enumerate(records):
        if not isinstance(r, dict):
            raise InputError(f"uis data: record {i + 1} is not an object")
        if r.get("value") is None:
            continue
        try:
            rows.append(
                {
                    "uCode": canonical(str(r["geoUnit"])),
                    "uName": canonical(str(r["geoUnit"])),
                    "Time": int(r["year"]),
                    "series": canonical(str(r["indicatorId"])),
                    "value": float(r["value"]),
                }
            )
        except (KeyError, TypeError, ValueError):
            raise InputError(
                f"uis data: record {i + 1} lacks a geoUnit, year, indicatorId or numeric value: {str(r)[:120]}"
            ) from None
    long = pd.DataFrame(rows, columns=LONG_COLUMNS)
    if long.empty:
        hints = body.get("hints") if isinstance(body, dict) else None
        extra = (
            f" ({'; '.join(str(h.get('message', h)) if isinstance(h, dict) else str(h) for h in hints)})"
            if hints
            else ""
        )
        raise InputError(f"uis: no observations for {', '.join(codes)}{extra}")
    agg = ~long["uCode"].str.fullmatch(_ISO3)
    provenance = {
        "source": "uis",
        "dataset": "UIS Data API",
        "query": {
            "indicators": codes,
            "countries": iso or "all",
            "years": list(years) if years else None,
        },
        "last_updated": version.get("publicationDate") if isinstance(version, dict) else None,
        "release": version.get("version") if isinstance(version, dict) else None,
        "requests": fetcher.log,
    }
    return Fetched(
        data=long[~agg].reset_index(drop=True),
        provenance=provenance,
        series=codes,
        aggregates=long[agg].reset_index(drop=True),
    )


def _json(fetcher: Fetcher, url: str, params: Params | None, what: str) -> Any:
    def parse(resp: Any) -> Any:
        try:
            body = json.loads(resp.content)
        except ValueError:
            raise InputError(
                f"uis {what}: the response is not JSON (starts {resp.content[:60]!r})"
            ) from None
        if what == "data" and not (
            isinstance(body, dict) and isinstance(body.get("records"), list)
        ):
            raise InputError(
                "uis data: unexpected response; expected an object with a 'records' list"
            )
        return body

    return fetcher.get_parsed(url, params, parse, what=what)
