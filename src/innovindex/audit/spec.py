"""The uncertainty specification: which assumptions vary, and over what.

A spec is a mapping (usually a YAML file)::

    seed: 1
    target: Index            # the aggregate whose ranks are studied (default: the root)
    design: sobol            # sensitivity design: sobol (quasi-random) or random (plain MC)
    bootstrap: 100           # bootstrap resamples for the Sobol intervals
    conf_level: 0.90         # width of those intervals
    assumptions:
      winmax: {values: [1, 2, 3, 4, 5]}          # or {range: [1, 5]} (whole numbers)
      normalise: {values: [{method: minmax, range: [1, 100]}, {method: zscore, mean: 10, sd: 2}]}
      weights: {noise: 0.25, levels: [2, 3], sets: 100}   # or {values: [{Conn: 1, Sust: 2}, ...]}
      aggregate: {values: [{method: arithmetic}, {method: geometric}]}
      impute: {values: [{method: group_mean, group: EurAsia_group}, {method: mean}]}
      exclude: {values: [[], [Flights], [CO2, Forest]]}

Assumptions are applied in the order written; that order is also the order of the Sobol
inputs. Each alternative of ``normalise``/``aggregate``/``impute`` is a set of parameters of
that pipeline step, applied with ``set_params`` on top of the nominal pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import SpecError
from ..io.yamlfiles import read_yaml

__all__ = [
    "COINR_EXAMPLE_UNCERTAINTY",
    "ASSUMPTION_KINDS",
    "Discrete",
    "UncertaintySpec",
    "WeightsNoise",
    "WinmaxSpec",
    "load_spec",
]

#: Assumption names the batched engine understands.
#: The uncertainty set-up of COINr's sensitivity vignette (EXPECTED.md C/D): winmax 1-5,
#: min-max [1, 100] or z-score (10, 2), 100 noisy weight sets at +/-25% on levels 2 and 3,
#: arithmetic or geometric mean.
COINR_EXAMPLE_UNCERTAINTY: dict[str, Any] = {
    "seed": 1,
    "assumptions": {
        "winmax": {"values": [1, 2, 3, 4, 5]},
        "normalise": {
            "values": [
                {"method": "minmax", "range": [1, 100]},
                {"method": "zscore", "mean": 10, "sd": 2},
            ]
        },
        "weights": {"noise": 0.25, "levels": [2, 3], "sets": 100},
        "aggregate": {"values": [{"method": "arithmetic"}, {"method": "geometric"}]},
    },
}

ASSUMPTION_KINDS = ("winmax", "normalise", "weights", "aggregate", "impute", "exclude")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Discrete(_Model):
    """A discrete assumption: one of ``values``, each equally likely."""

    values: list[Any] = Field(min_length=1)


class WinmaxSpec(_Model):
    """Outlier-treatment ``winmax``: explicit whole numbers, or a whole-number range."""

    values: list[StrictInt] | None = None
    range: tuple[StrictInt, StrictInt] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> WinmaxSpec:
        if (self.values is None) == (self.range is None):
            raise ValueError("give exactly one of 'values' (a list) or 'range' ([low, high])")
        if self.range is not None and self.range[1] - self.range[0] > 1000:
            raise ValueError(
                f"range spans {self.range[1] - self.range[0] + 1} values; at most 1001"
            )
        if self.range is not None and not 0 <= self.range[0] <= self.range[1]:
            raise ValueError(
                f"range must be [low, high] with 0 <= low <= high; got {list(self.range)}"
            )
        if self.values is not None and (not self.values or min(self.values) < 0):
            raise ValueError(
                f"values must be a non-empty list of whole numbers >= 0; got {self.values}"
            )
        return self

    def alternatives(self) -> list[int]:
        """The whole-number alternatives."""
        if self.values is not None:
            return list(self.values)
        assert self.range is not None
        return list(range(self.range[0], self.range[1] + 1))


class WeightsNoise(_Model):
    """Weights: noisy copies of the nominal weights, or explicit weight sets.

    ``noise`` = 0.25 multiplies each weight at the given ``levels`` by a uniform factor in
    [0.75, 1.25] (COINr ``get_noisy_weights``); ``sets`` such copies are drawn from the spec's
    seed and one is chosen per replication. ``values`` instead lists weight sets as
    ``{code: weight}`` mappings applied on top of the nominal weights.
    """

    noise: float | None = Field(default=None, ge=0.0, lt=1.0)
    levels: list[int] | None = None
    sets: int = Field(default=100, ge=1)
    values: list[dict[str, float]] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> WeightsNoise:
        if (self.noise is None) == (self.values is None):
            raise ValueError(
                "give either 'noise' (with 'levels') or 'values' (a list of weight sets)"
            )
        if self.noise is not None and not self.levels:
            raise ValueError("'noise' needs 'levels', e.g. levels: [2, 3]")
        if self.values is not None and not self.values:
            raise ValueError("'values' must list at least one weight set")
        return self


class UncertaintySpec(_Model):
    """A validated uncertainty specification (see the module docstring)."""

    seed: int | None = Field(default=None, ge=0, strict=True)
    target: str | None = None
    design: Literal["sobol", "random"] = "sobol"
    bootstrap: int = Field(default=100, ge=2)
    conf_level: float = Field(default=0.90, gt=0.0, lt=1.0)
    assumptions: dict[str, Any] = Field(min_length=1)

    @field_validator("assumptions", mode="after")
    @classmethod
    def _check_assumptions(cls, value: dict[str, Any]) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for name, body in value.items():
            if name not in ASSUMPTION_KINDS:
                raise ValueError(f"unknown assumption {name!r}; valid: {list(ASSUMPTION_KINDS)}")
            models: dict[str, type[_Model]] = {"winmax": WinmaxSpec, "weights": WeightsNoise}
            model = models.get(name, Discrete)
            try:
                parsed[name] = body if isinstance(body, _Model) else model.model_validate(body)
            except ValidationError as exc:
                raise ValueError(f"assumption {name!r}: {_first_error(exc)}") from None
            if name in ("normalise", "aggregate", "impute"):
                for i, alt in enumerate(parsed[name].values):
                    if not isinstance(alt, dict):
                        raise ValueError(
                            f"assumption {name!r}: alternative {i + 1} must be a mapping of "
                            f"{name} parameters, e.g. {{method: ...}}; got {alt!r}"
                        )
            if name == "exclude":
                for i, alt in enumerate(parsed[name].values):
                    if not (isinstance(alt, list) and all(isinstance(c, str) for c in alt)):
                        raise ValueError(
                            f"assumption 'exclude': alternative {i + 1} must be a list of element "
                            f"codes (possibly empty); got {alt!r}"
                        )
        return parsed

    @property
    def names(self) -> list[str]:
        """Assumption names in spec order (the Sobol inputs)."""
        return list(self.assumptions)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    found = err.get("input")
    shown = "" if isinstance(found, dict) else f" (found {found!r})"
    return f"{loc}: {msg}{shown}" if loc else f"{msg}{shown}"


def load_spec(spec: UncertaintySpec | dict[str, Any] | str | Path) -> UncertaintySpec:
    """Validate a spec given as a model, a mapping, or a YAML file path.

    Raises
    ------
    SpecError
        Naming the file, the offending key, what was expected and what was found.

    Examples
    --------
    >>> load_spec({"assumptions": {"winmax": {"range": [1, 3]}}}).assumptions["winmax"].alternatives()
    [1, 2, 3]
    """
    if isinstance(spec, UncertaintySpec):
        return spec
    source = "<uncertainty spec>"
    if isinstance(spec, str | Path):
        source = str(spec)
        spec = read_yaml(spec, "uncertainty spec file")
    if not isinstance(spec, dict):
        raise SpecError(
            f"{source}: expected a mapping with an 'assumptions' key; found {type(spec).__name__}"
        )
    try:
        return UncertaintySpec.model_validate(spec)
    except ValidationError as exc:
        raise SpecError(f"{source}: {_first_error(exc)}") from None
