"""Pipeline steps, one module each, in the order a build usually runs them."""

from ._base import Stage, Step
from .aggregate import Aggregate
from .denominate import Denominate
from .impute import Impute
from .normalise import Normalise
from .screen import Screen
from .treat import Treat

#: Pipeline key -> step class: the only place a spec key becomes a step.
STEPS: dict[str, type[Step]] = {
    cls.name: cls for cls in (Denominate, Impute, Screen, Treat, Normalise, Aggregate)
}

__all__ = [
    "STEPS",
    "Aggregate",
    "Denominate",
    "Impute",
    "Normalise",
    "Screen",
    "Stage",
    "Step",
    "Treat",
]
