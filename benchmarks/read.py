"""How long the reader takes over the math of a 50-page LaTeX paper.

The paper is built from the test set's two LaTeX papers (optimizers; activations, losses and
initialisation), one copy after another until it has 50 pages' worth of text (3,000 characters
a page). Two ways to make the copies differ (``--mode``):

``copies``
    each copy puts a layer label on its parameters (``\\theta`` becomes ``\\theta^{(k)}``,
    ``\\mathcal{L}`` becomes ``\\mathcal{L}^{(k)}``). Formulas without a parameter repeat in
    every copy, so the reader's once-per-document memory does part of the work.
``distinct``
    on top of that, every variable of every formula of copy ``k`` carries ``k`` in its
    subscript (``v_t`` becomes ``v_{k,t}``, ``\\beta`` becomes ``\\beta_{k}``, ``\\ell_\\delta``
    becomes ``\\ell_{\\delta_{k}}``); index letters (``t``, ``i``, ``n`` ...), ``e`` and function
    names keep their form, so every formula is still the concept it was. Nearly every formula
    of the paper is new text: only those made of index letters and numbers alone (``$t$``,
    ``$(0, 1)$``) and the few a copy itself repeats are not.

The table gives, for each mode, the formulas found, the distinct texts among them, the
explanations computed (one per formula text and set of concepts its sentences name: the reader
shares the rest), the median of ``--repeat`` reads, the time per formula found, and the issue's
target of 5 s. A read remembers nothing of the one before: only the catalog's compiled
templates, which any session builds once, carry over. With both modes the benchmark also checks
that each formula of the distinct paper was recognised as the same concepts as its twin in the
copies paper.

    .venv/bin/python benchmarks/read.py [--pages 50] [--repeat 3] [--mode both|distinct|copies]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from thirdroad.reader import Reading, find_math, read

ROOT = Path(__file__).parents[1]
DOCUMENTS = ROOT / "tests" / "data" / "documents"
SOURCES = [DOCUMENTS / "adaptive_optimizers.tex", DOCUMENTS / "losses_activations.tex"]
PAGE_CHARS = 3_000
LIMIT_SECONDS = 5.0
MODES = ("distinct", "copies")

# A symbol token in LaTeX math: an accented symbol (its letter captured), a command, a letter.
_TOKEN = re.compile(r"\\(?:hat|bar|tilde)\{(\\?[A-Za-z]+)\}|\\[A-Za-z]+|[A-Za-z]")
# Commands whose brace group is a name or a word, never variables.
_WORD_COMMANDS = {"\\operatorname", "\\mathrm", "\\text", "\\label", "\\begin", "\\end", "\\mathcal",
                  "\\mathbb", "\\ref", "\\eqref"}
# Index letters, Euler's e, the differential and D (a divergence's name) keep their form.
_KEEP_LETTERS = set("eijkntdD")
_LABELLED_GREEK = {f"\\{g}" for g in ("alpha", "beta", "gamma", "delta", "epsilon", "eta", "lambda",
                                      "rho", "mu", "tau", "omega")}


def body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("\\begin{document}") + len("\\begin{document}")
    return text[start:text.index("\\end{document}")].replace("\\maketitle", "")


def _brace_group(text: str, at: int) -> int:
    """The end of the balanced ``{...}`` group that starts at ``at`` (``at`` itself if none)."""
    if at >= len(text) or text[at] != "{":
        return at
    depth = 0
    for i in range(at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


def _subscript(text: str, at: int) -> tuple[str, int]:
    """The subscript written at ``at`` (after its ``_``) without braces, and where it ends."""
    if text.startswith("{", at):
        end = _brace_group(text, at)
        return text[at + 1:end - 1], end
    command = re.match(r"\\[A-Za-z]+|.", text[at:])
    assert command is not None
    return command.group(), at + command.end()


def label_variables(math: str, label: int) -> str:
    """``math`` with ``label`` put first in the subscript of every variable (see the module's
    docstring for which symbols are variables)."""
    out: list[str] = []
    i = 0
    while i < len(math):
        m = _TOKEN.match(math, i)
        if m is None:
            out.append(math[i])
            i += 1
            continue
        token, end = m.group(), m.end()
        name = m.group(1) or token
        if token in _WORD_COMMANDS:
            end = _brace_group(math, end)
            out.append(math[i:end])
            i = end
            continue
        labelled = (name in _LABELLED_GREEK) or (len(name) == 1 and name not in _KEEP_LETTERS)
        if not labelled:
            out.append(token)
            i = end
            continue
        if math.startswith("_", end):
            sub, end = _subscript(math, end + 1)
            symbol = f"{token}_{{{label},{sub}}}"
        else:
            symbol = f"{token}_{{{label}}}"
        # a bare script (``\ell_\delta``) gets braces, else the new subscript would be a second one
        out.append(f"{{{symbol}}}" if i and math[i - 1] in "_^" else symbol)
        i = end
    return "".join(out)


def _label_math(copy: str, label: int) -> str:
    """``copy`` with every formula's variables labelled; the prose is left as it is."""
    regions: list[tuple[int, int]] = []
    for span, _ in find_math(copy, "latex"):
        if regions and span.start < regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], span.end))
        else:
            regions.append((span.start, span.end))
    out: list[str] = []
    last = 0
    for start, end in regions:
        out += [copy[last:start], label_variables(copy[start:end], label)]
        last = end
    out.append(copy[last:])
    return "".join(out)


def paper(pages: int, mode: str = "copies") -> str:
    """A LaTeX paper of ``pages`` pages made of labelled copies of the two test papers."""
    if mode not in MODES:
        raise ValueError(f"mode is one of {MODES}, not {mode!r}")
    bodies = [body(p) for p in SOURCES]
    parts: list[str] = []
    size = 0
    k = 0
    while size < pages * PAGE_CHARS:
        copy = bodies[k % len(bodies)]
        copy = re.sub(r"(?<!_)\\theta(?![A-Za-z])", f"\\\\theta^{{({k})}}", copy)
        copy = copy.replace("\\mathcal{L}", f"\\mathcal{{L}}^{{({k})}}")
        copy = re.sub(r"\\section\{", f"\\\\section{{Part {k}: ", copy)
        size += len(copy)  # the page count is the same in both modes: labels do not make pages
        if mode == "distinct":
            copy = _label_math(copy, k)
        parts.append(copy)
        k += 1
    return "\\documentclass{article}\n\\begin{document}\n" + "\n".join(parts) + "\n\\end{document}\n"


def _time_reads(source: str, repeat: int) -> tuple[Reading, list[float]]:
    times = []
    reading = None
    for _ in range(repeat):
        started = time.perf_counter()
        reading = read(source, format="latex", progress=False)
        times.append(time.perf_counter() - started)
    assert reading is not None
    return reading, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mode", choices=("both", *MODES), default="both")
    args = parser.parse_args(argv)
    modes = MODES if args.mode == "both" else (args.mode,)
    readings: dict[str, Reading] = {}
    rows = []
    for mode in modes:
        source = paper(args.pages, mode)
        reading, times = _time_reads(source, args.repeat)
        readings[mode] = reading
        found = len(reading.formulas)
        # explanations the reader computed: it shares one among the repeats of a formula whose
        # sentences name the same concepts
        computed = len({id(f.explained) for f in reading.formulas if f.explained is not None})
        median = statistics.median(times)
        rows.append((mode, len(source), found, len({f.text for f in reading.formulas}), computed,
                     sum(1 for f in reading.formulas if f.explanation is not None),
                     len(reading.concepts), median, min(times), 1000 * median / max(found, 1)))

    print(f"{args.pages}-page LaTeX paper, median of {args.repeat} reads; target {LIMIT_SECONDS:.0f} s\n")
    header = ("mode", "chars", "formulas", "distinct texts", "explanations", "explained", "concepts",
              "median s", "best s", "ms/formula", "target")
    print("  ".join(f"{h:>14}" if i else f"{h:<9}" for i, h in enumerate(header)))
    for mode, chars, found, distinct, computed, ok, concepts, median, best, per in rows:
        verdict = "met" if median < LIMIT_SECONDS else "MISSED"
        cells = (f"{chars:,}", found, distinct, computed, ok, concepts, f"{median:.2f}", f"{best:.2f}",
                 f"{per:.2f}", verdict)
        print(f"{mode:<9}" + "".join(f"  {c:>14}" for c in cells))
    if len(readings) == 2:
        pairs = list(zip(readings["distinct"].formulas, readings["copies"].formulas, strict=True))
        same = sum(1 for d, c in pairs if d.concepts == c.concepts)
        print(f"\nformulas of the distinct paper recognised as the same concepts as in the copies paper: "
              f"{same}/{len(pairs)}")
    return 0 if all(row[7] < LIMIT_SECONDS for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
