"""The audit of a composite index: statistical coherence, Monte Carlo uncertainty and Sobol
sensitivity, evaluated by a batched engine instead of one rebuild per replication.

>>> import innovindex as ii                                           # doctest: +SKIP
>>> idx = ii.build("ASEM_iData.csv", "ASEM_iMeta.csv", pipeline)      # doctest: +SKIP
>>> ua = ii.audit.uncertainty(idx, "uncertainty.yaml", n=1000)        # doctest: +SKIP
>>> sa = ii.audit.sensitivity(idx, "uncertainty.yaml", n=1024)        # doctest: +SKIP
"""

from .engine import Engine, Evaluation, rank_rows
from .report import AuditReport, coherence_tables, run_audit
from .sensitivity import SensitivityResult, saltelli_design, sensitivity, sobol_indices
from .spec import UncertaintySpec, load_spec
from .stats import correlations, cronbach_alpha, effective_weights, indicator_stats, pca
from .uncertainty import UncertaintyResult, rank_statistics, uncertainty
from .weights import RemovalResult, WeightOptimisation, optimise_weights, remove_elements

__all__ = [
    "AuditReport",
    "Engine",
    "Evaluation",
    "RemovalResult",
    "SensitivityResult",
    "UncertaintyResult",
    "UncertaintySpec",
    "WeightOptimisation",
    "coherence_tables",
    "correlations",
    "cronbach_alpha",
    "effective_weights",
    "indicator_stats",
    "load_spec",
    "optimise_weights",
    "pca",
    "rank_rows",
    "rank_statistics",
    "remove_elements",
    "run_audit",
    "saltelli_design",
    "sensitivity",
    "sobol_indices",
    "uncertainty",
]
