"""Frameworks shipped with innovindex, each an iMeta CSV plus a default pipeline YAML.

``NAME.csv`` is the iMeta table and ``NAME.yaml`` its default pipeline (optional).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd
import yaml

from ...errors import InputError

__all__ = ["available", "load_builtin_meta", "load_builtin_pipeline"]


def available() -> list[str]:
    """Names of the built-in frameworks."""
    root = resources.files(__name__)
    return sorted(p.name[:-4] for p in root.iterdir() if p.name.endswith(".csv"))


def load_builtin_meta(name: str) -> pd.DataFrame:
    """The iMeta table of a built-in framework."""
    if name not in available():
        raise InputError(f"unknown built-in framework {name!r}; available: {available()}")
    with resources.files(__name__).joinpath(f"{name}.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh)


def load_builtin_pipeline(name: str) -> dict[str, Any] | None:
    """The default pipeline spec of a built-in framework, or None if it has none."""
    res = resources.files(__name__).joinpath(f"{name}.yaml")
    if not res.is_file():
        return None
    with res.open("r", encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    return dict(spec) if spec else {}
