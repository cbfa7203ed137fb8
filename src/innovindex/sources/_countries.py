"""Two-letter to three-letter country codes, from country_converter's country table."""

from __future__ import annotations

import functools
from importlib import resources

import pandas as pd

__all__ = ["iso2_to_iso3"]


def iso2_to_iso3(code: str) -> str | None:
    """The ISO3 code of an ISO2 code, or None when it is not a country's (EP, EU27_2020, ...).

    Examples
    --------
    >>> iso2_to_iso3("DE"), iso2_to_iso3("NA"), iso2_to_iso3("EP")
    ('DEU', 'NAM', None)
    """
    return _table().get(code.upper())


@functools.cache
def _table() -> dict[str, str]:
    # Read as text: "NA" is Namibia. (country_converter's own converter trips over it
    # under pandas 3, so its table is read directly.)
    with resources.files("country_converter").joinpath("country_data.tsv").open("rb") as fh:
        data = pd.read_csv(fh, sep="\t", usecols=["ISO2", "ISO3"], dtype=str, keep_default_na=False)
    return {a: b for a, b in zip(data["ISO2"], data["ISO3"], strict=True) if a and b}
