"""World Bank Indicators API v2 (JSON): World Development Indicators into iData.

One request per series and page::

    {base}/country/{all | DEU;FRA}/indicator/{CODE}?format=json&per_page=1000&page=N&date=A:B

A page is a two-element JSON array: a header (``page``, ``pages``, ``per_page``, ``total``,
``lastupdated``) and the observations (``countryiso3code``, ``country``, ``date``,
``value``); every page up to ``pages`` is read. An error is a one-element array
``[{"message": [{"id", "key", "value"}]}]``, turned into one line.

Aggregates (regions, income groups, "World") are told apart with the country metadata
endpoint ``{base}/country?format=json&per_page=1000``, where an aggregate's ``region.id`` is
``"NA"`` (value ``"Aggregates"``). Economies go to the iData; aggregates are returned apart
(``Fetched.aggregates``), written only when asked for.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import pandas as pd

from .._identity import canonical
from ..errors import InputError
from ._http import Fetcher, FetchOptions, base_url
from ._query import check_codes, parse_countries
from .provenance import LONG_COLUMNS, Fetched

__all__ = ["fetch_worldbank", "CODE_PATTERN"]

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.]*"
PER_PAGE = 1000
_MAX_PAGES = 500


def fetch_worldbank(
    indicators: list[str],
    *,
    countries: str | list[str] | None = None,
    years: tuple[int, int] | None = None,
    options: FetchOptions | None = None,
) -> Fetched:
    """Fetch World Bank series for economies (and, apart, aggregates).

    Parameters
    ----------
    indicators
        Series codes such as ``GB.XPD.RSDV.GD.ZS``.
    countries
        ISO3 codes (list or comma-separated); None = every economy.
    years
        Inclusive span; None = every year the API has.

    Raises
    ------
    InputError
        On an API error message (unknown indicator, bad parameter), an unreadable body, a
        series that has no observation at all, or a network failure after the retries.
    """
    codes = check_codes(indicators, CODE_PATTERN, "World Bank indicator code", "SP.POP.TOTL")
    iso = parse_countries(countries)
    fetcher = Fetcher("worldbank", options or FetchOptions())
    base = base_url("worldbank")
    try:
        regions = _country_metadata(fetcher, base)
        rows: list[dict[str, Any]] = []
        updated: dict[str, str | None] = {}
        names: dict[str, str] = {}
        for code in codes:
            got, last, name = _series(fetcher, base, code, iso, years)
            rows.extend(got)
            updated[code] = last
            names[code] = name
    finally:
        fetcher.close()
    long = pd.DataFrame(rows, columns=[*LONG_COLUMNS, "aggregate"])
    empty = [c for c in codes if not (long["series"] == c).any()]
    if len(empty) == len(codes):
        where = f" for {','.join(iso)}" if iso else ""
        span = f" in {years[0]}-{years[1]}" if years else ""
        raise InputError(f"worldbank: no observations for {', '.join(codes)}{where}{span}")
    long["aggregate"] = long["aggregate"] | long["uCode"].map(lambda c: regions.get(c, False))
    long["value"] = long["value"].astype(float)
    long["Time"] = long["Time"].astype(int)
    econ = long[~long["aggregate"]].drop(columns="aggregate").reset_index(drop=True)
    agg = long[long["aggregate"]].drop(columns="aggregate").reset_index(drop=True)
    provenance = {
        "source": "worldbank",
        "dataset": "World Development Indicators (World Bank Indicators API v2)",
        "query": {
            "indicators": codes,
            "countries": iso or "all",
            "years": list(years) if years else None,
        },
        "series_names": names,
        "last_updated": updated,
        "empty_series": empty,
        "requests": fetcher.log,
    }
    return Fetched(data=econ, provenance=provenance, series=codes, aggregates=agg)


def _get_json(
    fetcher: Fetcher,
    url: str,
    params: dict[str, str],
    what: str,
    rows: Callable[[list[Any]], Any] = lambda items: items,
) -> tuple[dict[str, Any], Any]:
    """One page: its header and ``rows(observations)``; any failure to read it is an
    InputError, and such a page is not kept in the cache."""

    def parse(resp: Any) -> tuple[dict[str, Any], Any]:
        try:
            body = json.loads(resp.content)
        except ValueError:
            if resp.status_code != 200:
                raise InputError(
                    f"worldbank {what}: HTTP {resp.status_code} from {resp.url}"
                ) from None
            raise InputError(
                f"worldbank {what}: the response is not JSON (starts {resp.content[:60]!r})"
            ) from None
        if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
            raise InputError(f"worldbank {what}: {_message(body[0]['message'])}")
        if resp.status_code != 200:
            raise InputError(f"worldbank {what}: HTTP {resp.status_code} from {resp.url}")
        if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
            raise InputError(
                f"worldbank {what}: unexpected response; expected [header, observations], "
                f"got {type(body).__name__} of length {len(body) if isinstance(body, list) else '-'}"
            )
        if body[1] is not None and not isinstance(body[1], list):
            raise InputError(f"worldbank {what}: observations are not a list")
        _pages(body[0], what)
        return body[0], rows(body[1] or [])

    # The API answers a bad query with a JSON message, sometimes under a 400/404 status.
    return fetcher.get_parsed(url, params, parse, what=what, ok=(200, 400, 404))


def _message(msg: Any) -> str:
    items = msg if isinstance(msg, list) else [msg]
    parts = []
    for m in items:
        if isinstance(m, dict):
            text = " ".join(str(m.get("value") or m.get("key") or "").split())
            parts.append(f"{text} (API message {m.get('id', '?')})" if text else str(m))
        else:
            parts.append(" ".join(str(m).split()))
    return "; ".join(parts) or "the API returned an error without a message"


def _pages(header: dict[str, Any], what: str) -> int:
    try:
        return int(header.get("pages") or 0)
    except (TypeError, ValueError):
        raise InputError(
            f"worldbank {what}: 'pages' is not a number: {header.get('pages')!r}"
        ) from None


def _country_metadata(fetcher: Fetcher, base: str) -> dict[str, bool]:
    """ISO3 -> True for aggregates (region.id "NA"), False for economies."""
    out: dict[str, bool] = {}
    page, pages = 1, 1
    while page <= pages and page <= _MAX_PAGES:
        params = {"format": "json", "per_page": str(PER_PAGE), "page": str(page)}
        header, items = _get_json(fetcher, f"{base}/country", params, f"country list page {page}")
        pages = _pages(header, "country list")
        for c in items or []:
            region = c.get("region") or {}
            is_agg = (
                str(region.get("id", "")).strip() == "NA"
                or str(region.get("value", "")).strip() == "Aggregates"
            )
            for key in (c.get("id"), c.get("iso2Code")):
                if key:
                    out[canonical(str(key))] = is_agg
        page += 1
    return out


def _series(
    fetcher: Fetcher, base: str, code: str, iso: list[str] | None, years: tuple[int, int] | None
) -> tuple[list[dict[str, Any]], str | None, str]:
    where = ";".join(iso) if iso else "all"
    url = f"{base}/country/{where}/indicator/{code}"
    rows: list[dict[str, Any]] = []
    last: str | None = None
    name = code
    page, pages = 1, 1
    while page <= pages and page <= _MAX_PAGES:
        params = {"format": "json", "per_page": str(PER_PAGE), "page": str(page)}
        if years:
            params["date"] = f"{years[0]}:{years[1]}"
        what = f"indicator {code}" + (f" page {page}" if page > 1 else "")
        header, got = _get_json(
            fetcher, url, params, what, functools.partial(_observations, code=code, what=what)
        )
        pages = _pages(header, what)
        last = header.get("lastupdated") or last
        for row in got:
            name = row.pop("name") or name
            rows.append(row)
        page += 1
    return rows, last, name


def _observations(items: list[Any], *, code: str, what: str) -> list[dict[str, Any]]:
    out = []
    for i, obs in enumerate(items):
        row = _observation(obs, code, what, i)
        if row is not None:
            out.append(row)
    return out


def _observation(obs: Any, code: str, what: str, i: int) -> dict[str, Any] | None:
    if not isinstance(obs, dict):
        raise InputError(f"worldbank {what}: observation {i + 1} is not an object")
    value = obs.get("value")
    if value is None:
        return None
    try:
        year = int(str(obs.get("date", "")))
        number = float(value)
    except ValueError:
        raise InputError(
            f"worldbank {what}: observation {i + 1} has date {obs.get('date')!r} and value "
            f"{value!r}; expected a year and a number"
        ) from None
    country = _dict(obs.get("country"))
    iso3 = canonical(str(obs.get("countryiso3code") or ""))
    ucode = iso3 or canonical(str(country.get("id") or ""))
    if not ucode:
        raise InputError(f"worldbank {what}: observation {i + 1} has no country code")
    indicator = _dict(obs.get("indicator"))
    return {
        "uCode": ucode,
        "uName": canonical(str(country.get("value") or ucode)),
        "Time": year,
        "series": code,
        "value": number,
        # A row without an ISO3 code is a World Bank aggregate (its 2-character id).
        "aggregate": not iso3,
        "name": indicator.get("value"),
    }


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
