"""Hypothesis strategies for the inputs users give innovindex (issue 8): frameworks (iMeta),
indicator data (iData), pipelines, uncertainty specs and flat patent exports, valid and
mutated. A mutation always makes the input invalid, so the run must be refused (exit 2,
one line); each case carries the name of its mutation so the counts can be reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from hypothesis import strategies as st

from innovindex.steps import STEPS

from .conftest import ESP_HEADER, esp_row

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
CODE = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=1, max_size=3)


@dataclass
class World:
    """Files of one generated case (written by :func:`write`) and extra CLI options."""

    meta: pd.DataFrame
    data: pd.DataFrame
    pipeline: str
    spec: str = "seed: 1\nassumptions:\n  winmax: {values: [1, 3]}\n"
    raw: dict[str, bytes] = field(default_factory=dict)  # file -> bytes replacing the frame
    options: list[str] = field(default_factory=list)
    mutation: str = "valid"


@st.composite
def frameworks(draw: st.DrawFn) -> pd.DataFrame:
    """A valid iMeta: 2-3 pillars of 1-3 indicators each under one root ``Index``."""
    n_pillars = draw(st.integers(2, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(n_pillars)]
    rows = []
    for p, size in enumerate(sizes):
        for i in range(size):
            rows.append(
                {
                    "Level": 1,
                    "iCode": f"x{p}{i}",
                    "iName": f"Ind {p}.{i}",
                    "Direction": draw(st.sampled_from([1, -1])),
                    "Weight": draw(st.sampled_from([0.5, 1, 2])),
                    "Parent": f"P{p}",
                    "Type": "Indicator",
                }
            )
    for p in range(n_pillars):
        rows.append(
            {
                "Level": 2,
                "iCode": f"P{p}",
                "iName": f"Pillar {p}",
                "Direction": 1,
                "Weight": 1,
                "Parent": "Index",
                "Type": "Aggregate",
            }
        )
    rows.append(
        {
            "Level": 3,
            "iCode": "Index",
            "iName": "Index",
            "Direction": 1,
            "Weight": 1,
            "Parent": None,
            "Type": "Aggregate",
        }
    )
    return pd.DataFrame(rows)


@st.composite
def datasets(draw: st.DrawFn, meta: pd.DataFrame) -> pd.DataFrame:
    """Valid iData for ``meta``: 4-10 units, finite values of ordinary size, a few missing
    values but at least three distinct values per indicator."""
    n = draw(st.integers(4, 10))
    codes = draw(st.lists(CODE, min_size=n, max_size=n, unique=True))
    scale = draw(st.sampled_from([1.0, 1e3, 1e-3, 1e9]))
    df = pd.DataFrame({"uCode": codes, "uName": [f"Unit {c}" for c in codes], "Time": 2024})
    for code in meta.loc[meta["Type"] == "Indicator", "iCode"]:
        values = draw(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n))
        values = [round(v, 3) * scale for v in values]
        values[:3] = [scale * 1.0, scale * 2.0, scale * 3.0]
        if draw(st.booleans()):
            values[-1] = float("nan")
        df[code] = draw(st.permutations(values))
    return df


PIPELINES = st.sampled_from(
    [
        "treat: {winmax: 5}\nnormalise: {method: minmax, range: [0, 100]}\naggregate: {}\n",
        "treat: false\nnormalise: {method: zscore}\naggregate: {method: arithmetic}\n",
        "normalise: {method: minmax, range: [1, 100]}\naggregate: {method: geometric}\n",
        "treat: {winmax: 1}\nnormalise: {method: rank}\naggregate: {}\n",
    ]
)


@st.composite
def valid_worlds(draw: st.DrawFn) -> World:
    meta = draw(frameworks())
    return World(meta=meta, data=draw(datasets(meta)), pipeline=draw(PIPELINES))


# ------------------------------------------------------------------ mutations (each invalid)
def _cell(df: pd.DataFrame, row: int, col: str, value: Any) -> pd.DataFrame:
    df = df.astype({col: object})
    df.loc[row, col] = value
    return df


def _indicator(draw: st.DrawFn, w: World) -> str:
    return str(draw(st.sampled_from(list(w.meta.loc[w.meta["Type"] == "Indicator", "iCode"]))))


def _row(draw: st.DrawFn, df: pd.DataFrame) -> int:
    return draw(st.integers(0, len(df) - 1))


BAD_TEXT = st.text(min_size=1, max_size=30).filter(
    lambda s: (
        s.strip() != ""
        and s.strip().upper() not in ("NA", "NAN", "N/A", "..", "-", "NULL", "INF", "INFINITY")
        and not _is_number(s)
        and "\x00" not in s
    )
)


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def m_text_value(draw: st.DrawFn, w: World) -> None:
    w.data = _cell(w.data, _row(draw, w.data), _indicator(draw, w), "v" + draw(BAD_TEXT))


def m_infinite(draw: st.DrawFn, w: World) -> None:
    w.data = _cell(
        w.data,
        _row(draw, w.data),
        _indicator(draw, w),
        draw(st.sampled_from(["inf", "-inf", "1e999", "-Infinity"])),
    )


def m_huge(draw: st.DrawFn, w: World) -> None:
    v = draw(st.floats(1e151, 1.7e308)) * draw(st.sampled_from([1, -1]))
    w.data = _cell(w.data, _row(draw, w.data), _indicator(draw, w), v)


def m_blank_ucode(draw: st.DrawFn, w: World) -> None:
    w.data = _cell(
        w.data,
        _row(draw, w.data),
        "uCode",
        "".join(draw(st.lists(st.sampled_from([*INVISIBLE, " "]), max_size=3))),
    )


def m_duplicate_ucode(draw: st.DrawFn, w: World) -> None:
    i, j = draw(st.lists(st.integers(0, len(w.data) - 1), min_size=2, max_size=2, unique=True))
    code = str(w.data.loc[i, "uCode"])
    pos = draw(st.integers(0, len(code)))
    variant = draw(st.sampled_from(["same", "invisible", "padded"]))
    if variant == "invisible":
        code = code[:pos] + draw(st.sampled_from(INVISIBLE)) + code[pos:]
    elif variant == "padded":
        code = f" {code}  "
    w.data = _cell(w.data, j, "uCode", code)


def m_drop_indicator(draw: st.DrawFn, w: World) -> None:
    w.data = w.data.drop(columns=_indicator(draw, w))


def m_drop_ucode(draw: st.DrawFn, w: World) -> None:
    w.data = w.data.drop(columns="uCode")


def m_time_fraction(draw: st.DrawFn, w: World) -> None:
    w.data = _cell(
        w.data, _row(draw, w.data), "Time", 2024 + draw(st.sampled_from([0.5, 0.25, 0.001]))
    )


def m_time_range(draw: st.DrawFn, w: World) -> None:
    t = draw(
        st.one_of(
            st.integers(10_000, 10**18),
            st.integers(-(10**18), 0),
            st.sampled_from([1e20, -1e20, 9.3e18]),
        )
    )
    w.data = _cell(w.data, _row(draw, w.data), "Time", t)


def m_all_missing(draw: st.DrawFn, w: World) -> None:
    w.data = w.data.assign(**{_indicator(draw, w): float("nan")})


def m_header_only(draw: st.DrawFn, w: World) -> None:
    w.data = w.data.iloc[0:0]


def m_data_bytes(draw: st.DrawFn, w: World) -> None:
    w.raw["data.csv"] = draw(st.sampled_from([b"", b"\n\n", b"\xff\xfe\x00a", b"uCode\n"])) + draw(
        st.binary(max_size=64)
    )


def m_meta_type(draw: st.DrawFn, w: World) -> None:
    w.meta = _cell(
        w.meta,
        draw(st.integers(0, len(w.meta) - 1)),
        "Type",
        draw(st.sampled_from(["Indikator", "aggregate", "Pillar", "x"])),
    )


def m_meta_duplicate(draw: st.DrawFn, w: World) -> None:
    i, j = draw(st.lists(st.integers(0, len(w.meta) - 1), min_size=2, max_size=2, unique=True))
    code = str(w.meta.loc[i, "iCode"])
    if draw(st.booleans()):
        code = code + draw(st.sampled_from(INVISIBLE))
    w.meta = _cell(w.meta, j, "iCode", code)


def m_meta_unknown_parent(draw: st.DrawFn, w: World) -> None:
    w.meta = _cell(w.meta, draw(st.integers(0, len(w.meta) - 2)), "Parent", "Z" + draw(CODE))


def m_meta_cycle(draw: st.DrawFn, w: World) -> None:
    w.meta = _cell(w.meta, len(w.meta) - 1, "Parent", "P0")


def m_meta_weight(draw: st.DrawFn, w: World) -> None:
    value = draw(st.one_of(st.floats(-1e6, -1e-6), st.sampled_from(["heavy", "1,5", "--"])))
    w.meta = _cell(w.meta, draw(st.integers(0, len(w.meta) - 1)), "Weight", value)


def m_meta_direction(draw: st.DrawFn, w: World) -> None:
    rows = list(w.meta.index[w.meta["Type"] == "Indicator"])
    w.meta = _cell(
        w.meta,
        draw(st.sampled_from(rows)),
        "Direction",
        draw(st.sampled_from([0, 2, -3, 0.5, "up"])),
    )


def m_meta_level(draw: st.DrawFn, w: World) -> None:
    w.meta = _cell(
        w.meta,
        draw(st.integers(0, len(w.meta) - 1)),
        "Level",
        draw(st.sampled_from([0, -1, 1.5, "one"])),
    )


def m_meta_drop_column(draw: st.DrawFn, w: World) -> None:
    w.meta = w.meta.drop(
        columns=draw(
            st.sampled_from(["Level", "iCode", "Weight", "Parent", "Type", "Direction", "iName"])
        )
    )


def m_meta_zero_weights(draw: st.DrawFn, w: World) -> None:
    p = draw(st.sampled_from(sorted(set(w.meta.loc[w.meta["Type"] == "Indicator", "Parent"]))))
    w.meta = w.meta.assign(
        Weight=[
            0 if par == p else wt
            for par, wt in zip(w.meta["Parent"], w.meta["Weight"], strict=True)
        ]
    )


def m_meta_blank_code(draw: st.DrawFn, w: World) -> None:
    w.meta = _cell(
        w.meta,
        draw(st.integers(0, len(w.meta) - 1)),
        "iCode",
        draw(st.sampled_from(["", " ", *INVISIBLE])),
    )


STEP_NAMES = tuple(STEPS)


def m_pipe_unknown_step(draw: st.DrawFn, w: World) -> None:
    name = draw(st.from_regex(r"[a-z]{3,12}", fullmatch=True).filter(lambda s: s not in STEP_NAMES))
    w.pipeline += f"{name}: {{}}\n"


def m_pipe_unknown_param(draw: st.DrawFn, w: World) -> None:
    valid = set(STEPS["treat"]._param_names())
    name = draw(st.from_regex(r"[a-z]{3,10}", fullmatch=True).filter(lambda s: s not in valid))
    w.pipeline = f"treat: {{{name}: 3}}\nnormalise: {{}}\naggregate: {{}}\n"


def m_pipe_bad_method(draw: st.DrawFn, w: World) -> None:
    step = draw(st.sampled_from(["normalise", "aggregate"]))
    w.pipeline = f"{step}: {{method: {draw(st.from_regex(r'[a-z]{4,9}x', fullmatch=True))}}}\n"


def m_pipe_bad_winmax(draw: st.DrawFn, w: World) -> None:
    w.pipeline = (
        f"treat: {{winmax: {draw(st.sampled_from(['-1', '-100', 'lots', '[1, 2]', '1.5']))}}}\n"
    )


def m_pipe_alias(draw: st.DrawFn, w: World) -> None:
    width, levels = draw(st.integers(8, 12)), draw(st.integers(6, 9))
    text = "a0: &a0 [" + ", ".join(["x"] * width) + "]\n"
    for i in range(1, levels):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]\n"
    w.pipeline = draw(st.sampled_from([text, "treat: &a {winmax: [*a]}\n", "normalise: &n [*n]\n"]))


def m_pipe_syntax(draw: st.DrawFn, w: World) -> None:
    w.pipeline = draw(
        st.sampled_from(
            [
                "treat: {winmax: 3\n",
                "treat:\n\twinmax: 3\n",
                "- a\nb: c\n",
                "treat: {a: 1, a: 2}\n",
                "[" * 300,
            ]
        )
    )


def m_pipe_not_mapping(draw: st.DrawFn, w: World) -> None:
    w.pipeline = draw(
        st.sampled_from(
            ["", "# nothing\n", "~\n", "5\n", "- treat\n", "'text'\n", "{}\n", "treat: false\n"]
        )
    )


def m_out_bad(draw: st.DrawFn, w: World) -> None:
    w.options = [
        "--out-kind",
        draw(st.sampled_from(["file", "xlsx-name", "dangling", "users-folder", "data-dir"])),
    ]


def m_format(draw: st.DrawFn, w: World) -> None:
    w.options = ["--format", draw(st.sampled_from(["docx", "CSV ", "xls", "json", ""]))]


BUILD_MUTATIONS = [
    m_text_value,
    m_infinite,
    m_huge,
    m_blank_ucode,
    m_duplicate_ucode,
    m_drop_indicator,
    m_drop_ucode,
    m_time_fraction,
    m_time_range,
    m_all_missing,
    m_header_only,
    m_data_bytes,
    m_meta_type,
    m_meta_duplicate,
    m_meta_unknown_parent,
    m_meta_cycle,
    m_meta_weight,
    m_meta_direction,
    m_meta_level,
    m_meta_drop_column,
    m_meta_zero_weights,
    m_meta_blank_code,
    m_pipe_unknown_step,
    m_pipe_unknown_param,
    m_pipe_bad_method,
    m_pipe_bad_winmax,
    m_pipe_alias,
    m_pipe_syntax,
    m_pipe_not_mapping,
    m_out_bad,
    m_format,
]


@st.composite
def bad_builds(draw: st.DrawFn) -> World:
    w = draw(valid_worlds())
    mutate = draw(st.sampled_from(BUILD_MUTATIONS))
    mutate(draw, w)
    w.mutation = mutate.__name__[2:]
    return w


# ------------------------------------------------------------------ audit
def a_spec(draw: st.DrawFn, w: World) -> None:
    w.spec = draw(
        st.sampled_from(
            [
                "assumptions: {colour: {values: [1]}}\n",
                "assumptions: {winmax: {range: [5, 1]}}\n",
                "assumptions: {exclude: {values: [[], [Index]]}}\n",
                "assumptions: {exclude: {values: [[], [Nope]]}}\n",
                "assumptions: &a {winmax: [*a]}\n",
                "assumptions: {}\n",
                "seed: -4\nassumptions: {winmax: {values: [1]}}\n",
                "",
                "- winmax\n",
                "assumptions: {weights: {noise: -1, levels: [2]}}\n",
                "assumptions: {normalise: {values: [minmax]}}\n",
            ]
        )
    )


def a_size(draw: st.DrawFn, w: World) -> None:
    n = draw(st.one_of(st.integers(-(10**6), 0), st.integers(10**11, 10**30)))
    w.options = ["--n", str(n), *(["--sobol"] if draw(st.booleans()) else [])]


def a_limit(draw: st.DrawFn, w: World) -> None:
    w.options = [
        "--n",
        "5000",
        "--memory-limit",
        draw(st.sampled_from(["1KB", "10", "lots", "-1GB", "0", "4 parsecs"])),
    ]


AUDIT_MUTATIONS = [
    a_spec,
    a_size,
    a_limit,
    m_duplicate_ucode,
    m_huge,
    m_meta_cycle,
    m_pipe_alias,
    m_out_bad,
]


@st.composite
def bad_audits(draw: st.DrawFn) -> World:
    w = draw(valid_worlds())
    mutate = draw(st.sampled_from(AUDIT_MUTATIONS))
    mutate(draw, w)
    w.mutation = "audit_" + mutate.__name__[2:]
    return w


# ------------------------------------------------------------------ flat patent exports
@dataclass
class Export:
    """A generated Espacenet export and the import command's options."""

    body: bytes
    options: list[str] = field(default_factory=list)
    mutation: str = "valid"


@st.composite
def exports(draw: st.DrawFn) -> Export:
    n = draw(st.integers(1, 6))
    ids = draw(
        st.lists(
            st.from_regex(r"US2001[0-9]{4}", fullmatch=True), min_size=n, max_size=n, unique=True
        )
    )
    rows = [
        esp_row(appln=i, date=f"2001{draw(st.integers(1, 12)):02d}{draw(st.integers(1, 28)):02d}")
        for i in ids
    ]
    return Export("\r".join([ESP_HEADER, *rows]).encode("utf-8"))


@st.composite
def bad_exports(draw: st.DrawFn) -> Export:
    e = draw(exports())
    text = e.body.decode("utf-8")
    header, *rows = text.split("\r")
    kind = draw(
        st.sampled_from(
            [
                "missing_column",
                "empty",
                "utf16",
                "encoding",
                "raise_duplicate",
                "raise_date",
                "raise_width",
                "unknown_format",
                "db_folder",
                "missing_file",
                "on_error",
            ]
        )
    )
    if kind == "missing_column":
        cols = header.split(",")
        drop = draw(
            st.sampled_from(
                ["Application number", "Applicant(s)", "Publication number", "Date of application"]
            )
        )
        i = cols.index(drop)
        e.body = "\r".join([",".join(c for k, c in enumerate(cols) if k != i), *rows]).encode()
    elif kind == "empty":
        e.body = draw(st.sampled_from([b"", b"\r", b"\n\n"]))
    elif kind == "utf16":
        e.body = text.encode("utf-16")
    elif kind == "encoding":
        e.body = text.replace("ACME", "CAF\u00c9").encode("mac_roman")
        e.options = ["--encoding", "utf-8"]
    elif kind == "raise_duplicate":
        e.body = "\r".join([header, *rows, rows[0]]).encode()
        e.options = ["--on-error", "raise"]
    elif kind == "raise_date":
        bad = esp_row(
            appln="US20019999",
            date=draw(st.sampled_from(["20011332", "99991231", "2001", "yesterday"])),
        )
        e.body = "\r".join([header, *rows, bad]).encode()
        e.options = ["--on-error", "raise"]
    elif kind == "raise_width":
        e.body = "\r".join([header, *rows, esp_row(appln="US20018888") + ",extra"]).encode()
        e.options = ["--on-error", "raise"]
    elif kind == "unknown_format":
        e.options = ["--format", draw(st.sampled_from(["epo", "EspaceNet2", "csv", ""]))]
    elif kind == "on_error":
        e.options = ["--on-error", draw(st.sampled_from(["ignore", "SKIP!", ""]))]
    e.mutation = "patents_" + kind
    return e
