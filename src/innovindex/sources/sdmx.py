"""OECD and Eurostat through SDMX 2.1 REST, read with the maintained client sdmx1.

The query is the standard SDMX REST data query::

    {base}/data/{FLOW}/{KEY}?startPeriod=A&endPeriod=B

asked for as SDMX-ML 2.1 generic data (``Accept: application/vnd.sdmx.genericdata+xml``),
which sdmx1 reads without the data structure definition; an SDMX-CSV body (what a mirror
or ``format=csvfile`` returns) is read as well. An SDMX-ML ``<Error>`` message or an HTTP
404 ("no results") becomes one line.

A :class:`SdmxSpec` maps the dimensions to iData: which one is the unit (``uCode``), which
the period (``Time``), and which name the series (the column). The defaults per source:

========  ============  ============  =================================================
source    unit          time          series column name
========  ============  ============  =================================================
oecd      ``REF_AREA``  TIME_PERIOD   the codes of the other dimensions that vary,
eurostat  ``geo``       TIME_PERIOD   joined by ``.`` (a single series: the flow id)
========  ============  ============  =================================================

Eurostat's two-letter ``geo`` codes become ISO3 (``EL`` -> GRC, ``UK`` -> GBR); its
aggregates (``EU27_2020``, ``EA20``, ...) are kept apart like the World Bank's.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import InputError, SpecError
from ..io.countries import iso2_to_iso3
from ._http import Fetcher, FetchOptions, base_url
from .provenance import LONG_COLUMNS, Fetched

__all__ = ["SdmxSpec", "DEFAULT_SPECS", "fetch_sdmx", "read_sdmx_body"]

GENERIC = "application/vnd.sdmx.genericdata+xml;version=2.1"
_FLOW = re.compile(r"[A-Za-z0-9_.@\-]+(,[A-Za-z0-9_.@\-]+){0,2}")
_KEY = re.compile(r"[A-Za-z0-9_.+\-]*|all")
_CSV_META = ("DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "ACTION", "LAST UPDATE")
_EUROSTAT_ISO2 = {"EL": "GRC", "UK": "GBR", "XK": "XKX"}


@dataclass(frozen=True)
class SdmxSpec:
    """How the dimensions of an SDMX dataset map to iData.

    Parameters
    ----------
    unit
        Dimension whose codes are the units (``uCode``).
    time
        Dimension of the period; annual periods (``2021``) become ``Time``. Other
        frequencies are refused (iData is annual).
    series
        Dimensions whose codes, joined by ``.``, name the series column. None = every
        dimension other than unit and time that takes more than one value in the result.
    prefix
        Prepended to every series name (e.g. the flow id), or None.
    iso3
        Convert two-letter unit codes to ISO3 (Eurostat).
    """

    unit: str = "REF_AREA"
    time: str = "TIME_PERIOD"
    series: tuple[str, ...] | None = None
    prefix: str | None = None
    iso3: bool = False


DEFAULT_SPECS: dict[str, SdmxSpec] = {
    "oecd": SdmxSpec(unit="REF_AREA"),
    "eurostat": SdmxSpec(unit="geo", iso3=True),
}


def fetch_sdmx(
    source: str,
    flow: str,
    key: str = "all",
    *,
    years: tuple[int, int] | None = None,
    spec: SdmxSpec | None = None,
    options: FetchOptions | None = None,
) -> Fetched:
    """Fetch one SDMX data query from ``source`` ("oecd" or "eurostat").

    Parameters
    ----------
    flow
        Dataflow: ``DSD_MSTI@DF_MSTI`` or ``OECD.STI.STP,DSD_MSTI@DF_MSTI,1.3`` (OECD),
        ``rd_e_gerdtot`` (Eurostat).
    key
        Series key: dimension codes joined by ``.``, alternatives by ``+``, ``all`` = every.

    Raises
    ------
    InputError
        On an SDMX error message, no observations, an unreadable body or a network failure.
    """
    if source not in DEFAULT_SPECS:
        raise SpecError(f"unknown SDMX source {source!r}; expected one of {sorted(DEFAULT_SPECS)}")
    if not _FLOW.fullmatch(flow):
        raise SpecError(
            f"{flow!r} is not an SDMX dataflow id (e.g. DSD_MSTI@DF_MSTI or rd_e_gerdtot)"
        )
    if not _KEY.fullmatch(key or "all"):
        raise SpecError(f"{key!r} is not an SDMX key (codes joined by '.', alternatives by '+')")
    spec = spec or DEFAULT_SPECS[source]
    url = f"{base_url(source)}/data/{flow}/{key or 'all'}"
    params = {}
    if years:
        params = {"startPeriod": str(years[0]), "endPeriod": str(years[1])}
    fetcher = Fetcher(source, options or FetchOptions())
    what = f"data {flow}/{key or 'all'}"
    single = flow.split(",")[1] if "," in flow else flow

    def parse(resp: Any) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
        if resp.status_code == 404:
            raise InputError(f"{source} {what}: no results (HTTP 404){_error_text(resp.content)}")
        obs, prepared = read_sdmx_body(resp.content, f"{source} {what}")
        return (*_to_long(obs, spec, f"{source} {what}", single), prepared)

    try:
        long, aggregates, prepared = fetcher.get_parsed(
            url, params, parse, what=what, headers={"Accept": GENERIC}, ok=(200, 404)
        )
    finally:
        fetcher.close()
    series = list(dict.fromkeys(long["series"].tolist() + aggregates["series"].tolist()))
    provenance = {
        "source": source,
        "dataset": flow,
        "query": {"flow": flow, "key": key or "all", "years": list(years) if years else None},
        "spec": {
            "unit": spec.unit,
            "time": spec.time,
            "series": list(spec.series) if spec.series else None,
        },
        "last_updated": prepared,
        "requests": fetcher.log,
    }
    return Fetched(data=long, provenance=provenance, series=series, aggregates=aggregates)


def read_sdmx_body(content: bytes, what: str) -> tuple[pd.DataFrame, str | None]:
    """An SDMX-ML 2.1 generic data message or an SDMX-CSV body as a flat table.

    Returns one row per observation (a column per dimension plus ``value``) and the
    message's ``Prepared`` time (SDMX-ML only).
    """
    head = content.lstrip()[:1]
    if head == b"<":
        return _read_xml(content, what)
    if not content.strip():
        raise InputError(f"{what}: the response body is empty")
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{what}: the body is neither SDMX-ML nor SDMX-CSV ({exc})") from None
    if "OBS_VALUE" not in frame.columns:
        raise InputError(
            f"{what}: the body is neither SDMX-ML nor SDMX-CSV (no OBS_VALUE column; found {list(frame.columns)[:6]})"
        )
    # SDMX-CSV: DATAFLOW (and Eurostat's LAST UPDATE), the dimensions, TIME_PERIOD, OBS_VALUE,
    # then the attributes (OBS_FLAG, ...), which must not name series: keep up to OBS_VALUE.
    cols = list(frame.columns)
    updated = frame["LAST UPDATE"].iloc[0] if "LAST UPDATE" in cols and len(frame) else None
    keep = [c for c in cols[: cols.index("OBS_VALUE") + 1] if c not in _CSV_META]
    frame = frame[keep].rename(columns={"OBS_VALUE": "value"})
    text = frame["value"].str.strip()
    blank = text.isin(["", ":", "NaN"])
    number = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = number.isna() & ~blank
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"{what}: OBS_VALUE {text.iloc[i]!r} on line {i + 2} is not a number")
    frame["value"] = number
    return frame, updated


def _read_xml(content: bytes, what: str) -> tuple[pd.DataFrame, str | None]:
    try:
        import sdmx
        from lxml import etree
    except ImportError:  # pragma: no cover - part of the 'sources' extra
        raise InputError("reading SDMX-ML needs sdmx1: pip install 'innovindex[sources]'") from None

    try:
        root = etree.fromstring(
            content, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{what}: malformed SDMX-ML ({exc})") from None
    if etree.QName(root).localname == "Error":
        raise InputError(f"{what}: SDMX error{_error_text(content)}")
    try:
        msg = sdmx.read_sdmx(io.BytesIO(content))
    except Exception as exc:  # sdmx1 raises several types for a message it cannot read
        raise InputError(
            f"{what}: cannot read the SDMX-ML message ({type(exc).__name__}: {str(exc)[:120]})"
        ) from None
    datasets = getattr(msg, "data", None) or []
    if not datasets:
        raise InputError(f"{what}: the SDMX message holds no data set (expected generic data)")
    parts = []
    for ds in datasets:
        if not ds.obs:
            continue
        try:
            s = sdmx.to_pandas(ds)
        except Exception as exc:  # sdmx1 cannot tabulate this data set
            raise InputError(
                f"{what}: cannot tabulate the SDMX data set ({type(exc).__name__}: {str(exc)[:120]})"
            ) from None
        frame = s.reset_index()
        frame.columns = [*frame.columns[:-1], "value"]
        parts.append(frame)
    prepared = getattr(getattr(msg, "header", None), "prepared", None)
    flat = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["value"])
    return flat, prepared.isoformat() if prepared is not None else None


def _error_text(content: bytes) -> str:
    """The texts of an SDMX-ML error message, or the start of a plain body."""
    try:
        from lxml import etree

        root = etree.fromstring(
            content, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
        texts = [
            " ".join((t.text or "").split())
            for t in root.iter()
            if etree.QName(t).localname == "Text"
        ]
        codes = [e.get("code") for e in root.iter() if etree.QName(e).localname == "ErrorMessage"]
        text = "; ".join(t for t in texts if t)
        if text:
            return f": {text}" + (f" (code {codes[0]})" if codes and codes[0] else "")
    except Exception:  # not XML: show the start of the body
        pass
    body = " ".join(content[:200].decode("utf-8", "replace").split())
    return f": {body}" if body else ""


def _to_long(
    obs: pd.DataFrame, spec: SdmxSpec, what: str, single: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    obs = obs[obs["value"].notna()] if "value" in obs.columns else obs
    if obs.empty:
        raise InputError(f"{what}: the query returned no observations")
    for dim, role in ((spec.unit, "unit"), (spec.time, "time")):
        if dim not in obs.columns:
            dims = [c for c in obs.columns if c != "value"]
            raise InputError(f"{what}: no dimension {dim!r} for the {role}; the data has {dims}")
    others = [c for c in obs.columns if c not in (spec.unit, spec.time, "value")]
    if spec.series is not None:
        missing = [d for d in spec.series if d not in obs.columns]
        if missing:
            raise InputError(
                f"{what}: series dimension(s) {missing} not in the data; it has {others}"
            )
        naming = list(spec.series)
    else:
        naming = [c for c in others if obs[c].nunique() > 1]
    period = obs[spec.time].astype(str)
    annual = period.str.fullmatch(r"\d{4}(-A1)?")
    if not annual.all():
        bad = period[~annual].iloc[0]
        raise InputError(f"{what}: period {bad!r} is not a year; iData is annual (ask for FREQ A)")
    if naming:
        name = obs[naming].astype(str).agg(".".join, axis=1)
    else:
        name = pd.Series(single, index=obs.index)
    if spec.prefix:
        name = spec.prefix + "." + name
    units = obs[spec.unit].astype(str)
    agg = ~units.str.fullmatch(r"[A-Z]{2,3}")
    codes = units.map(_iso3) if spec.iso3 else units
    agg = agg | codes.isna()
    long = pd.DataFrame(
        {
            "uCode": codes.fillna(units),
            "uName": units,
            "Time": period.str[:4].astype(int),
            "series": name,
            "value": obs["value"].astype(float),
        }
    )
    dup = long.duplicated(["uCode", "Time", "series"])
    if dup.any():
        r = long[dup].iloc[0]
        raise InputError(
            f"{what}: several observations for {r['uCode']} {r['Time']} {r['series']}; "
            f"name the series by more dimensions (they differ in {[c for c in others if c not in naming]})"
        )
    return (
        long[~agg][LONG_COLUMNS].reset_index(drop=True),
        long[agg][LONG_COLUMNS].reset_index(drop=True),
    )


def _iso3(code: str) -> Any:
    if len(code) == 3:
        return code
    if code in _EUROSTAT_ISO2:
        return _EUROSTAT_ISO2[code]
    return iso2_to_iso3(code)
