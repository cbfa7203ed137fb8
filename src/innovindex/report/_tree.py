"""The framework tree of a recorded run, as a flat table the views can draw."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InnovindexError

__all__ = ["run_tree"]

_COLUMNS = ["code", "name", "level", "parent", "weight", "type"]


def run_tree(source: str, scores: pd.DataFrame, meta_json: object = None) -> pd.DataFrame:
    """``code, name, level, parent, weight, type`` for the run's framework.

    The store records the run's iMeta as JSON (``framework_meta``); older runs only record
    where it came from (``builtin:NAME`` or an iMeta path). When neither can be read (a moved file, imported published results), the tree is
    rebuilt from the stored scores: every code at its level, names unknown, no parents.
    """
    from ..framework import Framework

    fw = None
    try:
        if isinstance(meta_json, str) and meta_json:
            import json

            fw = Framework.from_frame(pd.DataFrame(json.loads(meta_json)), source=source)
        elif source.startswith("builtin:"):
            fw = Framework.builtin(source.split(":", 1)[1])
        elif source and Path(source).is_file():
            fw = Framework.read(source)
    except (InnovindexError, OSError, ValueError):
        fw = None
    if fw is not None:
        meta = fw.meta
        out = pd.DataFrame(
            {
                "code": meta["iCode"].astype(str),
                "name": meta["iName"],
                "level": meta["Level"],
                "parent": meta["Parent"].where(meta["Parent"].notna(), None),
                "weight": meta["Weight"],
                "type": meta["Type"],
            }
        )
        out = out[out["type"].isin(["Indicator", "Aggregate", "Ratio"])]
        out["level"] = out["level"].astype("Int64")
        return out.sort_values("level", ascending=False, kind="stable").reset_index(drop=True)
    codes = scores[["code", "level"]].drop_duplicates("code")
    out = pd.DataFrame(
        {
            "code": codes["code"].astype(str),
            "name": codes["code"].astype(str),
            "level": codes["level"].astype("Int64"),
            "parent": None,
            "weight": 1.0,
            "type": ["Aggregate" if pd.notna(v) else "Ratio" for v in codes["level"]],
        }
    )
    return out.sort_values(["level", "code"], ascending=[False, True]).reset_index(drop=True)
