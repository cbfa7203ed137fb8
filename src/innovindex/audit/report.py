"""One call for a whole audit: statistics, uncertainty (or Sobol sensitivity) and charts, as
named tables ready for :func:`innovindex.io.writers.write_tables`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..index import Index
from . import stats
from .engine import DEFAULT_MEMORY_CAP
from .sensitivity import SensitivityResult, sensitivity
from .spec import UncertaintySpec, load_spec
from .uncertainty import UncertaintyResult, uncertainty

__all__ = ["AuditReport", "run_audit", "coherence_tables"]


def coherence_tables(index: Index, dset: str = "normalised") -> dict[str, pd.DataFrame]:
    """Statistics (on raw data), Pearson and Spearman correlations, Cronbach's alpha, PCA and
    effective weights, keyed by output name."""
    variance, loadings = stats.pca(index, dset)
    corr = pd.concat(
        [stats.correlations(index, dset, "pearson"), stats.correlations(index, dset, "spearman")],
        ignore_index=True,
    )
    return {
        "stats": stats.indicator_stats(index, "raw"),
        "correlations": corr,
        "cronbach": stats.cronbach_alpha(index, dset),
        "pca_variance": variance,
        "pca_loadings": loadings,
        "effective_weights": stats.effective_weights(index),
    }


@dataclass(frozen=True)
class AuditReport:
    """Tables of an audit and the analysis behind them."""

    tables: dict[str, pd.DataFrame]
    uncertainty: UncertaintyResult | None
    sensitivity: SensitivityResult | None
    info: dict[str, Any] = field(default_factory=dict)

    def charts(self) -> dict[str, Any]:
        """Plotly figures: ``rank_intervals`` and, after a Sobol run, ``sobol``."""
        from .charts import rank_interval_chart, sobol_chart

        figs = {"rank_intervals": rank_interval_chart(self.tables["rank_stats"])}
        if "sobol" in self.tables:
            figs["sobol"] = sobol_chart(self.tables["sobol"])
        return figs


def run_audit(
    index: Index,
    spec: UncertaintySpec | dict[str, Any] | str | Path,
    n: int,
    *,
    sobol: bool = False,
    seed: int | None = None,
    memory_cap: int = DEFAULT_MEMORY_CAP,
    n_jobs: int | None = None,
    progress: bool = False,
) -> AuditReport:
    """Coherence tables plus an uncertainty analysis (``n`` replications) or, with ``sobol``,
    a Sobol sensitivity analysis (``n * (d + 2)`` replications; rank statistics then come
    from its ``2n`` independent A and B rows, as in COINr)."""
    sp = load_spec(spec)
    tables = coherence_tables(index)
    ua = sa = None
    kw: dict[str, Any] = {
        "seed": seed,
        "memory_cap": memory_cap,
        "n_jobs": n_jobs,
        "progress": progress,
    }
    if sobol:
        sa = sensitivity(index, sp, n, **kw)
        tables["rank_stats"] = sa.rank_stats
        tables["sobol"] = sa.indices
        reps, target, used_seed = len(sa.params), sa.target, sa.seed
        replications = sa.params.frame()
        replications["output"] = sa.y
    else:
        ua = uncertainty(index, sp, n, **kw)
        tables["rank_stats"] = ua.rank_stats
        reps, target, used_seed = len(ua.params), ua.target, ua.seed
        replications = ua.params.frame()
    tables["replications"] = replications.reset_index()
    info = {
        "audit": {
            "analysis": "sensitivity" if sobol else "uncertainty",
            "n": n,
            "replications": reps,
            "seed": used_seed,
            "target": target,
            "spec": sp.model_dump(mode="json"),
            "notes": sa.notes if sa is not None else [],
        }
    }
    return AuditReport(tables, ua, sa, info)
