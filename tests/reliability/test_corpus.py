"""The bad-input corpus (issue 8): each case ends in one stderr line and exit status 2, with
nothing written and the store unchanged. Every non-patent case listed under "Why" in issue 8
is here (tagged ``why:``), plus their neighbours.

Each case is ``(id, builder, fragment)``: ``builder(world)`` creates what the case needs and
returns the command line; ``fragment`` must appear in the error line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from .conftest import META, assert_refused, make_data, write_world

W = dict[str, Path]


def build(w: W, **over: Any) -> list[Any]:
    opts: dict[str, Any] = {"data": w["data"], "meta": w["meta"], "out": w["out"]}
    opts.update(over)
    argv: list[Any] = ["build"]
    for k, v in opts.items():
        if v is not None:
            argv += [f"--{k}", v]
    return argv


def audit(w: W, *extra: Any, **over: Any) -> list[Any]:
    opts: dict[str, Any] = {
        "data": w["data"],
        "meta": w["meta"],
        "uncertainty": w["spec"],
        "n": 20,
        "out": w["dir"] / "audit",
    }
    opts.update(over)
    argv: list[Any] = ["audit"]
    for k, v in opts.items():
        if v is not None:
            argv += [f"--{k.replace('_', '-')}", v]
    return [*argv, *extra]


def demo(w: W, **over: Any) -> list[Any]:
    opts: dict[str, Any] = {"out": w["dir"] / "demo", "db": w["store"], "n-patents": 100}
    opts.update(over)
    argv: list[Any] = ["demo"]
    for k, v in opts.items():
        argv += [f"--{k}", v]
    return argv


def put(w: W, name: str, content: str | bytes) -> Path:
    p = w["dir"] / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


def data_with(w: W, change: Any, name: str = "bad.csv") -> Path:
    df = change(make_data())
    p = w["dir"] / name
    df.to_csv(p, index=False)
    return p


def meta_with(w: W, change: Any) -> Path:
    p = w["dir"] / "bad_meta.csv"
    change(META.copy()).to_csv(p, index=False)
    return p


def cell(df: pd.DataFrame, row: int, col: str, value: Any) -> pd.DataFrame:
    df = df.astype({col: object})
    df.loc[row, col] = value
    return df


def prev_output(w: W, name: str = "prev") -> Path:
    """An earlier innovindex output folder."""
    from innovindex.cli import main

    out = w["dir"] / name
    assert (
        main(["build", "--data", str(w["data"]), "--meta", str(w["meta"]), "--out", str(out)]) == 0
    )
    return out


def alias_case(w: W) -> list[Any]:
    prev = prev_output(w)
    (w["dir"] / "alias").symlink_to(prev, target_is_directory=True)
    # The user keeps a copy of the data inside the earlier output and reaches it via the alias.
    make_data().to_csv(prev / "data.csv", index=False)
    return build(w, data=w["dir"] / "alias" / "data.csv", out=prev)


def notes_case(w: W) -> list[Any]:
    prev = prev_output(w)
    (prev / "notes.txt").write_text("my notes")
    return build(w, out=prev)


def link(w: W, name: str, target: str) -> Path:
    p = w["dir"] / name
    p.symlink_to(target)
    return p


def loop(w: W) -> Path:
    link(w, "loop_b", str(w["dir"] / "loop_a"))
    return link(w, "loop_a", str(w["dir"] / "loop_b"))


def bomb(levels: int, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def truncated_store(w: W) -> Path:
    p = w["dir"] / "trunc.duckdb"
    p.write_bytes(w["store"].read_bytes()[:5000])
    return p


DEEP = "treat: " + "[" * 2000 + "]" * 2000 + "\n"

CASES: list[tuple[str, Any, str]] = [
    # ---------------------------------------------------------------- the store (--db)
    ("why:demo-db-folder", lambda w: demo(w, db=w["dir"]), "not a folder"),
    ("why:db-truncated", lambda w: demo(w, db=truncated_store(w)), "cannot open the store"),
    ("why:db-foreign", lambda w: demo(w, db=put(w, "f.duckdb", os.urandom(4096))), "not a DuckDB"),
    ("db-memory", lambda w: demo(w, db=":memory:"), "in-memory"),
    ("db-memory-named", lambda w: demo(w, db=":memory:cache"), "in-memory"),
    ("db-motherduck", lambda w: demo(w, db="md:shared"), "remote"),
    ("db-s3", lambda w: demo(w, db="s3://bucket/x.duckdb"), "remote"),
    ("db-existing-csv", lambda w: demo(w, db=w["data"]), "not a store"),
    ("db-new-csv", lambda w: demo(w, db=w["dir"] / "new.csv"), "not a store"),
    ("db-new-xlsx", lambda w: demo(w, db=w["dir"] / "t.xlsx"), "not a store"),
    ("db-parquet", lambda w: demo(w, db=w["dir"] / "x.parquet"), "not a store"),
    ("db-empty-file", lambda w: demo(w, db=put(w, "e.duckdb", b"")), "empty"),
    (
        "db-sqlite",
        lambda w: demo(w, db=put(w, "s.db", b"SQLite format 3\x00" + b"\x00" * 200)),
        "not a DuckDB",
    ),
    (
        "db-inside-out",
        lambda w: demo(w, out=w["dir"] / "d", db=w["dir"] / "d" / "s.duckdb"),
        "contains",
    ),
    ("why:demo-seed-negative", lambda w: demo(w, seed=-1), "--seed"),
    ("demo-n-patents-negative", lambda w: demo(w, **{"n-patents": -5}), "--n-patents"),
    ("demo-out-is-file", lambda w: demo(w, out=w["data"]), "out"),
    ("demo-out-xlsx-name", lambda w: demo(w, out=w["dir"] / "demo.xlsx"), ".xlsx"),
    # ---------------------------------------------------------------- outputs
    ("why:out-alias-of-input", alias_case, "which this run reads"),
    ("why:out-holds-users-notes", notes_case, "notes.txt"),
    (
        "why:out-dangling-symlink",
        lambda w: build(w, out=link(w, "dangle", "nowhere")),
        "symbolic link",
    ),
    ("why:out-symlink-loop", lambda w: build(w, out=loop(w)), "symbolic link"),
    (
        "out-symlink-to-output",
        lambda w: build(w, out=link(w, "ln", str(prev_output(w)))),
        "symbolic link",
    ),
    ("out-dot", lambda w: build(w, out="."), "'.'"),
    ("why:out-xlsx-name", lambda w: build(w, out=w["dir"] / "res.xlsx"), ".xlsx"),
    ("out-csv-name", lambda w: build(w, out=w["dir"] / "res.csv"), ".csv"),
    ("why:out-is-the-store", lambda w: build(w, out=w["store"]), ".duckdb"),
    ("out-is-data-file", lambda w: build(w, out=w["data"]), ".csv"),
    ("out-is-yaml", lambda w: build(w, out=w["pipeline"]), ".yaml"),
    ("out-contains-pipeline", lambda w: build(w, out=w["dir"], pipeline=w["pipeline"]), "contains"),
    (
        "out-under-symlinked-input-dir",
        lambda w: build(w, out=link(w, "wd", str(w["dir"]))),
        "symbolic link",
    ),
    ("out-empty-name", lambda w: build(w, out=""), "out"),
    # ---------------------------------------------------------------- audit sizes and specs
    ("why:audit-n-huge", lambda w: audit(w, n="99999999999999999999"), "would need"),
    ("why:audit-n-1e9-sobol", lambda w: audit(w, "--sobol", n=1_000_000_000), "would need"),
    ("audit-n-1e12", lambda w: audit(w, n=10**12), "would need"),
    ("audit-n-zero", lambda w: audit(w, n=0), "--n"),
    ("audit-n-negative", lambda w: audit(w, n=-3), "--n"),
    ("audit-n-text", lambda w: audit(w, n="many"), "--n"),
    ("audit-memory-limit-tiny", lambda w: audit(w, n=1000, memory_limit="1KB"), "the limit is"),
    ("audit-memory-limit-garbage", lambda w: audit(w, memory_limit="lots"), "memory limit"),
    ("audit-memory-limit-unit", lambda w: audit(w, memory_limit="4 parsecs"), "memory limit"),
    (
        "why:audit-exclude-root",
        lambda w: audit(
            w, uncertainty=put(w, "x.yaml", "assumptions:\n  exclude: {values: [[], [Index]]}\n")
        ),
        "root",
    ),
    (
        "audit-exclude-unknown",
        lambda w: audit(
            w, uncertainty=put(w, "x.yaml", "assumptions:\n  exclude: {values: [[], [Nope]]}\n")
        ),
        "Nope",
    ),
    (
        "why:audit-spec-recursive-alias",
        lambda w: audit(w, uncertainty=put(w, "x.yaml", "assumptions: &a {winmax: [*a]}\n")),
        "recursive alias",
    ),
    ("why:audit-spec-bomb", lambda w: audit(w, uncertainty=put(w, "x.yaml", bomb(6))), "expands"),
    (
        "why:audit-spec-bomb-deeper",
        lambda w: audit(w, uncertainty=put(w, "x.yaml", bomb(9))),
        "expands",
    ),
    ("audit-spec-deep-nesting", lambda w: audit(w, uncertainty=put(w, "x.yaml", DEEP)), "x.yaml"),
    ("audit-spec-empty", lambda w: audit(w, uncertainty=put(w, "x.yaml", "")), "empty"),
    (
        "audit-spec-comments-only",
        lambda w: audit(w, uncertainty=put(w, "x.yaml", "# nothing\n")),
        "empty",
    ),
    ("audit-spec-list", lambda w: audit(w, uncertainty=put(w, "x.yaml", "- winmax\n")), "mapping"),
    (
        "audit-spec-unknown-assumption",
        lambda w: audit(w, uncertainty=put(w, "x.yaml", "assumptions: {colour: {values: [1]}}\n")),
        "colour",
    ),
    ("audit-spec-nul", lambda w: audit(w, uncertainty=put(w, "x.yaml", "seed: 1\x00\n")), "NUL"),
    (
        "audit-spec-binary",
        lambda w: audit(w, uncertainty=put(w, "x.yaml", b"\xff\xfe\x00\x01")),
        "UTF-8",
    ),
    ("audit-spec-folder", lambda w: audit(w, uncertainty=w["dir"]), "folder"),
    ("audit-spec-missing", lambda w: audit(w, uncertainty=w["dir"] / "no.yaml"), "not found"),
    (
        "audit-spec-huge-key",
        lambda w: audit(
            w,
            uncertainty=put(
                w, "x.yaml", "assumptions: {winmax: {values: [" + "k" * 200_000 + "]}}\n"
            ),
        ),
        "cut",
    ),
    ("audit-seed-negative", lambda w: audit(w, seed=-1), "--seed"),
    ("audit-format-parquet", lambda w: audit(w, format="parquet"), "--format"),
    ("audit-out-xlsx-name", lambda w: audit(w, out=w["dir"] / "a.xlsx"), ".xlsx"),
    ("audit-out-input-dir", lambda w: audit(w, out=w["dir"]), "contains"),
    ("audit-time-absent", lambda w: audit(w, time=1999), "1999"),
    (
        "audit-winmax-range-reversed",
        lambda w: audit(
            w, uncertainty=put(w, "x.yaml", "assumptions: {winmax: {range: [5, 1]}}\n")
        ),
        "x.yaml",
    ),
    # ---------------------------------------------------------------- pipeline YAML
    (
        "why:pipe-recursive-alias",
        lambda w: build(w, pipeline=put(w, "p.yaml", "treat: &a {winmax: [*a]}\n")),
        "recursive alias",
    ),
    ("pipe-bomb", lambda w: build(w, pipeline=put(w, "p.yaml", bomb(7))), "expands"),
    ("pipe-deep-nesting", lambda w: build(w, pipeline=put(w, "p.yaml", DEEP)), "p.yaml"),
    ("why:pipe-empty-file", lambda w: build(w, pipeline=put(w, "p.yaml", "")), "empty"),
    ("pipe-comments-only", lambda w: build(w, pipeline=put(w, "p.yaml", "# later\n")), "empty"),
    (
        "pipe-empty-mapping",
        lambda w: build(w, pipeline=put(w, "p.yaml", "{}\n")),
        "nothing to write",
    ),
    (
        "pipe-all-steps-off",
        lambda w: build(
            w, pipeline=put(w, "p.yaml", "treat: false\nnormalise: false\naggregate: false\n")
        ),
        "nothing to write",
    ),
    ("pipe-nul", lambda w: build(w, pipeline=put(w, "p.yaml", "treat: {}\x00\n")), "NUL"),
    ("pipe-folder", lambda w: build(w, pipeline=w["dir"]), "folder"),
    ("pipe-missing", lambda w: build(w, pipeline=w["dir"] / "none.yaml"), "not found"),
    (
        "pipe-latin1",
        lambda w: build(
            w, pipeline=put(w, "p.yaml", "treat: {winmax: 5} # caf\xe9\n".encode("latin-1"))
        ),
        "UTF-8",
    ),
    (
        "pipe-huge-step-name",
        lambda w: build(w, pipeline=put(w, "p.yaml", "treat: {winmax: " + "x" * 100_000 + "}\n")),
        "cut",
    ),
    (
        "pipe-list",
        lambda w: build(w, pipeline=put(w, "p.yaml", "- treat\n- normalise\n")),
        "p.yaml",
    ),
    ("pipe-number", lambda w: build(w, pipeline=put(w, "p.yaml", "5\n")), "p.yaml"),
    (
        "pipe-tab-indent",
        lambda w: build(w, pipeline=put(w, "p.yaml", "treat:\n\twinmax: 5\n")),
        "YAML",
    ),
    (
        "pipe-too-large",
        lambda w: build(w, pipeline=put(w, "p.yaml", "# " + "x" * 5_100_000 + "\n")),
        "larger",
    ),
    (
        "pipe-winmax-text",
        lambda w: build(w, pipeline=put(w, "p.yaml", "treat: {winmax: lots}\n")),
        "winmax",
    ),
    (
        "pipe-range-reversed",
        lambda w: build(
            w, pipeline=put(w, "p.yaml", "normalise: {method: minmax, range: [100, 0]}\n")
        ),
        "range",
    ),
    # ---------------------------------------------------------------- numbers that stay numbers
    (
        "why:value-near-max-float",
        lambda w: build(
            w, data=data_with(w, lambda d: cell(cell(d, 0, "a1", 1.7e308), 1, "a1", -1.7e308))
        ),
        "outside the range",
    ),
    (
        "value-near-max-negative",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 2, "b1", -1.6e308))),
        "outside the range",
    ),
    (
        "value-1e151",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 3, "b2", 1e151))),
        "outside the range",
    ),
    (
        "value-1e309-literal",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 3, "a2", "1e309"))),
        "infinite",
    ),
    (
        "value-inf-text",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "a2", "inf"))),
        "infinite",
    ),
    (
        "value-minus-infinity",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "b1", "-Infinity"))),
        "infinite",
    ),
    (
        "value-hex",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "b1", "0x10"))),
        "expected a number",
    ),
    (
        "value-true",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "b1", "True"))),
        "expected a number",
    ),
    (
        "value-huge-text",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "b1", "z" * 100_000))),
        "cut",
    ),
    (
        "why:time-1e20",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 0, "Time", 1e20))),
        "Time must be a year",
    ),
    (
        "time-negative",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 0, "Time", -2024))),
        "Time must be a year",
    ),
    (
        "time-zero",
        lambda w: build(w, data=data_with(w, lambda d: d.assign(Time=0))),
        "Time must be a year",
    ),
    (
        "time-10000",
        lambda w: build(w, data=data_with(w, lambda d: d.assign(Time=10000))),
        "Time must be a year",
    ),
    (
        "time-text",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 0, "Time", "twenty"))),
        "Time",
    ),
    (
        "time-empty",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 0, "Time", None))),
        "Time",
    ),
    (
        "time-int64-max",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 0, "Time", 9223372036854775807))),
        "Time must be a year",
    ),
    # ---------------------------------------------------------------- canonical identities
    (
        "why:ucode-zero-width",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "uCode", "U0\u200b"))),
        "duplicate unit",
    ),
    (
        "why:ucode-normal-form",
        lambda w: build(
            w,
            data=data_with(
                w, lambda d: cell(cell(d, 1, "uCode", "Cafe\u0301"), 2, "uCode", "Caf\u00e9")
            ),
        ),
        "duplicate unit",
    ),
    (
        "ucode-bom",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "uCode", "\ufeffU0"))),
        "duplicate unit",
    ),
    (
        "ucode-soft-hyphen",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "uCode", "U\u00ad0"))),
        "duplicate unit",
    ),
    (
        "ucode-word-joiner",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "uCode", "U\u20600"))),
        "duplicate unit",
    ),
    (
        "ucode-only-invisible",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "uCode", "\u200b\u200d"))),
        "empty uCode",
    ),
    (
        "ucode-padded",
        lambda w: build(w, data=data_with(w, lambda d: cell(d, 1, "uCode", "  U0 "))),
        "duplicate unit",
    ),
    (
        "icode-zero-width",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 3, "iCode", "b1\u200b"))),
        "duplicate iCode",
    ),
    (
        "icode-normal-form",
        lambda w: build(
            w,
            meta=meta_with(w, lambda m: cell(cell(m, 4, "iCode", "A\u0301"), 5, "iCode", "\u00c1")),
        ),
        "duplicate iCode",
    ),
    (
        "icode-only-invisible",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 0, "iCode", "\u2060"))),
        "empty iCode",
    ),
    # ---------------------------------------------------------------- data and framework files
    # (UTF-16 with a byte-order mark is read: tests/io/test_published.py)
    ("data-binary", lambda w: build(w, data=put(w, "b.csv", bytes(range(256)) * 8)), "b.csv"),
    ("data-folder", lambda w: build(w, data=w["dir"]), "folder"),
    (
        "data-xlsx-is-text",
        lambda w: build(w, data=put(w, "d.xlsx", w["data"].read_text())),
        "d.xlsx",
    ),
    (
        "data-parquet-garbage",
        lambda w: build(w, data=put(w, "d.parquet", b"PAR1 not really")),
        "d.parquet",
    ),
    ("data-one-column", lambda w: build(w, data=put(w, "o.csv", "uCode\nU1\nU2\n")), "o.csv"),
    ("data-only-newlines", lambda w: build(w, data=put(w, "nl.csv", "\n\n\n")), "nl.csv"),
    ("meta-empty", lambda w: build(w, meta=put(w, "m.csv", "")), "m.csv"),
    (
        "meta-header-only",
        lambda w: build(w, meta=put(w, "m.csv", ",".join(META.columns) + "\n")),
        "m.csv",
    ),
    ("meta-folder", lambda w: build(w, meta=w["dir"]), "folder"),
    (
        "meta-level-zero",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 0, "Level", 0))),
        "Level",
    ),
    (
        "meta-indicator-level-2",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 0, "Level", 2))),
        "Level",
    ),
    (
        "meta-aggregate-level-1",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 4, "Level", 1))),
        "Level",
    ),
    (
        "meta-self-parent",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 4, "Parent", "A"))),
        "A",
    ),
    (
        "meta-parent-is-indicator",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 1, "Parent", "a1"))),
        "Aggregate",
    ),
    (
        "meta-weight-blank",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 1, "Weight", None))),
        "Weight",
    ),
    (
        "meta-weight-inf",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 1, "Weight", "1e400"))),
        "weights must be finite",
    ),
    (
        "meta-direction-text",
        lambda w: build(w, meta=meta_with(w, lambda m: cell(m, 1, "Direction", "up"))),
        "Direction",
    ),
    (
        "meta-no-indicators",
        lambda w: build(w, meta=meta_with(w, lambda m: m.assign(Type="Group"))),
        "Indicator",
    ),
    (
        "meta-scale-min-only",
        lambda w: build(w, meta=meta_with(w, lambda m: m.assign(ScaleMin=0))),
        "ScaleMax",
    ),
    (
        "meta-scale-reversed",
        lambda w: build(w, meta=meta_with(w, lambda m: m.assign(ScaleMin=10, ScaleMax=0))),
        "ScaleMin",
    ),
    ("meta-and-framework", lambda w: build(w, framework="gii2019"), "exactly one"),
    ("neither-meta-nor-framework", lambda w: build(w, meta=None), "exactly one"),
    ("build-format-xls", lambda w: build(w, format="xls"), "--format"),
    ("build-unknown-option", lambda w: [*build(w), "--dta", "x"], "--dta"),
    ("build-missing-out", lambda w: build(w, out=None), "--out"),
    ("build-extra-argument", lambda w: [*build(w), "surplus"], "surplus"),
]


@pytest.mark.parametrize(("case", "builder", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_nothing_written(
    case, builder, fragment, tmp_path: Path, monkeypatch
) -> None:
    w = write_world(tmp_path / "w")
    monkeypatch.chdir(w["dir"])  # relative names (".", "") resolve inside the world
    assert_refused(builder(w), tmp_path, fragment or None)
