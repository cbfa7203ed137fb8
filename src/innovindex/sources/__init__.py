"""Data connectors: public statistics fetched into iData, with a record of where they came from.

* World Bank Indicators API v2 (:func:`fetch_worldbank`), OECD and Eurostat through SDMX with
  sdmx1 (:func:`fetch_sdmx`), the keyless UNESCO UIS Data API (:func:`fetch_uis`);
* WIPO IP Statistics Data Center downloads (:func:`read_wipo`), as iData or store tables;
* recipes (:func:`load_recipe`, :func:`assemble`): one iData from several sources, series mapped
  to framework indicators, derived measures computed;
* an on-disk response cache with a time-to-live and an offline mode (:class:`FetchOptions`);
* a provenance sidecar beside every written file (:func:`write_fetched`, :func:`read_sidecar`).

Requests go through requests-cache and sdmx1 (the ``sources`` extra), imported when used.
"""

from __future__ import annotations

from ._http import FetchOptions, base_url, default_cache_dir
from .assemble import SOURCES, assemble, fetch, recipe_meta
from .provenance import Fetched, read_sidecar, sidecar_path, to_idata, write_fetched
from .recipe import Recipe, builtin_recipes, load_recipe
from .sdmx import SdmxSpec, fetch_sdmx
from .uis import fetch_uis
from .wipo import read_wipo, store_wipo, wipo_to_fetched
from .worldbank import fetch_worldbank

__all__ = [
    "SOURCES",
    "FetchOptions",
    "Fetched",
    "Recipe",
    "SdmxSpec",
    "assemble",
    "base_url",
    "builtin_recipes",
    "default_cache_dir",
    "fetch",
    "fetch_sdmx",
    "fetch_uis",
    "fetch_worldbank",
    "load_recipe",
    "read_sidecar",
    "read_wipo",
    "recipe_meta",
    "sidecar_path",
    "store_wipo",
    "to_idata",
    "wipo_to_fetched",
    "write_fetched",
]
