"""Pull every math span out of pinned files of public learning-material repositories: the
unlabelled candidates of the real-text corpus (``tests/data/realtext/``).

    python benchmarks/corpus/extract_repos.py [--mirrors /work/.mirror] [--out DIR] [SOURCE ...]

SOURCE is one of the names in ``SOURCES`` (all of them by default). Nothing is downloaded: each
repository must already be mirrored as a git directory under ``--mirrors`` (``owner+name/repo``
or ``owner+name/repo/.git``); the script reads the listed files at the pinned commit with
``git show`` and says which mirrors or commits are missing (exit status 2 when any is).

What counts as a math span depends on the file's syntax, as its renderer reads it:

- ``markdown`` (Jekyll/kramdown pages with MathJax): ``$$...$$`` (display when it stands alone in
  its paragraph, inline otherwise), ``\\\\(...\\\\)`` inline and ``\\\\[...\\\\]`` display, and
  ``$...$`` inline where the site's MathJax reads it;
  fenced code, Liquid highlight blocks, inline code and HTML comments are skipped.
- ``jupytext`` (a percent-format ``.py`` notebook): the Markdown cells only, where ``$$...$$`` is
  always display and ``$...$`` inline.
- ``rst`` (Sphinx): ``.. math::`` blocks, display, one formula per blank-line-separated
  paragraph unless the blank line is inside a ``\\begin ... \\end`` environment (also inside the
  cells of grid tables), and ``:math:`...` `` roles, inline; literal blocks are skipped.
- ``latex``: the display environments (``equation``, ``eqnarray``, ``align``, ...) kept whole with
  their ``\\begin``/``\\end``, ``\\[...\\]`` and ``$$...$$`` display, ``$...$`` and ``\\(...\\)`` inline;
  ``%`` comments are skipped. A source may keep only some ``\\chapter``s.

A formula's text is the span exactly as the renderer receives it (outer delimiters stripped,
nothing else changed); its id is ``<file>:<k>``, ``k`` counting the spans of that file from 1 (only
the display ones for a source marked ``inline=False``);
``where`` gives the file, the line and the heading above; ``context`` is that heading. Prose and
code of the repositories are never kept.

The candidates (labels empty) go to ``build/realtext-candidates/<source>.toml``; the hand labels
live in ``benchmarks/corpus/labels/<source>.txt`` and ``benchmarks/corpus/label.py`` joins the two
into ``tests/data/realtext/<source>.toml``.
"""

from __future__ import annotations

import argparse
import itertools
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tomlio import dump

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "benchmarks/corpus/extract_repos.py"


@dataclass(frozen=True)
class Source:
    name: str  # the corpus source name (file name of its .toml)
    repo: str  # owner/name on GitHub
    commit: str  # the pinned commit every file is read at
    license: str  # as stated by the repository ("none stated" when it states none)
    kind: str
    syntax: str  # markdown | jupytext | rst | latex
    files: tuple[str, ...]
    chapters: tuple[str, ...] = ()  # latex: keep only these \chapter titles (all when empty)
    dollar_inline: bool = False  # markdown: the site's MathJax also reads $...$ as inline math
    inline: bool = True  # False: display formulas only (a source whose inline math is mostly lone symbols)


SOURCES = {
    s.name: s
    for s in (
        Source(
            "udl-equations", "udlbook/udlbook", "a8fe82b5e155cb4f42415d2461ffa23224b1173b",
            "CC-BY-NC-ND-4.0 (formulas and references only)", "textbook latex", "latex",
            ("UDL_Equations.tex",),
            chapters=(
                "Supervised Learning", "Shallow neural networks", "Deep neural networks",
                "Loss functions", "Fitting models", "Gradients and initialization",
                "Measuring performance", "Regularization", "Convolutional networks",
                "Residual networks", "Transformers", "Graph neural networks",
                "Unsupervised learning", "Generative adversarial networks", "Normalizing flows",
                "Variational autoencoders",
            ),
        ),
        Source(
            "ml-glossary", "bfortuner/ml-glossary", "ad889a823beee92b7ac1e8c92e85a8ed57d64994",
            "MIT", "repository rst", "rst",
            tuple(f"docs/{f}.rst" for f in (
                "activation_functions", "loss_functions", "optimizers", "layers", "backpropagation",
                "forwardpropagation", "gradient_descent", "linear_regression", "logistic_regression",
                "regularization", "nn_concepts", "linear_algebra", "calculus",
            )),
        ),
        Source(
            "dl-tutorials", "lisa-lab/DeepLearningTutorials", "11c465105026cf87573937fc2d35ab7543678698",
            "BSD-3-Clause", "repository rst", "rst",
            tuple(f"doc/{f}.txt" for f in (
                "gettingstarted", "logreg", "mlp", "lenet", "dA", "rbm", "DBN", "lstm",
            )),
        ),
        Source(
            "cs231n-notes", "cs231n/cs231n.github.io", "3d84654b14608fbccdff2393485631aaacfc9dab",
            "MIT", "repository markdown", "markdown",
            tuple(f"{f}.md" for f in (
                "linear-classify", "optimization-1", "optimization-2", "neural-networks-1",
                "neural-networks-2", "neural-networks-3", "neural-networks-case-study",
                "convolutional-networks", "rnn", "attention", "transformers",
            )),
        ),
        Source(
            "nyu-dlsp20", "Atcold/NYU-DLSP20", "3049c83260ba05700e2ab9b7ed13cdbe5ddba0fd",
            "CC-BY-NC-SA-4.0 (formulas and references only)", "course notes markdown", "markdown",
            tuple(f"docs/en/week{f[:2]}/{f}.md" for f in (
                "02-1", "02-2", "02-3", "05-1", "05-2", "05-3", "06-2", "06-3", "07-1", "07-2", "07-3",
                "08-1", "08-2", "08-3", "11-1", "11-2", "11-3", "12-1", "12-2", "12-3", "15-1", "15-2",
            )),
            dollar_inline=True, inline=False,
        ),
        Source(
            "annotated-transformer", "harvardnlp/annotated-transformer",
            "debc9fd747bb2123160a98046ad1c2d4da44a567", "MIT", "annotated implementation jupytext",
            "jupytext", ("the_annotated_transformer.py",),
        ),
        Source(
            "lil-log", "lilianweng/lil-log", "0fa5d155bbaccd388397ed3797c5b44d5cc66e01",
            "none stated (formulas and references only)", "blog markdown", "markdown",
            tuple(f"_posts/{f}.md" for f in (
                "2018-06-24-attention-attention", "2020-04-07-the-transformer-family",
                "2017-10-15-learning-word-embedding", "2017-09-28-anatomize-deep-learning-with-information-theory",
                "2017-07-08-predict-stock-prices-using-RNN-part-1",
            )),
        ),
    )
}


@dataclass(frozen=True)
class Span:
    text: str
    display: bool
    line: int  # 1-based, in the file
    heading: str


# --------------------------------------------------------------------------- reading the mirror


def git_dir(mirrors: Path, repo: str) -> Path | None:
    base = mirrors / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def git(gd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "--git-dir", str(gd), *args], capture_output=True, text=True, check=False)


# --------------------------------------------------------------------------- shared helpers


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces, newlines kept (offsets stay valid)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def heading_at(headings: list[tuple[int, str]], offset: int) -> str:
    current = ""
    for at, title in headings:
        if at > offset:
            break
        current = title
    return current


def clean_title(title: str) -> str:
    title = re.sub(r"<[^>]+>", "", title)  # inline HTML
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # links
    title = re.sub(r"[*_`#]+", "", title)
    return " ".join(title.split()).strip(" :")


# --------------------------------------------------------------------------- markdown


FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[^\n]*$", re.M | re.S)
LIQUID = re.compile(r"\{%\s*highlight.*?\{%\s*endhighlight\s*%\}", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
SETEXT = re.compile(r"^([^\n]*\S[^\n]*)\n {0,3}(=+|-+)[ \t]*$", re.M)
HTML_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S | re.I)


def markdown_spans(text: str, dollar_inline: bool = False, double_always_display: bool = False) -> list[Span]:
    work = text
    for pattern in (FRONT, FENCE, LIQUID, COMMENT):
        for m in list(pattern.finditer(work)):
            work = blank(work, m.start(), m.end())
    setext = [m for m in SETEXT.finditer(work) if not m.group(1).lstrip().startswith("|")]  # not a table rule
    headings = sorted(
        [(m.start(), clean_title(m.group(2))) for m in ATX.finditer(work)]
        + [(m.start(), clean_title(m.group(1))) for m in setext]
        + [(m.start(), clean_title(m.group(1))) for m in HTML_HEADING.finditer(work)]
    )
    spans = []
    for start, end, inner_start, inner_end, kind in markdown_delimited(work, dollar_inline):
        paragraph = kind == "$$" and (double_always_display or alone_in_paragraph(work, start, end))
        display = paragraph or kind == "\\\\["
        inner = text[inner_start:inner_end].strip()
        spans.append(Span(inner, display, line_of(text, start), heading_at(headings, start)))
    return [s for s in spans if s.text]


def markdown_delimited(work: str, dollar_inline: bool) -> Iterator[tuple[int, int, int, int, str]]:
    """(start, end, inner start, inner end, opening delimiter) of every math span, in order."""
    closers = {"$$": "$$", "\\\\(": "\\\\)", "\\\\[": "\\\\]", "$": "$"}
    i = 0
    while i < len(work):
        ch = work[i]
        if ch == "`":  # inline code: skip to the matching run of backticks
            run = re.match(r"`+", work[i:])
            assert run is not None
            close = work.find(run.group(0), i + len(run.group(0)))
            i = close + len(run.group(0)) if close >= 0 else i + len(run.group(0))
            continue
        if ch == "\\" and work.startswith("\\$", i):
            i += 2
            continue
        opener = next((o for o in ("$$", "\\\\(", "\\\\[") if work.startswith(o, i)), None)
        if opener is None and dollar_inline and ch == "$":
            opener = "$"
        if opener is None:
            i += 1
            continue
        inner = i + len(opener)
        close = find_closer(work, inner, closers[opener], single=opener == "$")
        if close < 0:
            i = inner
            continue
        yield i, close + len(closers[opener]), inner, close, opener
        i = close + len(closers[opener])


def find_closer(work: str, start: int, closer: str, single: bool) -> int:
    j = start
    while True:
        j = work.find(closer, j)
        if j < 0:
            return -1
        if work[j - 1] == "\\" and closer.startswith("$"):
            j += 1
            continue
        if single and "\n\n" in work[start:j]:  # $...$ never crosses a paragraph
            return -1
        return j


def alone_in_paragraph(work: str, start: int, end: int) -> bool:
    """kramdown's rule: $$...$$ is display math when it is a paragraph of its own."""
    lines = work.split("\n")
    first, last = line_of(work, start) - 1, line_of(work, end) - 1
    line_start = work.rfind("\n", 0, start) + 1
    line_end = work.find("\n", end)
    before = work[line_start:start]
    after = work[end : len(work) if line_end < 0 else line_end]
    if before.strip() not in ("", ">") or after.strip(" \t.,;:"):
        return False
    above = lines[first - 1] if first > 0 else ""
    below = lines[last + 1] if last + 1 < len(lines) else ""
    return above.strip() in ("", ">") and below.strip() in ("", ">")


def jupytext_spans(text: str) -> list[Span]:
    """The Markdown cells of a percent-format notebook, read as Jupyter renders them."""
    lines = text.split("\n")
    out: list[str] = []
    in_markdown = False
    for line in lines:
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            out.append("")
        elif in_markdown and (line.startswith("# ") or line == "#"):
            out.append(line[2:])  # the cell's Markdown line, as the notebook holds it
        else:
            out.append("")
            if not line.startswith("#"):
                in_markdown = False
    return markdown_spans("\n".join(out), dollar_inline=True, double_always_display=True)


# --------------------------------------------------------------------------- reStructuredText


RST_ADORN = re.compile(r"^([=\-~+^*#\"'`:.])\1{2,}\s*$")
MATH_ROLE = re.compile(r":math:`([^`]+)`")
CODE_DIRECTIVES = ("code-block", "code", "sourcecode", "literalinclude", "doctest", "testcode", "testoutput", "raw")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def rst_spans(text: str) -> list[Span]:
    lines = text.expandtabs(8).split("\n")  # docutils reads a tab as spaces to the next multiple of 8
    return rst_lines([(k + 1, line) for k, line in enumerate(lines)], "")


def rst_lines(lines: list[tuple[int, str]], heading: str) -> list[Span]:
    """Spans of RST given as (line number, text) pairs; table cells are read recursively."""
    spans: list[Span] = []
    k = 0
    paragraph: list[tuple[int, str]] = []

    def flush() -> None:
        spans.extend(role_spans(paragraph, heading))
        paragraph.clear()

    while k < len(lines):
        number, line = lines[k]
        stripped = line.strip()
        nxt = lines[k + 1][1] if k + 1 < len(lines) else ""
        if stripped and RST_ADORN.match(nxt) and len(nxt.strip()) >= len(stripped) and not RST_ADORN.match(line):
            flush()
            heading = clean_title(stripped)
            k += 2
            continue
        if RST_ADORN.match(line) and not stripped.startswith(("+", "|")):
            k += 1
            continue
        if stripped.startswith("+-") or stripped.startswith("+="):
            flush()
            end = k
            while end < len(lines) and lines[end][1].strip().startswith(("+", "|")):
                end += 1
            spans.extend(grid_table(lines[k:end], heading))
            k = end
            continue
        directive = re.match(r"^(\s*)\.\.\s+([\w-]+)::\s*(.*)$", line)
        if directive:
            flush()
            body_end = block_end(lines, k + 1, indent_of(line))
            name = directive.group(2)
            if name == "math":
                spans.extend(math_directive(directive.group(3), lines[k + 1 : body_end], number, heading))
            elif name not in CODE_DIRECTIVES:
                spans.extend(rst_lines(lines[k + 1 : body_end], heading))
            k = body_end
            continue
        if re.match(r"^\s*\.\.(\s|$)", line) and not directive:  # a comment or a link target
            flush()
            k = block_end(lines, k + 1, indent_of(line))
            continue
        if not stripped:
            flush()
            k += 1
            continue
        paragraph.append((number, line))
        if stripped.endswith("::"):  # a literal block follows
            flush()
            after = k + 1
            while after < len(lines) and not lines[after][1].strip():
                after += 1
            if after < len(lines) and indent_of(lines[after][1]) > indent_of(line):
                k = block_end(lines, after, indent_of(line))
                continue
        k += 1
    flush()
    return spans


def block_end(lines: list[tuple[int, str]], k: int, indent: int) -> int:
    """First line after the block that starts at ``k`` and is indented more than ``indent``."""
    while k < len(lines):
        line = lines[k][1]
        if line.strip() and indent_of(line) <= indent:
            break
        k += 1
    return k


def role_spans(paragraph: list[tuple[int, str]], heading: str) -> list[Span]:
    if not paragraph:
        return []
    joined = "\n".join(line for _, line in paragraph)
    return [
        Span(m.group(1).strip(), False, paragraph[0][0] + joined.count("\n", 0, m.start()), heading)
        for m in MATH_ROLE.finditer(joined)
        if m.group(1).strip()
    ]


def math_directive(argument: str, body: list[tuple[int, str]], number: int, heading: str) -> list[Span]:
    content = [(n, line) for n, line in body]
    nowrap = False
    while content and not content[0][1].strip():
        content.pop(0)
    while content and re.match(r"^\s*:[\w-]+:", content[0][1]):  # options
        nowrap = nowrap or ":nowrap:" in content[0][1]
        content.pop(0)
    indent = min((indent_of(line) for _, line in content if line.strip()), default=0)
    rows = ([(number, argument)] if argument.strip() else []) + [(n, line[indent:].rstrip()) for n, line in content]
    spans, chunk, depth = [], [], 0
    for n, line in [*rows, (0, "")]:
        if not line.strip() and depth <= 0 and not nowrap:
            text = "\n".join(part for _, part in chunk).strip("\n")
            if text.strip():
                spans.append(Span(text, True, chunk[0][0], heading))
            chunk = []
            continue
        chunk.append((n, line))
        depth += len(re.findall(r"\\begin\{", line)) - len(re.findall(r"\\end\{", line))
    return spans


def grid_table(rows: list[tuple[int, str]], heading: str) -> list[Span]:
    """Read each cell of a grid table as RST of its own (cells separated by border lines)."""
    border = rows[0][1]
    cuts = [m.start() for m in re.finditer(r"\+", border)]
    spans: list[Span] = []
    cells: dict[int, list[tuple[int, str]]] = {}

    def flush() -> None:
        for column in sorted(cells):
            spans.extend(rst_lines(cells[column], heading))
        cells.clear()

    for number, line in rows:
        if line.strip().startswith("+"):
            flush()
            continue
        for c, (a, b) in enumerate(itertools.pairwise(cuts)):
            cells.setdefault(c, []).append((number, line[a + 1 : b].rstrip() if len(line) > a else ""))
    flush()
    return spans


# --------------------------------------------------------------------------- LaTeX


ENVIRONMENTS = ("equation", "eqnarray", "align", "gather", "multline", "displaymath", "flalign")
LATEX_HEADING = re.compile(r"\\(chapter|section|subsection|subsubsection)\*?\{([^}]*)\}")
LATEX_ENV = re.compile(r"\\begin\{(" + "|".join(ENVIRONMENTS) + r")(\*?)\}.*?\\end\{\1\2\}", re.S)
LATEX_DELIMITED = re.compile(r"\\\[(.*?)\\\]|\$\$(.*?)\$\$|\\\((.*?)\\\)|(?<![\\$])\$([^$]+?)(?<!\\)\$", re.S)


def latex_spans(text: str, chapters: tuple[str, ...]) -> list[Span]:
    work = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)
    body = work.find("\\begin{document}")
    if body > 0:
        work = blank(work, 0, body)
    headings = [(m.start(), clean_title(m.group(2))) for m in LATEX_HEADING.finditer(work)]
    chapter_starts = [(at, title) for (at, title), m in zip(headings, LATEX_HEADING.finditer(work), strict=True)
                      if m.group(1) == "chapter"]
    found: list[tuple[int, int, int, bool]] = []  # start, inner start, inner end, display
    for m in LATEX_ENV.finditer(work):
        found.append((m.start(), m.start(), m.end(), True))
        work = blank(work, m.start(), m.end())
    for m in LATEX_DELIMITED.finditer(work):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        found.append((m.start(), m.start(group), m.end(group), group <= 2))
    spans = []
    for start, a, b, display in sorted(found):
        if chapters and heading_at(chapter_starts, start) not in chapters:
            continue
        spans.append(Span(text[a:b].strip(), display, line_of(text, start), heading_at(headings, start)))
    return [s for s in spans if s.text]


# --------------------------------------------------------------------------- the corpus file


READERS: dict[str, Callable[[str, Source], list[Span]]] = {
    "markdown": lambda text, source: markdown_spans(text, dollar_inline=source.dollar_inline),
    "jupytext": lambda text, source: jupytext_spans(text),
    "rst": lambda text, source: rst_spans(text),
    "latex": lambda text, source: latex_spans(text, source.chapters),
}


def formulas(source: Source, files: dict[str, str]) -> list[dict[str, Any]]:
    names = [Path(f).name for f in source.files]
    out = []
    for path in source.files:
        short = Path(path).name if names.count(Path(path).name) == 1 else path
        spans = [s for s in READERS[source.syntax](files[path], source) if source.inline or s.display]
        for k, span in enumerate(spans, start=1):
            where = f"{path}, line {span.line}" + (f", {span.heading}" if span.heading else "")
            out.append({
                "id": f"{short}:{k}", "where": where, "display": span.display, "text": span.text,
                "context": span.heading, "core": [], "also": [], "fragment": False,
            })
    return out


def extract(source: Source, mirrors: Path) -> list[dict[str, Any]] | str:
    gd = git_dir(mirrors, source.repo)
    if gd is None:
        return f"no mirror of {source.repo} under {mirrors} (bring it with the fetch tool: github:{source.repo})"
    if git(gd, "cat-file", "-e", f"{source.commit}^{{commit}}").returncode != 0:
        return f"the mirror {gd} lacks commit {source.commit} of {source.repo}"
    files = {}
    for path in source.files:
        shown = git(gd, "show", f"{source.commit}:{path}")
        if shown.returncode != 0:
            return f"{source.repo}@{source.commit[:12]} has no file {path}"
        files[path] = shown.stdout
    return formulas(source, files)


def header(source: Source) -> dict[str, str]:
    return {
        "name": source.name, "kind": source.kind, "origin": f"github:{source.repo}@{source.commit}",
        "license": source.license, "extracted_by": SCRIPT,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help=f"one of {', '.join(SOURCES)}")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "realtext-candidates")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sources if name not in SOURCES]
    if unknown:
        parser.error(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    missing = []
    for name in args.sources or list(SOURCES):
        source = SOURCES[name]
        items = extract(source, args.mirrors)
        if isinstance(items, str):
            missing.append(items)
            print(f"{name}: MISSING: {items}", file=sys.stderr)
            continue
        target = args.out / f"{name}.toml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump(header(source), items), encoding="utf-8")
        display = sum(1 for i in items if i["display"])
        print(f"{name}: {len(items)} formulas ({display} display, {len(items) - display} inline) -> {target}")
    if missing:
        print(f"{len(missing)} source(s) missing; nothing was downloaded.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
