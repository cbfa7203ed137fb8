"""Recipes: one iData assembled from several sources, series mapped to framework indicators.

A recipe is a YAML file (or a built-in name such as ``self_reliance_wdi``)::

    name: my_recipe
    framework: self_reliance_wdi      # optional: check every indicator of it is produced
    years: 2012-2021                  # optional; the CLI's --years wins
    countries: null                   # optional ISO3 list; the CLI's --countries wins
    empty_years: drop                 # drop (default, with a warning) or keep years where an
                                      # indicator has no value for any unit
    sources:
      wdi: {source: worldbank, series: [IP.PAT.RESD, IP.PAT.NRES, SP.POP.TOTL]}
      msti: {source: oecd, flow: DSD_MSTI@DF_MSTI, key: .A.G.PT_B1GQ}
      pat: {source: wipo, file: downloads/office_totals.csv, series: wipo_total}
    denominators:                     # extra iData columns for the denominate step
      POP: SP.POP.TOTL
    indicators:
      - code: RES_SHARE               # the iData column = framework iCode
        name: Resident share of patent applications
        unit: share (0-1)
        direction: 1
        derive: {share: [IP.PAT.RESD, IP.PAT.NRES]}     # a / (a + b)
      - {code: PAT_PC, from: IP.PAT.RESD, denominator: POP, direction: 1, unit: count}

``from`` names a fetched series (``label:series`` when two sources share a code); ``scale``
multiplies it. ``derive`` is one of ``ratio [a, b]`` (a / b), ``share [a, b]``
(a / (a + b)), ``sum [a, ...]``, ``difference [a, b]`` (a - b) or ``product [a, b]``,
whose operands are fetched series or other indicators (a cycle is an error). A zero
denominator gives a missing value, never an infinity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .._identity import canonical
from ..errors import SpecError
from ._derive import OPERATIONS

__all__ = ["Recipe", "Derived", "IndicatorSpec", "load_recipe", "builtin_recipes"]

_TOP_KEYS = {
    "name",
    "description",
    "framework",
    "years",
    "countries",
    "empty_years",
    "sources",
    "denominators",
    "indicators",
}
_IND_KEYS = {
    "code",
    "name",
    "unit",
    "direction",
    "denominator",
    "from",
    "scale",
    "derive",
    "weight",
    "parent",
    "notes",
}
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
_SOURCE_KEYS: dict[str, tuple[set[str], set[str]]] = {
    # source: (required, allowed)
    "worldbank": ({"series"}, {"source", "series", "countries", "years"}),
    "uis": ({"series"}, {"source", "series", "countries", "years"}),
    "oecd": ({"flow"}, {"source", "flow", "key", "years", "unit", "time", "series_dims", "prefix"}),
    "eurostat": (
        {"flow"},
        {"source", "flow", "key", "years", "unit", "time", "series_dims", "prefix"},
    ),
    "wipo": ({"file"}, {"source", "file", "series"}),
}


@dataclass(frozen=True)
class Derived:
    """A measure computed from other columns: ``op`` applied to ``args`` in order."""

    op: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorSpec:
    """One output column: its code, metadata, and where its values come from."""

    code: str
    name: str
    unit: str | None = None
    direction: int = 1
    denominator: str | None = None
    source: str | None = None  # a fetched series reference ("IP.PAT.RESD" or "wdi:IP.PAT.RESD")
    scale: float = 1.0
    derive: Derived | None = None
    weight: float = 1.0
    parent: str | None = None


@dataclass
class Recipe:
    """A parsed, checked recipe. Build it with :func:`load_recipe`."""

    name: str
    sources: dict[str, dict[str, Any]]
    indicators: list[IndicatorSpec]
    denominators: dict[str, str] = field(default_factory=dict)
    framework: str | None = None
    years: str | None = None
    countries: list[str] | None = None
    empty_years: str = "drop"
    description: str = ""
    path: str = ""

    def order(self) -> list[IndicatorSpec]:
        """Indicators in an order where every derived one follows its operands."""
        codes = {i.code: i for i in self.indicators}
        done: list[IndicatorSpec] = []
        state: dict[str, int] = {}

        def visit(code: str, trail: list[str]) -> None:
            if state.get(code) == 2:
                return
            if state.get(code) == 1:
                loop = trail[trail.index(code) :] + [code]
                raise SpecError(
                    f"recipe {self.name!r}: derived indicators form a cycle: {' -> '.join(loop)}"
                )
            state[code] = 1
            spec = codes[code]
            for arg in spec.derive.args if spec.derive else ():
                if arg in codes:
                    visit(arg, [*trail, code])
            state[code] = 2
            done.append(spec)

        for i in self.indicators:
            visit(i.code, [])
        return done


def builtin_recipes() -> list[str]:
    """Names of the recipes shipped with innovindex."""
    root = resources.files("innovindex.sources.recipes")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def load_recipe(recipe: str | Path) -> Recipe:
    """Read and check a recipe file or built-in recipe name.

    Raises
    ------
    SpecError
        On an unknown key or source, a missing field, a bad code or operation, a reference
        to a series no source fetches, an unknown denominator, or a cycle of derived measures.
    """
    from ..io.yamlfiles import read_yaml

    text = str(recipe)
    if text in builtin_recipes():
        res = resources.files("innovindex.sources.recipes").joinpath(f"{text}.yaml")
        with resources.as_file(res) as p:
            raw = read_yaml(p, "recipe")
        where, folder = f"builtin:{text}", None
    else:
        p = Path(text)
        if not p.is_file():
            raise SpecError(
                f"recipe not found: {text} (a YAML file or a built-in: {builtin_recipes()})"
            )
        raw = read_yaml(p, "recipe")
        where, folder = str(p), p.parent
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: a recipe is a mapping with 'sources' and 'indicators'")
    return _parse(raw, where, folder)


def _parse(raw: Mapping[str, Any], where: str, folder: Path | None) -> Recipe:
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise SpecError(
            f"{where}: unknown recipe key(s) {sorted(unknown)}; expected {sorted(_TOP_KEYS)}"
        )
    name = str(raw.get("name") or Path(where).stem)
    sources = _sources(raw.get("sources"), where, folder)
    fetched = _fetched_names(sources)
    denoms = raw.get("denominators") or {}
    if not isinstance(denoms, dict):
        raise SpecError(f"{where}: 'denominators' must map a column name to a fetched series")
    denominators = {canonical(str(k)): canonical(str(v)) for k, v in denoms.items()}
    items = raw.get("indicators")
    if not isinstance(items, list) or not items:
        raise SpecError(f"{where}: 'indicators' must be a non-empty list")
    indicators = [_indicator(x, where, n) for n, x in enumerate(items, start=1)]
    codes = [i.code for i in indicators]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise SpecError(f"{where}: indicator code(s) {dup} appear more than once")
    clash = sorted(set(codes) & set(denominators))
    if clash:
        raise SpecError(f"{where}: {clash} are both an indicator and a denominator")
    for col, ref in denominators.items():
        _resolve(ref, fetched, where, f"denominator {col!r}")
    for ind in indicators:
        if ind.source is not None:
            _resolve(ind.source, fetched, where, f"indicator {ind.code!r}")
        for arg in ind.derive.args if ind.derive else ():
            if arg not in codes:
                _resolve(arg, fetched, where, f"indicator {ind.code!r}")
        if ind.denominator is not None and ind.denominator not in denominators:
            raise SpecError(
                f"{where}: indicator {ind.code!r} names denominator {ind.denominator!r}, "
                f"which is not under 'denominators' ({sorted(denominators)})"
            )
    empty_years = str(raw.get("empty_years", "drop"))
    if empty_years not in ("drop", "keep"):
        raise SpecError(f"{where}: empty_years must be 'drop' or 'keep'; got {empty_years!r}")
    countries = raw.get("countries")
    recipe = Recipe(
        name=name,
        sources=sources,
        indicators=indicators,
        denominators=denominators,
        framework=str(raw["framework"]) if raw.get("framework") else None,
        years=str(raw["years"]) if raw.get("years") is not None else None,
        countries=[str(c) for c in countries]
        if isinstance(countries, list)
        else (str(countries).split(",") if countries else None),
        empty_years=empty_years,
        description=str(raw.get("description") or ""),
        path=where,
    )
    recipe.order()  # refuses cycles now, before anything is fetched
    return recipe


def _sources(raw: Any, where: str, folder: Path | None) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict) or not raw:
        raise SpecError(
            f"{where}: 'sources' must map a label to a source, e.g. wdi: {{source: worldbank, series: [...]}}"
        )
    out: dict[str, dict[str, Any]] = {}
    for label, spec in raw.items():
        if not isinstance(spec, dict) or "source" not in spec:
            raise SpecError(
                f"{where}: source {label!r} needs a 'source' key (one of {sorted(_SOURCE_KEYS)})"
            )
        kind = str(spec["source"])
        if kind not in _SOURCE_KEYS:
            raise SpecError(
                f"{where}: source {label!r}: unknown source {kind!r}; expected one of {sorted(_SOURCE_KEYS)}"
            )
        required, allowed = _SOURCE_KEYS[kind]
        missing = sorted(required - set(spec))
        if missing:
            raise SpecError(f"{where}: source {label!r} ({kind}) needs {missing}")
        extra = sorted(set(spec) - allowed)
        if extra:
            raise SpecError(
                f"{where}: source {label!r} ({kind}): unknown key(s) {extra}; allowed {sorted(allowed)}"
            )
        spec = dict(spec)
        if "series" in spec and kind in ("worldbank", "uis"):
            series = spec["series"]
            if isinstance(series, str):
                series = [series]
            if not isinstance(series, list) or not series:
                raise SpecError(
                    f"{where}: source {label!r}: 'series' must be a non-empty list of codes"
                )
            spec["series"] = [canonical(str(s)) for s in series]
        if kind == "wipo":
            f = Path(str(spec["file"]))
            spec["file"] = str(f if f.is_absolute() or folder is None else folder / f)
        out[str(label)] = spec
    return out


def _fetched_names(sources: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """Series code -> labels of the sources that fetch it; ``label:*`` for a source whose
    series are only known after fetching (SDMX; WIPO, whose columns depend on the origins
    and types in the file)."""
    names: dict[str, list[str]] = {}
    for label, spec in sources.items():
        if spec["source"] in ("worldbank", "uis"):
            for s in spec["series"]:
                names.setdefault(s, []).append(label)
        else:
            names.setdefault(f"{label}:*", []).append(label)
    return names


def _resolve(ref: str, fetched: dict[str, list[str]], where: str, who: str) -> None:
    """Check that a series reference names something a source fetches (as far as is known)."""
    label, _, code = ref.rpartition(":")
    open_labels = [k[:-2] for k in fetched if k.endswith(":*")]
    if label:
        if code in fetched and label in fetched[code]:
            return
        if label in open_labels:
            return
        raise SpecError(f"{where}: {who} uses {ref!r}, which source {label!r} does not fetch")
    if code in fetched:
        if len(fetched[code]) > 1:
            raise SpecError(
                f"{where}: {who} uses {code!r}, which several sources fetch ({fetched[code]}); write label:{code}"
            )
        return
    if open_labels:
        return  # may come from an SDMX or WIPO source; checked again after fetching
    known = sorted(k for k in fetched if not k.endswith(":*"))
    raise SpecError(
        f"{where}: {who} uses series {code!r}, which no source of the recipe fetches (fetched: {known})"
    )


def _indicator(raw: Any, where: str, n: int) -> IndicatorSpec:
    if not isinstance(raw, dict) or "code" not in raw:
        raise SpecError(f"{where}: indicator {n} must be a mapping with a 'code'")
    code = canonical(str(raw["code"]))
    if not _CODE.fullmatch(code):
        raise SpecError(
            f"{where}: indicator {n}: {code!r} is not a usable code (letters, digits, _ . -)"
        )
    extra = sorted(set(raw) - _IND_KEYS)
    if extra:
        raise SpecError(
            f"{where}: indicator {code!r}: unknown key(s) {extra}; allowed {sorted(_IND_KEYS)}"
        )
    has_from, has_derive = "from" in raw, "derive" in raw
    if has_from == has_derive:
        raise SpecError(
            f"{where}: indicator {code!r} needs exactly one of 'from' (a series) or 'derive'"
        )
    derive = _derive(raw["derive"], where, code) if has_derive else None
    try:
        direction = int(raw.get("direction", 1))
        scale = float(raw.get("scale", 1.0))
        weight = float(raw.get("weight", 1.0))
    except (TypeError, ValueError):
        raise SpecError(
            f"{where}: indicator {code!r}: direction, scale and weight must be numbers"
        ) from None
    if direction not in (1, -1):
        raise SpecError(f"{where}: indicator {code!r}: direction must be 1 or -1; got {direction}")
    return IndicatorSpec(
        code=code,
        name=str(raw.get("name") or code),
        unit=str(raw["unit"]) if raw.get("unit") is not None else None,
        direction=direction,
        denominator=canonical(str(raw["denominator"])) if raw.get("denominator") else None,
        source=canonical(str(raw["from"])) if has_from else None,
        scale=scale,
        derive=derive,
        weight=weight,
        parent=str(raw["parent"]) if raw.get("parent") else None,
    )


def _derive(raw: Any, where: str, code: str) -> Derived:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise SpecError(
            f"{where}: indicator {code!r}: derive must be one operation, e.g. {{ratio: [a, b]}}"
        )
    op, args = next(iter(raw.items()))
    if op not in OPERATIONS:
        raise SpecError(
            f"{where}: indicator {code!r}: unknown operation {op!r}; expected one of {sorted(OPERATIONS)}"
        )
    arity = OPERATIONS[op][0]
    if not isinstance(args, list) or (arity is not None and len(args) != arity) or len(args) < 2:
        need = f"{arity}" if arity is not None else "two or more"
        raise SpecError(f"{where}: indicator {code!r}: {op} takes {need} operands; got {args!r}")
    return Derived(op=str(op), args=tuple(canonical(str(a)) for a in args))
