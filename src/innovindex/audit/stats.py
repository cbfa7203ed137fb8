"""Statistical coherence of a built index (COINr's ``get_stats``, ``get_corr``, ``get_cronbach``,
``get_PCA``, ``get_eff_wts``).

Every function takes an :class:`~innovindex.Index` and returns tidy pandas frames. Values of
indicators come from a named dataset (``raw``, ``treated``, ``normalised``, ...); values of
aggregates always come from the ``aggregated`` dataset.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import DataWarning, SpecError
from ..framework import Framework
from ..index import Index
from ..methods.treat import kurtosis as _kurt
from ..methods.treat import skew as _skew

__all__ = [
    "correlations",
    "cronbach_alpha",
    "effective_weights",
    "indicator_stats",
    "pca",
]


def indicator_stats(
    index: Index,
    dset: str = "raw",
    *,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unique: float = 0.5,
) -> pd.DataFrame:
    """Per-indicator statistics and flags (COINr ``get_stats``, same thresholds and rules).

    Skew and kurtosis are the Excel (type 2) estimators. Flags: ``flag_avail`` "LOW" when
    the available share < ``t_avail``; ``flag_nonzero`` "LOW" when non-zero values / units
    < ``t_zero``; ``flag_unique`` "LOW" when unique values / units < ``t_unique``;
    ``flag_skew_kurt`` "OUT" when ``|skew| > t_skew`` and ``kurtosis > t_kurt``.

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``iCode, min, max, mean, median, sd, skew, kurtosis, n_avail,
        n_nonzero, n_unique, n_same, frc_avail, frc_nonzero, frc_zero, frc_unique, frc_same``
        and the four flags.
    """
    data = index.stage(dset)
    n = len(data)
    rows = []
    for code in data.columns:
        x = data[code].to_numpy(dtype=np.float64)
        v = x[~np.isnan(x)]
        na = v.size
        nz = int(np.count_nonzero(v))
        uniq, counts = np.unique(v, return_counts=True)
        sk = _skew(v) if na > 2 else np.nan
        kt = _kurt(v) if na > 3 else np.nan
        rows.append(
            {
                "iCode": code,
                "min": v.min() if na else np.nan,
                "max": v.max() if na else np.nan,
                "mean": v.mean() if na else np.nan,
                "median": np.median(v) if na else np.nan,
                "sd": v.std(ddof=1) if na > 1 else np.nan,
                "skew": sk,
                "kurtosis": kt,
                "n_avail": na,
                "n_nonzero": nz,
                "n_unique": uniq.size,
                "n_same": int(counts.max()) if na else 0,
                "frc_avail": na / n,
                "frc_nonzero": nz / na if na else np.nan,
                "frc_zero": (na - nz) / na if na else np.nan,
                "frc_unique": uniq.size / na if na else np.nan,
                "frc_same": counts.max() / na if na else np.nan,
                "flag_avail": "ok" if na / n >= t_avail else "LOW",
                "flag_nonzero": "ok" if nz / n >= t_zero else "LOW",
                "flag_unique": "ok" if uniq.size / n >= t_unique else "LOW",
                "flag_skew_kurt": "OUT" if (abs(sk) > t_skew and kt > t_kurt) else "ok",
            }
        )
    return pd.DataFrame(rows)


def _values(index: Index, dset: str) -> pd.DataFrame:
    """Indicators from ``dset`` beside every aggregate score."""
    ind = index.stage(dset)
    agg = index.scores()
    return pd.concat([ind, agg[[c for c in agg.columns if c not in ind.columns]]], axis=1)


def correlations(
    index: Index,
    dset: str = "normalised",
    method: str = "pearson",
    *,
    weak: float = 0.3,
    collinear: float = 0.9,
) -> pd.DataFrame:
    """Correlations within levels (siblings) and between levels (each element and its ancestors).

    Pairwise-complete observations. ``flag``: ``negative`` (r < 0), ``weak`` (0 <= r < ``weak``,
    only between an element and an ancestor), ``collinear`` (r > ``collinear``, only between
    siblings), otherwise ``ok``.

    Returns
    -------
    pandas.DataFrame
        ``kind`` ("within" or "between"), ``x``, ``level_x``, ``y``, ``level_y``, ``method``,
        ``r``, ``flag``.
    """
    if method not in ("pearson", "spearman"):
        raise SpecError(f"correlation method must be 'pearson' or 'spearman'; got {method!r}")
    fw = index.framework
    vals = _values(index, dset)
    corr = vals.corr(method="pearson" if method == "pearson" else "spearman", min_periods=3)
    pos = {c: i for i, c in enumerate(corr.columns)}
    R = corr.to_numpy(dtype=np.float64)  # pairwise-complete observations
    rows = []
    for parent in fw.aggregates:
        kids = fw.children(parent)
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                r = float(R[pos[a], pos[b]])
                flag = "negative" if r < 0 else "collinear" if r > collinear else "ok"
                rows.append(("within", a, fw.level(a), b, fw.level(b), method, r, flag))
    for code in fw.iter_tree():
        for anc in fw.lineage(code)[1:]:
            r = float(R[pos[code], pos[anc]])
            flag = "negative" if r < 0 else "weak" if r < weak else "ok"
            rows.append(("between", code, fw.level(code), anc, fw.level(anc), method, r, flag))
    cols = ["kind", "x", "level_x", "y", "level_y", "method", "r", "flag"]
    return pd.DataFrame(rows, columns=cols)


def _members(fw: Framework, code: str, level: int) -> list[str]:
    if fw.level(code) <= level:
        raise SpecError(
            f"{code!r} is at level {fw.level(code)}; its members must be at a lower level than {level}"
        )
    return fw.descendants(code, level)


def cronbach_alpha(index: Index, dset: str = "normalised", level: int = 1) -> pd.DataFrame:
    """Cronbach's alpha of each aggregate over its members at ``level`` (COINr ``get_cronbach``).

    ``alpha = k^2 * mean(off-diagonal covariances) / sum(covariance matrix)``, with
    pairwise-complete covariances, for the ``k`` members.

    Returns
    -------
    pandas.DataFrame
        ``aggregate, level, k, alpha``.
    """
    fw = index.framework
    vals = _values(index, dset)
    rows = []
    for agg in fw.aggregates:
        if fw.level(agg) <= level:
            continue
        members = _members(fw, agg, level)
        k = len(members)
        alpha = np.nan
        if k > 1:
            C = vals[members].cov().to_numpy()  # pairwise complete, ddof=1
            off = C[~np.eye(k, dtype=bool)]
            total = C.sum()  # the variance of the members' sum
            if np.isfinite(total) and abs(total) > 1e-12 * max(1.0, float(np.abs(C).max())):
                alpha = k**2 * off.mean() / total
            else:  # members that cancel out (or are constant): alpha is undefined
                warnings.warn(
                    f"Cronbach's alpha of {agg!r} is undefined: the sum of its {k} members has "
                    "no variance (they cancel out or are constant); reported as missing",
                    DataWarning,
                    stacklevel=2,
                )
        rows.append({"aggregate": agg, "level": fw.level(agg), "k": k, "alpha": alpha})
    return pd.DataFrame(rows)


def pca(
    index: Index, dset: str = "normalised", level: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Principal components of each aggregate's members at ``level`` (COINr ``get_PCA``).

    As R's ``prcomp(na.omit(x), center = TRUE, scale. = TRUE)``: units with any missing member
    are dropped, members are standardised, and components come from the singular value
    decomposition. Each component's sign is set so that its loadings sum to a positive number.

    Returns
    -------
    variance : pandas.DataFrame
        ``aggregate, component, variance, proportion, cumulative``.
    loadings : pandas.DataFrame
        ``aggregate, component, iCode, loading``.
    """
    fw = index.framework
    vals = _values(index, dset)
    var_rows, load_rows = [], []
    for agg in fw.aggregates:
        if fw.level(agg) <= level:
            continue
        members = _members(fw, agg, level)
        X = vals[members].dropna().to_numpy(dtype=np.float64)
        if len(members) < 2 or X.shape[0] < 2:
            continue
        sd = X.std(axis=0, ddof=1)
        if np.any(sd == 0):
            continue
        Z = (X - X.mean(axis=0)) / sd
        _, s, Vt = np.linalg.svd(Z, full_matrices=False)
        variance = s**2 / (X.shape[0] - 1)
        total = variance.sum()
        for j, v in enumerate(variance):
            comp = f"PC{j + 1}"
            sign = 1.0 if Vt[j].sum() >= 0 else -1.0
            var_rows.append((agg, comp, v, v / total, variance[: j + 1].sum() / total))
            load_rows += [(agg, comp, m, sign * Vt[j, i]) for i, m in enumerate(members)]
    variance_df = pd.DataFrame(
        var_rows, columns=["aggregate", "component", "variance", "proportion", "cumulative"]
    )
    loadings_df = pd.DataFrame(load_rows, columns=["aggregate", "component", "iCode", "loading"])
    return variance_df, loadings_df


def effective_weights(framework: Framework | Index) -> pd.DataFrame:
    """Each element's share of the index (COINr ``get_eff_wts``): weights normalised within
    each parent, then multiplied down the tree. They sum to 1 at every level.

    Returns
    -------
    pandas.DataFrame
        ``iCode, level, parent, weight, eff_weight``.
    """
    fw = framework.framework if isinstance(framework, Index) else framework
    w = fw.weights
    eff: dict[str, float] = {}
    for code in sorted(fw.iter_tree(), key=fw.level, reverse=True):
        parent = fw.parent(code)
        sibs = (
            fw.children(parent) if parent else [c for c in fw.iter_tree() if fw.parent(c) is None]
        )
        total = sum(w[s] for s in sibs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            share = w[code] / total if total > 0 else float("nan")
        eff[code] = share * (eff[parent] if parent else 1.0)
    return pd.DataFrame(
        [
            {
                "iCode": c,
                "level": fw.level(c),
                "parent": fw.parent(c),
                "weight": w[c],
                "eff_weight": eff[c],
            }
            for c in fw.iter_tree()
        ]
    )
