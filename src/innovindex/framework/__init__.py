"""Index frameworks: the indicator tree, weights, directions and fixed scales."""

from .tree import ELEMENT_TYPES, REQUIRED_COLUMNS, Framework

__all__ = ["Framework", "REQUIRED_COLUMNS", "ELEMENT_TYPES"]
