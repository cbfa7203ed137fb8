"""Response models of the REST API (they define the OpenAPI schema at ``/openapi.json``).

Numbers a run may lack (a score for an economy outside the sample, a rank that was not
computed) are nullable; every error is ``{"detail": "one line"}``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(_Model):
    """Every error response: one line saying what is wrong and where."""

    detail: str


class RunSummary(_Model):
    """One recorded run."""

    run_id: str
    created: str | None
    kind: str | None = None
    label: str | None
    dataset: str | None = None
    framework: str | None
    synthetic: bool
    years: list[int]
    n_units: int
    innovindex_version: str | None


class RunDetail(RunSummary):
    """A run with what the views need to query it."""

    headline: str
    levels: list[int]
    codes: dict[str, list[str]] = Field(description="aggregate codes by level")
    group_attribute: str | None
    has_uncertainty: bool
    pipeline: Any = None
    seed: int | None = None
    inputs: Any = None
    warnings: Any = None


class ScoreRow(_Model):
    uCode: str
    uName: str | None
    code: str
    level: int | None
    score: float | None
    rank: int | None
    group: str | None = None


class Scores(_Model):
    """Scores and ranks of the units in one year."""

    run: str
    time: int
    level: int | None
    rows: list[ScoreRow]


class SeriesRow(_Model):
    time: int
    code: str
    score: float | None
    rank: int | None


class TimeSeries(_Model):
    """One unit's scores and ranks over the years."""

    run: str
    unit: str
    uName: str | None
    rows: list[SeriesRow]


class ProfileRow(_Model):
    code: str
    name: str
    level: int
    score: float | None
    rank: int | None
    n_units: int | None
    percentile: float | None
    flag: str


class Point(_Model):
    time: int
    score: float | None
    rank: int | None


class Group(_Model):
    attribute: str
    value: str


class Profile(_Model):
    """An economy profile in one year (strengths and weaknesses by the GII 2019 rule)."""

    run: str
    unit: str
    uName: str
    year: int
    synthetic: bool
    group: Group | None
    headline: ProfileRow | None
    scores: list[ProfileRow]
    indicators: list[ProfileRow]
    strengths: list[ProfileRow]
    weaknesses: list[ProfileRow]
    pillars: list[ProfileRow]
    timeseries: list[Point]
    rank_interval: dict[str, Any] | None


class Contribution(_Model):
    code: str
    name: str
    from_score: float | None
    to_score: float | None
    change: float | None
    contribution: float | None
    own_data: float | None
    bounds: float | None
    missing: float | None
    from_rank: int | None
    to_rank: int | None


class Explanation(_Model):
    """Why a unit's headline score changed between two years."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    run: str
    unit: str
    code: str
    from_: int = Field(alias="from")
    to: int
    method: str
    from_score: float | None
    to_score: float | None
    change: float | None
    from_rank: int | None
    to_rank: int | None
    effects: dict[str, float | None] | None
    contributions: list[Contribution]
    residual: float | None
    rank_moves: list[dict[str, Any]]


class Node(_Model):
    code: str
    name: str | None
    level: int | None
    parent: str | None
    weight: float | None
    type: str


class FrameworkTree(_Model):
    """The run's framework as a flat list of tree elements, top level first."""

    run: str
    nodes: list[Node]


class Uncertainty(_Model):
    """The audit's rank intervals of a run."""

    run: str
    rows: list[dict[str, Any]]


class Created(_Model):
    """A run recorded by a POST."""

    run_id: str
    kind: str
    years: list[int]
    n_units: int
    warnings: list[str]
