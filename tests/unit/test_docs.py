"""The documentation's examples run, and what they print is checked.

Every ``README.md`` and ``docs/*.md`` is picked up automatically. Block conventions:

* ```` ```python ```` blocks run in order in one namespace per document, in a fresh temporary
  folder. A block written doctest-style (``>>>`` lines) is run by doctest, so the output shown
  under each statement is checked (``...`` ellipsis and whitespace normalisation allowed).
* ```` ```console ```` blocks: each ``$ innovindex ...`` line (continued by a trailing ``\\``)
  runs through :func:`innovindex.cli.main` in the document's folder; the lines under it, up
  to the next ``$``, are its expected output (stdout then stderr), compared line by line after
  stripping spaces and dropping blank lines. A line ``...`` matches any number of lines;
  ``...`` inside a line matches any text. An expected line starting ``error:`` means exit
  status 2, otherwise 0. ``$ cat > FILE <<'EOF'`` ... ``EOF`` writes a file; no other command
  is allowed, so every shell example is a real one.
* ```` ```yaml ```` blocks are parsed and checked: an uncertainty spec (it has an
  ``assumptions`` key) with ``innovindex.audit.spec.load_spec``, anything else as a pipeline
  (``Pipeline.from_spec``, then every step's parameter checks).
* ```` ```sh ````/```` ```bash ```` blocks are not run: they may only hold usage synopses
  (placeholders in capitals such as ``DATA``, or ``[...]``/``|``) and ``make`` lines; a
  concrete ``innovindex`` command there fails the test (write it as ```` ```console ````).
* A block preceded by ``<!-- not-run: reason -->`` is not run; the reason is required and the
  test prints every such block.
* Paths written ``../shared/data/...`` (the reference data beside a checkout) are mapped to the
  ``reference_data`` fixture, so a document that uses them skips when the data is absent.
"""

from __future__ import annotations

import contextlib
import doctest
import glob
import importlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
DOCTEST_MODULES = [
    "innovindex.building",
    "innovindex.demo.world",
    "innovindex.methods.treat",
    "innovindex.methods.normalise",
    "innovindex.methods.impute",
    "innovindex.methods.aggregate",
    "innovindex.methods.registry",
    "innovindex.methods.coverage",
    "innovindex.diagnostics",
    "innovindex.framework.codes",
    "innovindex._identity",
    "innovindex.io.countries",
]
SHARED = "../shared/data/"
_FENCE = re.compile(r"^```(\w*)\s*$")
_NOT_RUN = re.compile(r"<!--\s*not-run:(.*?)-->")
_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9_]{1,}\b|[\[|]")


@dataclass
class Block:
    lang: str
    text: str
    line: int  # 1-based line of the opening fence
    not_run: str | None


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with their not-run marks."""
    out: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        prev = next((ln for ln in reversed(lines[:start]) if ln.strip()), "")
        mark = _NOT_RUN.search(prev)
        out.append(
            Block(lang, "\n".join(lines[i + 1 : j]) + "\n", start + 1, mark and mark.group(1))
        )
        i = j + 1
    return out


# ---------------------------------------------------------------------- output matching
def _regex(line: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(p) for p in line.split("...")) + r"\Z")


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """``expected`` lines (with ``...`` wildcards) against ``actual`` (both stripped)."""
    exp = [ln.strip() for ln in expected if ln.strip()]
    act = [ln.strip() for ln in actual if ln.strip()]

    def match(i: int, j: int) -> bool:
        if i == len(exp):
            return j == len(act)
        if exp[i] == "...":
            return any(match(i + 1, k) for k in range(j, len(act) + 1))
        return j < len(act) and bool(_regex(exp[i]).match(act[j])) and match(i + 1, j + 1)

    return match(0, 0)


def test_output_matching_rules():
    assert output_matches(["a ... c", "...", "z"], ["a b c", "x", "y", "z"])
    assert output_matches(["...", "z"], ["z"])
    assert not output_matches(["a", "z"], ["a", "b", "z"])
    assert not output_matches(["wrote 7 outputs"], ["wrote 8 outputs"])
    found = blocks("<!-- not-run: needs the network -->\n```console\n$ innovindex x\n```\n")
    assert found[0].not_run.strip() == "needs the network" and found[0].lang == "console"


def test_the_harness_fails_wrong_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    version = Block("console", "$ innovindex --version\ninnovindex 0.0.0-wrong\n", 1, None)
    with pytest.raises(AssertionError, match="printed"):
        run_console(version, "t.md", SHARED)
    run_console(
        Block("console", "$ innovindex --version\ninnovindex ...\n", 1, None), "t.md", SHARED
    )
    with pytest.raises(AssertionError, match="only `innovindex"):
        run_console(Block("console", "$ rm -rf x\n", 1, None), "t.md", SHARED)
    with pytest.raises(AssertionError, match="concrete command"):
        check_synopsis(Block("sh", "innovindex build --data d.csv --out o\n", 1, None), "t.md")
    check_synopsis(Block("sh", "innovindex build --data DATA --out DIR\n", 1, None), "t.md")
    with pytest.raises(AssertionError, match="exit 0"):  # an error shown must be an error
        run_console(
            Block("console", "$ innovindex --version\nerror: ...\n", 1, None), "t.md", SHARED
        )
    with pytest.raises(Exception, match="winmax"):
        check_yaml(Block("yaml", "treat: {winmax: many}\n", 1, None), "t.md")


# ---------------------------------------------------------------------- console blocks
def _commands(text: str) -> list[tuple[list[str], list[str]]]:
    """(command words or a heredoc, expected output lines) for each ``$`` line."""
    out: list[tuple[list[str], list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            assert not out and not line.strip(), f"text before the first '$' line: {line!r}"
            i += 1
            continue
        cmd = line[2:]
        while cmd.endswith("\\"):
            i += 1
            cmd = cmd[:-1] + " " + lines[i].strip()
        i += 1
        heredoc = re.fullmatch(r"cat > (\S+) <<'?EOF'?", cmd.strip())
        if heredoc:
            body = []
            while lines[i] != "EOF":
                body.append(lines[i])
                i += 1
            i += 1
            out.append((["<write>", heredoc.group(1), "\n".join(body) + "\n"], []))
            continue
        expected = []
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        out.append((shlex.split(cmd), expected))
    return out


def run_console(block: Block, doc: str, shared: str) -> None:
    from innovindex.cli import main

    for words, expected in _commands(block.text):
        if words[0] == "<write>":
            Path(words[1]).write_text(words[2].replace(SHARED, shared), encoding="utf-8")
            continue
        assert words[0] == "innovindex", (
            f"{doc}:{block.line}: only `innovindex ...` and `cat > FILE <<'EOF'` may run; "
            f"got {words[0]!r}"
        )
        args: list[str] = []
        for w in words[1:]:
            w = w.replace(SHARED, shared)
            args += sorted(glob.glob(w)) if any(ch in w for ch in "*?") else [w]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
        got = (out.getvalue() + err.getvalue()).replace(shared, SHARED).splitlines()
        want_code = 2 if any(ln.strip().startswith("error:") for ln in expected) else 0
        shown = "\n".join(got)
        assert code == want_code, f"{doc}:{block.line}: `{' '.join(words)}` exit {code}\n{shown}"
        if any(ln.strip() for ln in expected):
            assert output_matches(expected, got), (
                f"{doc}:{block.line}: `{' '.join(words)}` printed\n{shown}\n"
                f"expected\n" + "\n".join(expected)
            )


# ---------------------------------------------------------------------- python blocks
def run_python(block: Block, doc: str, namespace: dict[str, object], shared: str) -> None:
    code = block.text.replace(SHARED, shared)
    if ">>>" in code:
        test = doctest.DocTestParser().get_doctest(code, namespace, doc, doc, block.line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        report = io.StringIO()
        runner.run(test, out=report.write, clear_globs=False)
        assert runner.failures == 0, f"{doc}:{block.line}:\n{report.getvalue()}"
    else:
        exec(compile(code, f"{doc}:{block.line}", "exec"), namespace)  # noqa: S102 - our docs


def check_yaml(block: Block, doc: str) -> None:
    import yaml

    import innovindex as ii

    spec = yaml.safe_load(block.text)
    assert isinstance(spec, dict), f"{doc}:{block.line}: a YAML example must be a mapping"
    if "assumptions" in spec:
        from innovindex.audit.spec import load_spec

        load_spec(spec)
    else:
        for step in ii.Pipeline.from_spec(spec).named_steps.values():
            step._validate()  # the parameter checks a build runs first


def check_synopsis(block: Block, doc: str) -> None:
    for line in block.text.splitlines():
        words = line.strip()
        if words.startswith(("innovindex ", ".venv/bin/innovindex ")):
            assert _PLACEHOLDER.search(words.split(" ", 2)[-1]), (
                f"{doc}:{block.line}: `{words}` is a concrete command in a ```{block.lang} "
                "block: write it as a ```console example (it then runs) or mark it not-run"
            )


@pytest.mark.parametrize("path", DOCS, ids=[str(p.relative_to(REPO)) for p in DOCS])
def test_doc_examples_run(path, tmp_path, monkeypatch, request, capsys):
    text = path.read_text(encoding="utf-8")
    doc = str(path.relative_to(REPO))
    shared = SHARED
    if SHARED in text:
        shared = str(request.getfixturevalue("reference_data")) + "/"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__doc__"}
    skipped = []
    for block in blocks(text):
        if block.not_run is not None:
            assert block.not_run.strip(), f"{doc}:{block.line}: not-run needs a reason"
            skipped.append(f"{doc}:{block.line} ({block.lang}): {block.not_run.strip()}")
        elif block.lang == "python":
            run_python(block, doc, namespace, shared)
        elif block.lang == "console":
            run_console(block, doc, shared)
        elif block.lang == "yaml":
            check_yaml(block, doc)
        elif block.lang in ("sh", "bash", "shell"):
            check_synopsis(block, doc)
    if skipped:
        with capsys.disabled():
            print("\nnot run: " + "\n         ".join(skipped))


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0
