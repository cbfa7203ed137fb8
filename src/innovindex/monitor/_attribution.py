"""The numerical core of change attribution, vectorised over rows (unit-year pairs).

A score is ``f(x, b, m)``: the values the unit's own observed data give (``x``), the
normalisation bounds of the year (``b``), and the values of indicators that were imputed or
missing in either year (``m``). Going from year 0 to year 1 switches all three; the change is
split among them by the Shapley value of the three-player game (8 evaluations of the whole
tree, exact: the three effects add up to ``f(1,1,1) - f(0,0,0)``).

Each marginal step (one factor switched, the others held) is then split by indicator with an
exact rule for power means, applied node by node down the tree. For a node with power ``p``
(1 arithmetic, 0 geometric, -1 harmonic), write ``g = sum(w_i y_i)`` with ``y = v**p`` (``log v``
for p = 0) and renormalised weights ``w``. Then ``dV = R * dg`` with ``R = dV / dg`` (the secant;
the derivative when ``dg`` is 0), and ``dg`` splits exactly into per-child terms:

* children present in both states: ``mean(w) * dy`` (value) + ``mean(y) * dw`` (presence);
* children present in one state only: ``w y`` (presence).

Value terms go down to the child's own children (scaled by ``dy / dv``); presence terms (which
only exist where the set of available children changes) are shared among the children that
appeared or disappeared, by weight, and within each by its indicators' effective weights.
Everything adds up exactly; for arithmetic means ``R = 1`` and the split is the familiar
``weight x change``; for geometric means it is the logarithmic-mean (LMDI) split.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..framework import Framework
from ..stage import Stage
from ..steps import STEPS

__all__ = ["Tree", "attribute", "normalise"]

_POWER = {"arithmetic": 1.0, "geometric": 0.0, "harmonic": -1.0}
_EPS = 1e-12


@dataclass
class Tree:
    """The framework as arrays, with the fitted aggregation step that scores it."""

    fw: Framework
    agg: Any
    cols: list[str]  # indicator codes then aggregate codes (the columns of node values)
    power: dict[str, float]

    @classmethod
    def build(cls, fw: Framework, spec: dict[str, Any]) -> Tree:
        params = spec.get("aggregate")
        if params is None or params is False:
            raise SpecError("the run has no aggregate step: there is no score to explain")
        agg = STEPS["aggregate"](**(params if isinstance(params, dict) else {}))
        inds = list(fw.indicators)
        dummy = Stage(
            values=pd.DataFrame(np.ones((1, len(inds))), columns=inds),
            units=pd.DataFrame(index=[0]),
            framework=fw,
        )
        agg.fit(dummy)
        power = {}
        for level, lp in agg.level_params_.items():  # type: ignore[attr-defined]
            method = lp["method"]
            if method == "generalised":
                p = float(lp["p"])
            elif method in _POWER:
                p = _POWER[method]
            else:
                raise SpecError(
                    f"aggregation {method!r} (level {level}) has no exact additive decomposition; "
                    "explain works with arithmetic, geometric, harmonic and generalised means"
                )
            for code in fw.codes_at(level):
                power[code] = p
        return cls(fw=fw, agg=agg, cols=[*inds, *fw.aggregates], power=power)

    @property
    def needs_positive(self) -> bool:
        return any(p <= 0 or p != int(p) for p in self.power.values())

    def evaluate(self, N: np.ndarray) -> np.ndarray:
        """Node values (rows x cols) of normalised indicator values ``N`` (rows x indicators)."""
        inds = list(self.fw.indicators)
        st = Stage(
            values=pd.DataFrame(N, columns=inds),
            units=pd.DataFrame(index=range(len(N))),
            framework=self.fw,
        )
        out = self.agg.transform(st).values
        return np.asarray(out[self.cols].to_numpy(dtype=float))


def normalise(X: np.ndarray, B: dict[str, np.ndarray], floor: bool = False) -> np.ndarray:
    """What the Normalise step computes with bounds ``B`` (arrays rows x indicators), exactly."""
    lo, up, r0, r1, d = B["lower"], B["upper"], B["range_lo"], B["range_hi"], B["direction"]
    span = up - lo
    const = span == 0
    safe = np.where(const, 1.0, span)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(d > 0, (X - lo) / safe, (up - X) / safe)
        n = share * (r1 - r0) + r0
    n = np.where(const & ~np.isnan(X), (r0 + r1) / 2.0, n)
    if floor:  # counterfactual states of positive-only means: a value <= 0 (impossible in a
        # real year, where the build succeeded) is held at the bottom of the range
        n = np.where(n <= 0, r0, n)
    return np.asarray(n, dtype=float)


def _T(v: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(v) if p == 0 else v**p


def _dT(v: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 / v if p == 0 else p * v ** (p - 1.0)


def _effective(tree: Tree, V: np.ndarray, code: str, rows: np.ndarray) -> np.ndarray:
    """Effective weights (len(rows) x indicators) of ``code``'s indicators in node values V."""
    fw = tree.fw
    col = {c: j for j, c in enumerate(tree.cols)}
    n_ind = len(fw.indicators)
    out = np.zeros((rows.size, n_ind))
    if fw.level(code) == 1:
        out[:, col[code]] = 1.0
        return out
    kids = list(fw.children(code))
    w = np.array([fw.weights[k] for k in kids])
    P = ~np.isnan(V[np.ix_(rows, np.array([col[k] for k in kids]))])
    W = P * w
    tot = W.sum(axis=1, keepdims=True)
    W = np.divide(W, tot, out=np.zeros_like(W), where=tot > 0)
    for j, k in enumerate(kids):
        if W[:, j].any():
            out += W[:, [j]] * _effective(tree, V, k, rows)
    return out


def split_step(tree: Tree, Va: np.ndarray, Vb: np.ndarray, top: str) -> np.ndarray:
    """Per-indicator split (rows x indicators) of ``Vb[top] - Va[top]``; rows sum to it exactly."""
    fw = tree.fw
    col = {c: j for j, c in enumerate(tree.cols)}
    n_rows = Va.shape[0]
    contrib = np.zeros((n_rows, len(fw.indicators)))
    K = {top: np.ones(n_rows)}
    order = [
        c for c in reversed(fw.aggregates) if c in set(fw.descendants(top, fw.level(c))) or c == top
    ]
    for g in order:
        if g not in K or not K[g].any():
            continue
        kids = list(fw.children(g))
        kc = [col[k] for k in kids]
        p = tree.power[g]
        w = np.array([fw.weights[k] for k in kids])
        A, B = Va[:, kc], Vb[:, kc]
        Pa, Pb = ~np.isnan(A), ~np.isnan(B)
        Wa, Wb = Pa * w, Pb * w
        sa, sb = Wa.sum(axis=1, keepdims=True), Wb.sum(axis=1, keepdims=True)
        Wa = np.divide(Wa, sa, out=np.zeros_like(Wa), where=sa > 0)
        Wb = np.divide(Wb, sb, out=np.zeros_like(Wb), where=sb > 0)
        Ya, Yb = np.where(Pa, _T(A, p), 0.0), np.where(Pb, _T(B, p), 0.0)
        dg = (Wb * Yb).sum(axis=1) - (Wa * Ya).sum(axis=1)
        dV = Vb[:, col[g]] - Va[:, col[g]]
        with np.errstate(invalid="ignore", divide="ignore"):
            deriv = 1.0 / _dT(Va[:, col[g]], p)
            R = np.where(np.abs(dg) > _EPS * (1 + np.abs(_T(Va[:, col[g]], p))), dV / dg, deriv)
        R = np.where(np.isfinite(R), R, 0.0)
        common, changed = Pa & Pb, Pa ^ Pb
        mw = 0.5 * (Wa + Wb)
        value = np.where(common, mw * (Yb - Ya), 0.0)
        presence = np.where(common, 0.5 * (Ya + Yb) * (Wb - Wa), 0.0).sum(axis=1)
        presence += np.where(changed, Wb * Yb - Wa * Ya, 0.0).sum(axis=1)
        wp = np.where(changed, np.where(Pb, Wb, Wa), 0.0)
        tot = wp.sum(axis=1, keepdims=True)
        share = np.divide(wp, tot, out=np.zeros_like(wp), where=tot > 0)
        KR = K[g] * R
        for j, k in enumerate(kids):
            cj = KR * value[:, j]
            if fw.level(k) == 1:
                contrib[:, col[k]] += cj
            else:
                dv = B[:, j] - A[:, j]
                with np.errstate(invalid="ignore", divide="ignore"):
                    secant = np.where(
                        np.abs(dv) > _EPS * (1 + np.abs(A[:, j])),
                        (Yb[:, j] - Ya[:, j]) / dv,
                        _dT(A[:, j], p),
                    )
                K[k] = np.where(common[:, j], KR * mw[:, j] * secant, 0.0)
            amount = KR * presence * share[:, j]
            rows = np.flatnonzero(changed[:, j] & (amount != 0))
            if rows.size:
                Vp = np.where(Pb[rows, j][:, None], Vb[rows], Va[rows])
                E = _effective(tree, np.vstack([Vp]), k, np.arange(rows.size))
                contrib[rows] += amount[rows][:, None] * E
    return contrib


#: Shapley weights of the marginal steps of a three-player game, by coalition size.
_SHAPLEY = {0: 1.0 / 3.0, 1: 1.0 / 6.0, 2: 1.0 / 3.0}


def attribute(
    tree: Tree,
    X0: np.ndarray,
    X1: np.ndarray,
    own: np.ndarray,
    B0: dict[str, np.ndarray],
    B1: dict[str, np.ndarray],
    top: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split ``f(year 1) - f(year 0)`` of ``top`` into own-data, bounds and missing-data effects.

    Parameters
    ----------
    X0, X1
        Values entering normalisation (rows x indicators), NaN where missing.
    own
        True where the indicator was observed in both years (the unit's own data); the others
        (imputed or missing in either year) form the missing-data factor.
    B0, B1
        Normalisation bounds per row and indicator.

    Returns
    -------
    contributions : ndarray (3, rows, indicators)
        Own data, bounds, missing data; the sum over effects and indicators is exactly
        ``V1[top] - V0[top]`` (to rounding).
    V0, V1 : ndarray (rows, nodes)
        Node values in the two real states (to check against the recorded scores).
    """
    floor = tree.needs_positive
    col = tree.cols.index(top)
    states: dict[tuple[int, int, int], np.ndarray] = {}
    for d in (0, 1):
        for m in (0, 1):
            X = np.where(own, X1 if d else X0, X1 if m else X0)
            for b in (0, 1):
                real = (d, b, m) in ((0, 0, 0), (1, 1, 1))
                states[(d, b, m)] = tree.evaluate(
                    normalise(X, B1 if b else B0, floor=floor and not real)
                )
    out = np.zeros((3, X0.shape[0], X0.shape[1]))
    for f in range(3):
        for s in [(i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1)]:
            if s[f]:
                continue
            to = list(s)
            to[f] = 1
            weight = _SHAPLEY[sum(s)]
            out[f] += weight * split_step(tree, states[s], states[tuple(to)], top)  # type: ignore[index]
    _ = col
    return out, states[(0, 0, 0)], states[(1, 1, 1)]
