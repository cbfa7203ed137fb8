"""The notebook entry points: ``build`` one cross-section, ``build_panel`` every year."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError, SpecError
from .framework import Framework
from .framework.builtin import available, load_builtin_pipeline
from .index import Index
from .io.idata import check_data, read_data, split_by_time
from .pipeline import Pipeline
from .steps import Stage
from .steps.impute import OVER_TIME, impute_panel

__all__ = ["build", "build_panel", "resolve_framework", "resolve_pipeline", "load_data"]

DataLike = pd.DataFrame | str | Path
FrameworkLike = Framework | str | Path
PipelineLike = Pipeline | dict[str, Any] | str | Path | None


def resolve_framework(framework: FrameworkLike) -> Framework:
    """A Framework from itself, a built-in name (``"gii2019"``) or an iMeta file path."""
    if isinstance(framework, Framework):
        return framework
    if isinstance(framework, str) and framework in available():
        return Framework.builtin(framework)
    if isinstance(framework, str) and not Path(framework).suffix and not Path(framework).exists():
        raise InputError(f"unknown built-in framework {framework!r}; available: {available()}")
    return Framework.read(framework)


def resolve_pipeline(pipeline: PipelineLike, framework: Framework) -> Pipeline:
    """A Pipeline from itself, a spec, a YAML path, or None (the framework's default, else COINr's)."""
    if isinstance(pipeline, Pipeline):
        return pipeline
    if pipeline is None and framework.source.startswith("builtin:"):
        spec = load_builtin_pipeline(framework.source.split(":", 1)[1])
        if spec is not None:
            return Pipeline.from_spec(spec, source=f"{framework.source} default pipeline")
    return Pipeline.from_spec(pipeline)


def load_data(data: DataLike, framework: Framework) -> pd.DataFrame:
    """Checked iData from a frame or a CSV/XLSX/Parquet path."""
    if isinstance(data, pd.DataFrame):
        return check_data(data, framework)
    return read_data(data, framework)


def build(
    data: DataLike,
    framework: FrameworkLike,
    pipeline: PipelineLike = None,
    *,
    time: int | None = None,
) -> Index:
    """Build a composite index for one cross-section.

    Parameters
    ----------
    data
        iData (frame or file). With several ``Time`` values, pass ``time`` or use
        :func:`build_panel`.
    framework
        A :class:`Framework`, a built-in name such as ``"gii2019"``, or an iMeta file.
    pipeline
        A :class:`Pipeline`, a spec dict, a YAML file, or None for the framework's default
        pipeline (COINr's treat / min-max / arithmetic mean when it has none).

    Examples
    --------
    >>> import innovindex as ii
    >>> from innovindex.demo import demo_world
    >>> idx = ii.build(demo_world(seed=1, years=[2024]), "gii2019")
    >>> int(idx.ranks()["GII"].min())
    1
    """
    panel = build_panel(data, framework, pipeline, times=None if time is None else [time])
    if len(panel) > 1:
        raise SpecError(
            f"the data has {len(panel)} Time values {sorted(t for t in panel if t is not None)}; pass time= or use build_panel()"
        )
    return next(iter(panel.values()))


def build_panel(
    data: DataLike,
    framework: FrameworkLike,
    pipeline: PipelineLike = None,
    *,
    times: list[int] | None = None,
    progress: bool = False,
    reference_year: int | None = None,
    panel_impute: dict[str, Any] | None = None,
) -> dict[int | None, Index]:
    """Build the index for every ``Time`` of the data (or the given ``times``).

    Imputation over years (``impute: {method: linear}`` or ``constant``) runs on the whole
    panel first; every other step runs within each year. ``progress=True`` shows a Rich
    progress bar on stderr.

    ``reference_year``: treatment caps and normalisation bounds are fitted on that year and
    applied to every year (see :mod:`innovindex.monitor.reference`). ``panel_impute``:
    ``{"method": "carry_forward" | "linear" | "constant", "max_gap": N}`` imputes each unit's
    series over years before anything else (see :func:`innovindex.monitor.impute.impute_panel`).
    """
    fw = resolve_framework(framework)
    pipe = resolve_pipeline(pipeline, fw)
    df = load_data(data, fw)
    missing_before = df[list(fw.indicators)].isna()  # cells imputed over years stay "imputed"
    if panel_impute:
        from .monitor.impute import impute_panel as impute_over_time

        if "Time" not in df.columns:
            raise SpecError("imputation over years needs a 'Time' column in the data")
        df = impute_over_time(df, list(fw.indicators), **panel_impute)
    if "impute" in pipe and pipe["impute"].get_params()["method"] in OVER_TIME:
        if "Time" not in df.columns:
            raise SpecError("imputation over years needs a 'Time' column in the data")
        df = impute_panel(df, list(fw.indicators), pipe["impute"].get_params()["method"])
    stages = split_by_time(df, fw)
    for t, stage in stages.items():
        empty = stage.indicators.columns[stage.indicators.isna().all().to_numpy()]
        if len(empty):
            when = f" in Time {t}" if t is not None else ""
            raise InputError(
                f"indicator(s) {list(empty)[:5]} have no data{when}: every value is missing; "
                "drop them from the framework or impute over years (impute: {method: linear})",
                column=str(empty[0]),
            )
    if times is not None:
        missing = sorted(set(times) - set(stages))
        if missing:
            raise SpecError(
                f"Time value(s) {missing} are not in the data; it has {sorted(k for k in stages if k is not None)}"
            )
        stages = {t: stages[t] for t in times}
    reference = None
    if reference_year is not None:
        from .monitor.reference import ReferenceFit

        full = split_by_time(df, fw)
        if reference_year not in full:
            raise SpecError(
                f"reference year {reference_year} is not in the data; it has {sorted(k for k in full if k is not None)}"
            )
        reference = ReferenceFit(pipe, full[reference_year])
    spec = pipe.to_spec()
    out: dict[int | None, Index] = {}
    items: Iterable[tuple[int | None, Stage]] = stages.items()
    if progress:
        from rich.console import Console
        from rich.progress import track

        items = track(
            items, description="Building years", console=Console(stderr=True), transient=True
        )
    for t, stage in items:
        outputs, fitted = pipe.run_stage(stage) if reference is None else reference.run_stage(stage)
        out[t] = Index(framework=fw, spec=copy.deepcopy(spec), stages=outputs, steps=fitted, time=t)
        rows = df.index if t is None else df.index[df["Time"] == t]
        over_time = missing_before.loc[rows].set_axis(df.loc[rows, "uCode"].to_numpy())
        if over_time.to_numpy().any():
            out[t].provenance["imputed_over_time"] = over_time
        if panel_impute:
            out[t].provenance["panel_impute"] = dict(panel_impute)
    return out
