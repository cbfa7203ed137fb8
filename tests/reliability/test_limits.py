"""Bounded resources and messages: audit sizes against a memory limit, YAML expansion,
error-line capping."""

from __future__ import annotations

from pathlib import Path

import pytest

from innovindex._limits import audit_bytes, memory_limit, parse_size
from innovindex.cli import MAX_ERROR_LINE, one_line
from innovindex.errors import SpecError
from innovindex.io.yamlfiles import MAX_NODES, load_yaml

from .conftest import run_cli, write_world


def _audit(w: dict[str, Path], *extra: object) -> tuple[int | None, str]:
    code, err, exc = run_cli(
        [
            "audit",
            "--data",
            w["data"],
            "--meta",
            w["meta"],
            "--uncertainty",
            w["spec"],
            "--out",
            w["dir"] / "audit",
            "--no-png",
            *extra,
        ]
    )
    assert exc is None
    return code, err


def test_sobol_billion_is_refused_with_the_estimate(tmp_path: Path, monkeypatch) -> None:
    w = write_world(tmp_path)
    monkeypatch.setenv("INNOVINDEX_MEMORY_LIMIT", "8GiB")
    code, err = _audit(w, "--n", "1000000000", "--sobol")
    assert code == 2
    # 2 assumptions: 4e9 replications x (8 units x 2 floats + design) bytes, far above 8 GiB
    expected = audit_bytes(4_000_000_000, 8, 2, 7) / 1024**3
    assert f"~{expected:.1f} GiB; the limit is 8.0 GiB" in err
    assert err.startswith("error: N=1000000000 (4000000000 replications) would need")


def test_limit_option_overrides_the_environment(tmp_path: Path, monkeypatch) -> None:
    w = write_world(tmp_path)
    monkeypatch.setenv("INNOVINDEX_MEMORY_LIMIT", "1KB")
    code, err = _audit(w, "--n", "50")
    assert code == 2 and "the limit is 1,000 bytes" in err
    code, err = _audit(w, "--n", "50", "--memory-limit", "1GiB")
    assert code == 0, err
    assert (w["dir"] / "audit" / "rank_stats.csv").exists()


def test_memory_limit_parsing() -> None:
    assert parse_size("2GiB") == 2 * 1024**3
    assert parse_size("1.5 GB") == 1_500_000_000
    assert parse_size("4096") == 4096
    with pytest.raises(SpecError, match="must be a size"):
        parse_size("-1GB")
    with pytest.raises(SpecError, match="at least 1 byte"):
        parse_size("0")
    assert memory_limit(None) > 0  # half the machine's memory by default


def test_yaml_expansion_is_bounded() -> None:
    # width 10, 5 levels: 10**5 leaf values > MAX_NODES
    text = "a0: &a0 [" + ", ".join(["x"] * 10) + "]\n"
    for i in range(1, 6):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    with pytest.raises(SpecError, match=f"more than {MAX_NODES:,} values"):
        load_yaml(text, "bomb.yaml")
    # The same shape below the budget is read, aliases shared as YAML says.
    small = load_yaml("a: &a [1, 2]\nb: [*a, *a]\n", "ok.yaml")
    assert small == {"a": [1, 2], "b": [[1, 2], [1, 2]]}
    with pytest.raises(SpecError, match="recursive alias"):
        load_yaml("treat: &a {winmax: [*a]}\n", "rec.yaml")
    with pytest.raises(SpecError, match="deep"):
        load_yaml("x: " + "[" * 5000 + "]" * 5000, "deep.yaml")


def test_error_lines_are_capped_with_the_place_first() -> None:
    long = "data.csv, row 7, column 'a1': expected a number, found '" + "z" * 10_000 + "'"
    line = one_line(long)
    assert len(line) == MAX_ERROR_LINE and line.startswith("data.csv, row 7, column 'a1'")
    assert line.endswith("more characters cut]")
    assert one_line("two\nlines\tand  tabs") == "two lines and tabs"


def test_database_errors_are_one_line_as_a_last_line_of_defence(tmp_path: Path, monkeypatch):
    """A DuckDB error no module turned into an InputError still ends in one line, exit 2."""
    import duckdb

    import innovindex.building

    def broken(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException("IO Error: disk I/O\nsecond line\n" + "x" * 5000)

    monkeypatch.setattr(innovindex.building, "build_panel", broken)
    w = write_world(tmp_path)
    code, err, exc = run_cli(["build", "--data", w["data"], "--meta", w["meta"], "--out", w["out"]])
    assert exc is None and code == 2
    assert err == "error: the store (DuckDB) failed: IO Error: disk I/O\n"
    assert not w["out"].exists()


def test_memory_and_recursion_errors_are_one_line(tmp_path: Path, monkeypatch):
    import innovindex.building

    w = write_world(tmp_path)
    for error, text in [(MemoryError, "out of memory"), (RecursionError, "nested too deeply")]:

        def broken(*args: object, _e: type[BaseException] = error, **kwargs: object) -> None:
            raise _e()

        monkeypatch.setattr(innovindex.building, "build_panel", broken)
        code, err, exc = run_cli(
            ["build", "--data", w["data"], "--meta", w["meta"], "--out", w["out"]]
        )
        assert exc is None and code == 2 and len(err.splitlines()) == 1 and text in err
