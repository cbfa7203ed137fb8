"""Long patent work reports progress: the generator advances a bar chunk by chunk."""

from __future__ import annotations

import pyarrow.parquet as pq

from innovindex.patents.synthetic import generate_patstat


def test_generator_reports_each_chunk(tmp_path):
    seen: list[int] = []
    paths = generate_patstat(2_500, tmp_path, seed=3, chunk=1_000, progress=seen.append)
    assert seen == [1_000, 1_000, 500]
    assert pq.read_metadata(paths["tls201"]).num_rows == sum(seen)
