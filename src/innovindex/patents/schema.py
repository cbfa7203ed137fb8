"""The canonical patent schema: three tables every importer produces.

``applications``  one row per application

    ==============  =========  ==================================================
    appln_id        string     unique key (importer-prefixed, e.g. ``KR20010069326``)
    office          string     2-letter filing office / authority (ST.3), upper case
    filing_date     date       null when unknown
    filing_year     int32      null when unknown (PATSTAT's 9999 becomes null)
    priority_year   int32      earliest priority year; null when unknown
    kind            string     application kind (A patent, U utility model, W PCT ...)
    family_id       string     DOCDB family or similar, may be null
    granted         bool       null when the source does not say
    ==============  =========  ==================================================

``classifications``  one row per (application, IPC symbol)

    ==============  =========  ==================================================
    appln_id        string
    ipc             string     normalised PATSTAT form, e.g. ``H04N   5/44``
    position        int32      1 = first listed
    ==============  =========  ==================================================

``parties``  one row per (application, role, sequence)

    ==============  =========  ==================================================
    appln_id        string
    role            string     ``applicant`` or ``inventor``
    sequence        int32      1 = first-named in that role
    country         string     ST.3 residence code, null when unknown
    name            string
    ==============  =========  ==================================================
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from ..errors import InputError

__all__ = [
    "APPLICATIONS",
    "CLASSIFICATIONS",
    "PARTIES",
    "REGIONAL_OFFICES",
    "SCHEMAS",
    "SIDE_TABLES",
    "TABLE_NAMES",
    "COUNTRY_CODES",
    "conform",
    "is_country_code",
]

APPLICATIONS = pa.schema(
    [
        ("appln_id", pa.string()),
        ("office", pa.string()),
        ("filing_date", pa.date32()),
        ("filing_year", pa.int32()),
        ("priority_year", pa.int32()),
        ("kind", pa.string()),
        ("family_id", pa.string()),
        ("granted", pa.bool_()),
    ]
)
CLASSIFICATIONS = pa.schema(
    [("appln_id", pa.string()), ("ipc", pa.string()), ("position", pa.int32())]
)
PARTIES = pa.schema(
    [
        ("appln_id", pa.string()),
        ("role", pa.string()),
        ("sequence", pa.int32()),
        ("country", pa.string()),
        ("name", pa.string()),
    ]
)
SCHEMAS: Mapping[str, pa.Schema] = {
    "applications": APPLICATIONS,
    "classifications": CLASSIFICATIONS,
    "parties": PARTIES,
}
# Store table names: other parts of innovindex share the DuckDB file, hence the prefix.
TABLE_NAMES: Mapping[str, str] = {k: f"patent_{k}" for k in SCHEMAS}

#: Tables other packages keep in the store, one set of rows per patent data set (a
#: ``dataset`` column), derived from that data set and read by indicators beside the
#: patent tables. They travel with a data set exported to Parquet (:mod:`.export`), are
#: opened from such a folder under the same name (:func:`.backends.open_tables`), and an
#: import that changes a data set removes its rows (they describe the old records). The
#: one list of them: the patents package knows their names only, never what they hold
#: (``firm_applicants``: the applicant mapping of :mod:`innovindex.firms.store`).
SIDE_TABLES: tuple[str, ...] = ("firm_applicants",)

# Regional and international authorities: reported on their own rows, never as national
# offices (EPO, PCT/WIPO, Eurasian, ARIPO, OAPI, GCC Patent Office).
REGIONAL_OFFICES = frozenset({"EP", "WO", "EA", "AP", "OA", "GC"})

_ISO = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW XK
"""
# Former states still found in patent records, and WIPO ST.3 codes of IP organisations.
_HISTORIC = "SU DD CS YU AN ZR"
_ORGANISATIONS = "EP WO EA AP OA GC EM IB BX QZ XN XU XV"
COUNTRY_CODES = frozenset((_ISO + _HISTORIC + " " + _ORGANISATIONS).split())


def is_country_code(code: str) -> bool:
    """True if ``code`` is a known WIPO ST.3 two-letter code (country or organisation)."""
    return code in COUNTRY_CODES


def conform(name: str, table: pa.Table, *, source: str = "<table>") -> pa.Table:
    """Check a table against its canonical schema and return it in canonical column order.

    Extra columns are dropped; integer and string widths are cast when lossless.

    Raises
    ------
    InputError
        If a column is missing or cannot be cast to its canonical type.
    """
    schema = SCHEMAS[name]
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise InputError(
            f"{name} table lacks column(s) {missing}; expected {schema.names}, "
            f"found {table.column_names}",
            file=source,
        )
    cols = []
    for f in schema:
        col = table[f.name]
        if col.type != f.type:
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InputError(
                    f"cannot read as {f.type}: {exc}", file=source, column=f"{name}.{f.name}"
                ) from None
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=schema)
