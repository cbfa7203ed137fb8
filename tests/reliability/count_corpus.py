"""Count the bad-input corpus (issue 8 wants >= 150 cases across CLI, importers and API).

A case is one collected test item of a hostile-input test: every item of the files listed
whole, and the items of the named tests elsewhere. Run it from the repository root:

    PYTHONPATH=src .venv/bin/python tests/reliability/count_corpus.py
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: (path, test name prefix or "" for every item of the file, what the cases are about)
SOURCES = [
    ("tests/reliability/test_corpus.py", "", "CLI: build, audit, demo, store (issue 8)"),
    ("tests/reliability/test_store.py", "", "store file: refusals, locks, temp files"),
    ("tests/reliability/test_outputs.py", "", "outputs: replacement, renames, leftovers"),
    ("tests/reliability/test_limits.py", "", "limits: memory, YAML budget, line capping"),
    ("tests/reliability/test_numbers.py", "", "numbers: NaN and missing scores said"),
    ("tests/cli/test_build_cli.py", "test_bad_input", "CLI: build bad input"),
    ("tests/cli/test_build_cli.py", "test_usage_errors", "CLI: usage errors"),
    ("tests/cli/test_build_cli.py", "test_output_never", "CLI: outputs"),
    ("tests/audit/test_refusals.py", "", "audit refusals"),
    ("tests/unit/test_framework.py", "test_validation_names_the_row", "framework validation"),
    ("tests/patents/test_patents_bad_input.py", "", "patent importers"),
    ("tests/web", "test_bad", "API bad requests (when the API exists)"),
]


def count() -> tuple[Counter[str], int]:
    """Items per source and the total."""
    counts: Counter[str] = Counter()
    paths = sorted({p for p, _, _ in SOURCES if (REPO / p).exists()})
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *paths],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    items = [line.strip() for line in out.splitlines() if "::" in line]
    for item in items:
        path, _, name = item.partition("::")
        for src, prefix, what in SOURCES:
            if (path == src or path.startswith(src.rstrip("/") + "/")) and name.startswith(prefix):
                counts[what] += 1
                break
    return counts, sum(counts.values())


if __name__ == "__main__":
    counts, total = count()
    for what, n in counts.most_common():
        print(f"{n:5d}  {what}")
    print(f"{total:5d}  total bad-input cases")
