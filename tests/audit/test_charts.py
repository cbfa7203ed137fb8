"""Audit charts: self-contained Plotly HTML written without importing plotly's Python side."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from innovindex.audit.charts import rank_interval_chart, write_chart


def test_rank_interval_html_holds_the_figure_and_plotly_js(tmp_path: Path) -> None:
    stats = pd.DataFrame(
        {"uCode": ["B", "A", "C"], "nominal": [2.0, 1.0, np.nan], "median": [2.0, 1.0, 3.0],
         "q5": [1.0, 1.0, 2.0], "q95": [3.0, 2.0, 3.0]}
    )  # fmt: skip
    files = write_chart(rank_interval_chart(stats), tmp_path, "rank_intervals")
    assert files.png is None and files.png_note is None
    page = files.html.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # plotly.js is inlined
    data_json, layout_json = re.search(  # type: ignore[union-attr]
        r'Plotly\.newPlot\("chart", (.*), (.*), \{"responsive": true\}\);', page
    ).groups()
    data, layout = json.loads(data_json), json.loads(layout_json)
    assert data[0]["x"] == ["A", "B"] and data[0]["y"] == [1.0, 2.0]  # by nominal rank
    assert data[0]["error_y"]["array"] == [1.0, 1.0] and data[1]["y"] == [1.0, 2.0]
    assert layout["yaxis"]["autorange"] == "reversed" and "template" in layout


def test_charts_do_not_import_plotly(tmp_path: Path) -> None:
    code = (
        "import sys, pandas as pd; from innovindex.audit.charts import rank_interval_chart, "
        "write_chart; s = pd.DataFrame({'uCode': ['A'], 'nominal': [1.0], 'median': [1.0], "
        f"'q5': [1.0], 'q95': [1.0]}}); write_chart(rank_interval_chart(s), {str(tmp_path)!r}, 'x'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'plotly'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
