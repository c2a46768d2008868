"""thirdroad on real text: the development corpus of tests/data/realtext/, now and at a baseline.

    python benchmarks/realtext.py [--baseline REF | --no-baseline] [--show-false] [--show-errors] [--repeat N]
                                  [--only corpus|slips] [--source NAME] [--show-missed] [--save FILE]

For every labelled formula of the corpus (and every formula of the slip set) it calls the public
``thirdroad.explain(text, context=...)`` and reports, per source and overall:

- **formulas**, **parsed** (read without an error), and what became of the labelled
  **fragments** (an error, nothing named, or a name);
- **core**: the share of formulas with a core label for which a core id is among ``e.concepts``;
- **named true**: of all concept ids named (``e.concepts``, every formula), those in the
  formula's ``core`` or ``also`` (``--show-false`` lists the others);
- **just X**: the "This is just X" sentences of ``e.lenses["names"]``, which name the formula's
  main concept in words (the name after the article is matched to the catalog's names), and how
  many of them are true;
- **false NM**: near-miss warnings on the corpus's formulas, which are correct except the few
  whose source itself gets a concept wrong (labelled ``slip``): a warning for that concept there
  is true and counted in **source slips flagged** instead;
- **slips caught**: slips flagged by a near-miss warning for the slip's concept; "and kind" when
  the warning's words also name the kind of slip (the API has no field for the kind, so its
  ``change`` and ``message`` are searched for the kind's words);
- the median and 95th percentile of the explain time.

The same figures for the baseline (default 3865be8, the code this work started from) are computed
in the same run: its ``src/`` is taken out with ``git archive`` into a temporary folder and the
measuring runs in a subprocess with ``PYTHONPATH`` pointing there; the folder is removed
afterwards. The current code is measured the same way, from this tree's ``src/``. Any exception
other than ``FormulaError`` (and any formula taking over 30 s) is listed as a crash.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "realtext"
DEFAULT_BASELINE = "3865be8"
TIMEOUT_S = 30
KIND_WORDS = {  # the words a near-miss warning uses for each kind of slip
    "lost_exp": ("exp",),
    "lost_sqrt": ("root", "sqrt", "√"),
    "lost_square": ("square", "²"),
    "swapped_beta": ("weight", "swap", "1 -", "1-", "β"),
    "flipped_sign": ("sign", "ascent", "minus", "climb"),
    "wrong_normaliser": ("sum", "normalis", "divid", "bias correction", "power"),
    "missing_eps": ("ε", "epsilon", "eps"),
}


# --------------------------------------------------------------------------------------------
# the worker: runs in a subprocess against one version of the code, public API only


def _say_just(names: str, catalog_names: list[tuple[str, str]]) -> str | None:
    """The concept id a "This is just X" sentence names ("" when the name is not the catalog's),
    or None when the explanation has no such sentence."""
    m = re.search(r"This is just (?:an? |the )?(.+)", names)
    if m is None:
        return None
    rest = m.group(1).lower()
    for name, cid in catalog_names:  # longest first: "log-softmax" before "softmax"
        if rest.startswith(name):
            return cid
    return ""


def _explain_one(tr: Any, item: dict[str, str], repeat: int, catalog_names: list[tuple[str, str]]) -> dict[str, Any]:
    times: list[float] = []
    out: dict[str, Any] = {"key": item["key"]}
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            e = tr.explain(item["text"], context=item.get("context", ""))
        except tr.FormulaError as exc:
            times.append(time.perf_counter() - start)
            out.update(status="error", error=str(exc).splitlines()[0][:200])
            break
        except Exception as exc:  # a crash is what this benchmark exists to find: record it
            out.update(status="crash", error=f"{type(exc).__name__}: {str(exc)[:300]}")
            return out
        times.append(time.perf_counter() - start)
        out.update(status="ok", concepts=sorted(e.concepts),
                   warnings=[{"kind": w.kind, "concept": w.concept,
                              "words": f"{getattr(w, 'change', '')} {w.message}"} for w in e.warnings],
                   just=_say_just(e.lenses.get("names", ""), catalog_names))
    out["ms"] = statistics.median(times) * 1000 if times else None
    return out


def worker(items_path: Path, out_path: Path, repeat: int) -> int:
    import signal

    import thirdroad as tr

    names = {}
    for concept in tr.concepts.catalog():
        for name in (concept.name, concept.id.replace("_", " ")):
            names[name.lower()] = concept.id
    catalog_names = sorted(names.items(), key=lambda kv: -len(kv[0]))
    items = json.loads(items_path.read_text(encoding="utf-8"))

    def _timeout(signum: int, frame: Any) -> None:
        raise TimeoutError(f"explain took over {TIMEOUT_S} s")

    signal.signal(signal.SIGALRM, _timeout)
    tr.explain(r"\frac{e^{x_i}}{\sum_j e^{x_j}}")  # lazy imports and template compilation, once
    results = []
    for k, item in enumerate(items, start=1):
        signal.alarm(TIMEOUT_S)
        results.append(_explain_one(tr, item, repeat, catalog_names))
        signal.alarm(0)
        print(f"@@ {k} {len(items)}", file=sys.stderr, flush=True)
    out_path.write_text(json.dumps({"thirdroad": tr.__file__, "results": results}), encoding="utf-8")
    return 0


# --------------------------------------------------------------------------------------------
# the corpus


@dataclass
class Formula:
    source: str
    id: str
    text: str
    context: str
    display: bool
    core: list[str]
    also: list[str]
    fragment: bool
    slip: str = ""  # the concept the source itself gets wrong (kept as written), if any

    @property
    def key(self) -> str:
        return f"{self.source}/{self.id}"


@dataclass
class Slip:
    id: str
    of: str
    concept: str
    kind: str
    text: str
    context: str


def load_corpus() -> tuple[list[Formula], list[Slip]]:
    formulas = []
    for path in sorted(CORPUS.glob("*.toml")):
        if path.name == "slips.toml":
            continue
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        name = data["source"]["name"]
        for f in data["formula"]:
            formulas.append(Formula(name, f["id"], f["text"], f.get("context", ""), f["display"], f["core"],
                                    f["also"], f["fragment"], f.get("slip", "")))
    slips = []
    if (CORPUS / "slips.toml").exists():
        with open(CORPUS / "slips.toml", "rb") as fh:
            slips = [Slip(s["id"], s["of"], s["concept"], s["kind"], s["text"], s.get("context", ""))
                     for s in tomllib.load(fh).get("slip", [])]
    return formulas, slips


# --------------------------------------------------------------------------------------------
# running one side


@contextmanager
def baseline_tree(ref: str) -> Iterator[Path]:
    """``src/`` of ``ref``, extracted with git archive into a temporary folder (removed after)."""
    with tempfile.TemporaryDirectory(prefix="thirdroad-baseline-") as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src"],
                                 check=True, capture_output=True).stdout
        tar_path = Path(tmp) / "src.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / "src"


def run_side(label: str, src: Path, items: list[dict[str, str]], repeat: int) -> dict[str, dict[str, Any]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with tempfile.TemporaryDirectory(prefix="thirdroad-realtext-") as tmp:
        items_path, out_path = Path(tmp) / "items.json", Path(tmp) / "out.json"
        items_path.write_text(json.dumps(items), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(src)}
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(items_path), str(out_path),
               "--repeat", str(repeat)]
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=True) as progress:
            task = progress.add_task(f"explain ({label})", total=len(items))
            proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
            assert proc.stderr is not None
            errors = []
            for line in proc.stderr:
                if line.startswith("@@ "):
                    progress.update(task, completed=int(line.split()[1]))
                else:
                    errors.append(line)
            if proc.wait() != 0:
                raise SystemExit(f"the {label} run failed:\n{''.join(errors[-30:])}")
        data = json.loads(out_path.read_text(encoding="utf-8"))
    print(f"{label}: thirdroad from {Path(data['thirdroad']).parent}")
    return {r["key"]: r for r in data["results"]}


# --------------------------------------------------------------------------------------------
# the figures


@dataclass
class Figures:
    formulas: int = 0
    parsed: int = 0
    fragments: int = 0
    frag_error: int = 0
    frag_silent: int = 0
    frag_named: int = 0
    cored: int = 0
    core_named: int = 0
    names: int = 0
    names_true: int = 0
    just: int = 0
    just_true: int = 0
    false_nm: int = 0
    source_slips: int = 0  # formulas whose source gets a concept wrong (labelled ``slip``)
    source_slips_flagged: int = 0
    crashes: int = 0
    times: list[float] = field(default_factory=list)
    false_names: list[tuple[str, str]] = field(default_factory=list)
    false_just: list[tuple[str, str]] = field(default_factory=list)

    def add(self, f: Formula, r: dict[str, Any]) -> None:
        self.formulas += 1
        ok = r["status"] == "ok"
        self.parsed += ok
        self.crashes += r["status"] == "crash"
        if r.get("ms") is not None:
            self.times.append(r["ms"])
        concepts = r.get("concepts", [])
        true = set(f.core) | set(f.also)
        if f.fragment:
            self.fragments += 1
            self.frag_error += not ok
            self.frag_silent += ok and not concepts
            self.frag_named += ok and bool(concepts)
        if f.core and not f.fragment:
            self.cored += 1
            self.core_named += bool(set(f.core) & set(concepts))
        self.names += len(concepts)
        self.names_true += sum(c in true for c in concepts)
        self.false_names += [(f.key, c) for c in concepts if c not in true]
        if r.get("just") is not None:
            self.just += 1
            self.just_true += r["just"] in true
            if r["just"] not in true:
                self.false_just.append((f.key, r["just"] or "(a name outside the catalog)"))
        near = [w for w in r.get("warnings", []) if w["kind"] == "near_miss"]
        self.false_nm += sum(not (f.slip and w["concept"] == f.slip) for w in near)
        self.source_slips += bool(f.slip)
        self.source_slips_flagged += bool(f.slip) and any(w["concept"] == f.slip for w in near)


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


def _ms(times: list[float], q: float) -> str:
    if not times:
        return "-"
    ordered = sorted(times)
    return f"{ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]:.1f}"


def _cells(g: Figures) -> list[str]:
    return [str(g.formulas), f"{g.parsed}", f"{g.fragments}: {g.frag_error}/{g.frag_silent}/{g.frag_named}",
            f"{_ratio(g.core_named, g.cored)} ({g.core_named}/{g.cored})",
            f"{_ratio(g.names_true, g.names)} ({g.names_true}/{g.names})",
            f"{_ratio(g.just_true, g.just)} ({g.just_true}/{g.just})", str(g.false_nm),
            f"{g.source_slips_flagged}/{g.source_slips}", _ms(g.times, 0.5),
            _ms(g.times, 0.95)]


def groups(formulas: list[Formula], results: dict[str, dict[str, Any]]) -> dict[str, Figures]:
    out: dict[str, Figures] = {}
    for f in formulas:
        r = results[f.key]
        for name in (f.source, "all", "all display" if f.display else "all inline"):
            out.setdefault(name, Figures()).add(f, r)
    order = [*sorted(n for n in out if not n.startswith("all")), "all", "all display", "all inline"]
    return {n: out[n] for n in order if n in out}


def slip_figures(slips: list[Slip], results: dict[str, dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """kind -> (slips, caught with the right concept, and with words of the right kind)."""
    out: dict[str, list[int]] = {}
    for s in slips:
        r = results[f"slip/{s.id}"]
        hits = [w for w in r.get("warnings", []) if w["kind"] == "near_miss" and w["concept"] == s.concept]
        kinded = [w for w in hits if any(word in w["words"].lower() for word in KIND_WORDS[s.kind])]
        row = out.setdefault(s.kind, [0, 0, 0])
        row[0] += 1
        row[1] += bool(hits)
        row[2] += bool(kinded)
    total = [sum(v[i] for v in out.values()) for i in range(3)]
    return {**{k: (v[0], v[1], v[2]) for k, v in sorted(out.items())}, "all": (total[0], total[1], total[2])}


# --------------------------------------------------------------------------------------------
# the report


HEADERS = ["formulas", "parsed", "fragments: err/none/named", "core named", "named true", "just X true",
           "false NM", "source slips flagged", "median ms", "p95 ms"]


def report(sides: dict[str, dict[str, dict[str, Any]]], formulas: list[Formula], slips: list[Slip],
           show_false: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)
    figures = {label: groups(formulas, results) for label, results in sides.items()}
    labels = list(sides)
    title = "thirdroad on the real-text corpus"
    if len(labels) > 1:
        title += f": each source's first row is now, the next {', '.join(labels[1:])}"
    table = Table(title=title)
    table.add_column("source")
    table.add_column("code")
    for h in HEADERS:
        table.add_column(h, justify="right")
    names = list(figures[labels[0]])
    for name in names:
        for k, label in enumerate(labels):
            table.add_row(name if k == 0 else "", label, *_cells(figures[label][name]),
                          end_section=k == len(labels) - 1 and len(labels) > 1,
                          style="dim" if k else None)
    console.print(table)

    slip_table = Table(title="slips flagged (caught with the right concept / and with words of the kind)")
    slip_table.add_column("kind")
    slip_table.add_column("slips", justify="right")
    for label in labels:
        slip_table.add_column(f"caught ({label})", justify="right")
        slip_table.add_column(f"and kind ({label})", justify="right")
    per_side = {label: slip_figures(slips, sides[label]) for label in labels}
    for kind in per_side[labels[0]]:
        row = [kind, str(per_side[labels[0]][kind][0])]
        for label in labels:
            n, caught, kinded = per_side[label][kind]
            row += [f"{_ratio(caught, n)} ({caught})", f"{_ratio(kinded, n)} ({kinded})"]
        slip_table.add_row(*row)
    if slips:
        console.print(slip_table)
    _print_crashes(console, sides, formulas, slips)
    if show_false and formulas:
        _print_false(console, figures[labels[0]]["all"], sides[labels[0]], formulas, labels[0])


def _print_crashes(console: Any, sides: dict[str, dict[str, dict[str, Any]]], formulas: list[Formula],
                   slips: list[Slip]) -> None:
    texts = {f.key: f.text for f in formulas} | {f"slip/{s.id}": s.text for s in slips}
    for label, results in sides.items():
        crashes = [(k, r["error"]) for k, r in results.items() if r["status"] == "crash"]
        console.print(f"[bold]{label}[/]: {len(crashes)} crash(es) (an exception other than FormulaError)")
        for key, error in crashes:
            console.print(f"  {key}: {error}\n    text: {texts[key][:300]!r}", markup=False)


def _print_false(console: Any, g: Figures, results: dict[str, dict[str, Any]], formulas: list[Formula],
                 label: str) -> None:
    texts = {f.key: f for f in formulas}
    console.print(f"\n[bold]false names ({label})[/]: {len(g.false_names)}")
    for key, concept in g.false_names:
        f = texts[key]
        labels = f"core={f.core} also={f.also}" + (" fragment" if f.fragment else "")
        console.print(f"  {key}: named {concept}; {labels}", markup=False)
    console.print(f"\n[bold]false 'This is just X' ({label})[/]: {len(g.false_just)}")
    for key, concept in g.false_just:
        console.print(f"  {key}: just {concept}", markup=False)
    console.print(f"\n[bold]near-miss warnings on corpus formulas ({label})[/]")
    for f in formulas:
        for w in results[f.key].get("warnings", []):
            if w["kind"] == "near_miss":
                console.print(f"  {f.key}: {w['concept']}: {w['words'][:160]}", markup=False)


def _print_missed(results: dict[str, dict[str, Any]], slips: list[Slip]) -> None:
    """Every slip not caught with the right concept and kind, with the warnings it did get."""
    missed = []
    for s in slips:
        r = results[f"slip/{s.id}"]
        near = [w for w in r.get("warnings", []) if w["kind"] == "near_miss"]
        hits = [w for w in near if w["concept"] == s.concept
                and any(word in w["words"].lower() for word in KIND_WORDS[s.kind])]
        if not hits:
            missed.append((s, r, near))
    print(f"\nslips missed (now): {len(missed)}")
    for s, r, near in missed:
        got = "; ".join(f"{w['concept']}: {w['words'][:100]}" for w in near) or "no near-miss"
        named = ",".join(r.get("concepts", [])) or r.get("error", "")[:80]
        text = re.sub(r"\s+", " ", s.text)[:200]
        print(f"  {s.id} [{s.concept}] named {named}\n    warned: {got}\n    {text}")


def _print_errors(results: dict[str, dict[str, Any]], formulas: list[Formula]) -> None:
    failed = [f for f in formulas if results[f.key]["status"] == "error"]
    print(f"\nFormulaError (now): {len(failed)}")
    for f in failed:
        text = re.sub(r"\s+", " ", f.text)
        print(f"  {f.key}{' (fragment)' if f.fragment else ''}: {results[f.key]['error']}\n    {text[:160]}")


def _items(formulas: Iterable[Formula], slips: Iterable[Slip]) -> list[dict[str, str]]:
    return ([{"key": f.key, "text": f.text, "context": f.context} for f in formulas]
            + [{"key": f"slip/{s.id}", "text": s.text, "context": s.context} for s in slips])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git ref of the previous release")
    parser.add_argument("--no-baseline", action="store_true", help="measure the current code only")
    parser.add_argument("--show-false", action="store_true", help="list every false name and warning")
    parser.add_argument("--show-errors", action="store_true", help="list every formula that raised FormulaError")
    parser.add_argument("--repeat", type=int, default=1, help="explain calls per formula (median time)")
    parser.add_argument("--only", choices=("corpus", "slips"), help="measure the corpus or the slip set only")
    parser.add_argument("--source", help="measure one source only (its name, and the slips made from it)")
    parser.add_argument("--show-missed", action="store_true", help="list every slip not caught with its kind")
    parser.add_argument("--save", type=Path, help="write the current code's results (JSON) to this file")
    parser.add_argument("--worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker[0], args.worker[1], args.repeat)

    formulas, slips = load_corpus()
    if args.source:
        formulas = [f for f in formulas if f.source == args.source]
        stems = {path.stem for path in CORPUS.glob("*.toml")
                 if tomllib.loads(path.read_text(encoding="utf-8")).get("source", {}).get("name") == args.source}
        slips = [s for s in slips if s.of.split("/")[0] in stems]
    if args.only == "slips":
        formulas = []
    elif args.only == "corpus":
        slips = []
    items = _items(formulas, slips)
    sources = sorted({f.source for f in formulas})
    print(f"corpus: {len(formulas)} formulas ({sum(f.display for f in formulas)} display) from "
          f"{len(sources)} sources; {len(slips)} slips")
    sides = {"now": run_side("now", ROOT / "src", items, args.repeat)}
    if not args.no_baseline:
        with baseline_tree(args.baseline) as src:
            sides[f"base {args.baseline}"] = run_side(f"base {args.baseline}", src, items, args.repeat)
    if args.save:
        args.save.write_text(json.dumps(sides["now"]), encoding="utf-8")
    report(sides, formulas, slips, args.show_false)
    if args.show_missed:
        _print_missed(sides["now"], slips)
    if args.show_errors:
        _print_errors(sides["now"], formulas)
    return 0


if __name__ == "__main__":
    sys.exit(main())
