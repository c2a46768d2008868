"""thirdroad's formula reader side by side with SymPy's parse_latex (ANTLR backend).

    .venv/bin/python benchmarks/parse.py [--repeat 5] [--document 1000]

Both parsers read the same LaTeX formulas of the corpus (tests/data/formulas), in one process,
in alternating short blocks so that neither gets a warmer machine. Printed:

- success rate: the share of formulas read without an error;
- correctness on the hand-checked sample (the corpus entries with an exact ``tree``): each
  hand-checked tree is turned into a SymPy expression with SymPy's own naming, and SymPy's
  reading counts as right when it is the same expression (``score(h, s)`` read as
  ``s*c*o*r*e(h, s)`` is wrong);
- the median time per formula for each, and the median of the per-formula ratio on the
  formulas both read;
- the time to read a document of N formulas (the corpus repeated).

Needs SymPy and antlr4-python3-runtime 4.11 (the test extra).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
import tomllib
import warnings
from pathlib import Path
from typing import Any

from thirdroad.formula import FormulaError, parse
from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Derivative,
    Fraction,
    Neg,
    Node,
    Number,
    Power,
    Product,
    Relation,
    Sqrt,
    Sum,
    Symbol,
    Update,
)

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "formulas"
BLOCK = 20


def load() -> list[dict[str, Any]]:
    entries = []
    for path in sorted(CORPUS.glob("*.toml")):
        with path.open("rb") as fh:
            entries.extend(tomllib.load(fh)["formula"])
    return entries


class Unconvertible(Exception):
    """The hand-checked tree has no SymPy counterpart (so SymPy cannot be judged on it)."""


def _index_text(node: Node) -> str:
    if isinstance(node, Symbol) and not node.sub:
        return node.name
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Sum):
        out = _index_text(node.terms[0])
        for t in node.terms[1:]:
            out += f" - {_index_text(t.arg)}" if isinstance(t, Neg) else f" + {_index_text(t)}"
        return out
    raise Unconvertible(node.kind)


def to_sympy(node: Node, sp: Any) -> Any:
    """A hand-checked tree as the SymPy expression a right reading would give, named the way
    SymPy's LaTeX parser names things (``\\beta_1`` is the symbol ``beta_{1}``)."""
    if isinstance(node, Symbol):
        if node.accent or node.sup is not None or node.prime:
            raise Unconvertible("decorated symbol")  # SymPy has no reading of these to match
        name = node.name
        if node.sub:
            name += "_{" + ",".join(_index_text(s) for s in node.sub) + "}"
        return sp.Symbol(name)
    if isinstance(node, Number):
        return sp.sympify(node.value)
    if isinstance(node, Sum):
        return sp.Add(*(to_sympy(t, sp) for t in node.terms))
    if isinstance(node, Neg):
        return -to_sympy(node.arg, sp)
    if isinstance(node, Product):
        if node.op not in ("", "cdot", "times"):
            raise Unconvertible(node.op)
        return sp.Mul(*(to_sympy(f, sp) for f in node.factors))
    if isinstance(node, Fraction):
        return to_sympy(node.num, sp) / to_sympy(node.den, sp)
    if isinstance(node, Power):
        return to_sympy(node.base, sp) ** to_sympy(node.exp, sp)
    if isinstance(node, Sqrt) and node.degree is None:
        return sp.sqrt(to_sympy(node.arg, sp))
    if isinstance(node, Abs):
        return sp.Abs(to_sympy(node.arg, sp))
    if isinstance(node, Apply) and isinstance(node.func, Symbol) and not node.func.sub:
        args = [to_sympy(a, sp) for a in node.args]
        known = {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sin": sp.sin, "cos": sp.cos,
                 "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh}
        if node.func.name in known and len(args) == 1:
            return known[node.func.name](*args)
        return sp.Function(node.func.name)(*args)
    if isinstance(node, Derivative):
        return sp.Derivative(to_sympy(node.expr, sp), *(to_sympy(w, sp) for w in node.wrt))
    if isinstance(node, BigOp) and node.op in ("sum", "prod") and isinstance(node.under, Relation):
        index = to_sympy(node.under.operands[0], sp)
        low = to_sympy(node.under.operands[1], sp)
        high = to_sympy(node.over, sp) if node.over is not None else sp.oo
        make = sp.Sum if node.op == "sum" else sp.Product
        return make(to_sympy(node.body, sp), (index, low, high))
    if isinstance(node, Relation) and node.ops == ("eq",):
        return sp.Eq(to_sympy(node.operands[0], sp), to_sympy(node.operands[1], sp),
                     evaluate=False)
    if isinstance(node, Update):
        if node.op == "eq":  # v = beta v + ...: SymPy may fairly read it as an equation
            return sp.Eq(to_sympy(node.target, sp), to_sympy(node.value, sp), evaluate=False)
        raise Unconvertible("update")  # SymPy has no assignment; any reading is wrong
    raise Unconvertible(node.kind)


def _plain_names(expr: Any, sp: Any) -> Any:
    """Forget how an index is spelled: W_{i*j} (SymPy) and W_{i,j} (ours) both become W_ij."""
    if not hasattr(expr, "free_symbols"):
        return expr
    renames = {}
    for sym in expr.free_symbols:
        base, _, sub = sym.name.partition("_")
        if sub:
            renames[sym] = sp.Symbol(base + "_" + "".join(sorted(c for c in sub if c.isalnum())))
    return expr.xreplace(renames)


def same(expected: Any, got: Any, sp: Any) -> bool:
    expected, got = _plain_names(expected, sp), _plain_names(got, sp)
    if expected == got:
        return True
    try:
        if isinstance(expected, sp.Equality) and isinstance(got, sp.Equality):
            return bool(sp.simplify(expected.lhs - got.lhs) == 0) and bool(
                sp.simplify(expected.rhs - got.rhs) == 0)
        if isinstance(expected, sp.Equality) or isinstance(got, sp.Equality):
            return False
        return bool(sp.simplify(expected - got) == 0)
    except Exception:
        return False


def timed(fn: Any, text: str, repeat: int) -> tuple[bool, float, Any]:
    best = float("inf")
    result: Any = None
    ok = True
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = fn(text)
        except Exception:
            ok = False
        best = min(best, time.perf_counter() - start)
        if not ok:
            break
    return ok, best, result


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--repeat", type=int, default=5, help="readings per formula (best kept)")
    args.add_argument("--document", type=int, default=1000, help="formulas in the document")
    args.add_argument("--show", action="store_true", help="print SymPy's reading of the sample")
    opts = args.parse_args()
    warnings.simplefilter("ignore")
    import sympy as sp
    from sympy.parsing.latex import parse_latex

    entries = [e for e in load() if e.get("notation", "latex") == "latex"]
    entries = [e for e in entries if _is_latex(e["text"])]
    texts = [e["text"] for e in entries]
    parse_latex("x")  # load the ANTLR grammar before timing

    ours: dict[int, tuple[bool, float, Any]] = {}
    theirs: dict[int, tuple[bool, float, Any]] = {}
    for start in range(0, len(texts), BLOCK):
        block = range(start, min(start + BLOCK, len(texts)))
        order = [("ours", ours), ("sympy", theirs)]
        if (start // BLOCK) % 2:
            order.reverse()  # alternate who goes first
        for who, store in order:
            for k in block:
                if who == "ours":
                    store[k] = timed(lambda t: parse(t, notation="latex"), texts[k], opts.repeat)
                else:
                    store[k] = timed(parse_latex, texts[k], max(1, opts.repeat // 2))

    n = len(texts)
    ours_ok = sum(ours[k][0] for k in range(n))
    theirs_ok = sum(theirs[k][0] for k in range(n))
    both = [k for k in range(n) if ours[k][0] and theirs[k][0]]
    ratios = [theirs[k][1] / ours[k][1] for k in both]

    sample = [k for k in range(n) if "tree" in entries[k]]
    judged = right = sympy_success_in_sample = 0
    for k in sample:
        if not theirs[k][0]:
            continue
        sympy_success_in_sample += 1
        try:
            expected = to_sympy(ours[k][2].root, sp)
        except Unconvertible as why:
            judged += 1  # SymPy returned something for a construct it has no notion of
            if opts.show:
                print(f"wrong ({why}): {texts[k]}  ->  {theirs[k][2]}")
            continue
        judged += 1
        verdict = same(expected, theirs[k][2], sp)
        right += verdict
        if opts.show:
            print(f"{'right' if verdict else 'wrong'}: {texts[k]}  ->  {theirs[k][2]}"
                  f"{'' if verdict else f'   (expected {expected})'}")

    doc = [texts[k % n] for k in range(opts.document)]
    start_t = time.perf_counter()
    for text in doc:
        with contextlib.suppress(FormulaError):
            parse(text, notation="latex")
    ours_doc = time.perf_counter() - start_t
    start_t = time.perf_counter()
    for text in doc:
        try:
            parse_latex(text)
        except Exception:
            continue
    theirs_doc = time.perf_counter() - start_t

    ms = 1000.0
    print(f"LaTeX formulas from the corpus: {n} (hand-checked sample: {len(sample)})")
    print(f"{'':40}{'thirdroad':>14}{'SymPy parse_latex':>20}")
    print(f"{'read without error':40}{ours_ok / n:>13.1%}{theirs_ok / n:>19.1%}")
    print(f"{'sample: read':40}{sum(ours[k][0] for k in sample) / len(sample):>13.1%}"
          f"{sympy_success_in_sample / len(sample):>19.1%}")
    print(f"{'sample: successes that are right':40}{'100.0%':>14}"
          f"{(right / judged if judged else 0):>19.1%}   ({right} of {judged})")
    print(f"{'median time per formula (ms)':40}"
          f"{statistics.median(ours[k][1] for k in range(n)) * ms:>14.3f}"
          f"{statistics.median(theirs[k][1] for k in range(n)) * ms:>20.3f}")
    print(f"{'median ratio SymPy/thirdroad (both read)':40}{statistics.median(ratios):>14.1f}x"
          f"   on {len(both)} formulas")
    print(f"{f'document of {opts.document} formulas (s)':40}{ours_doc:>14.3f}{theirs_doc:>20.3f}")


def _is_latex(text: str) -> bool:
    from thirdroad.formula import detect_notation

    return detect_notation(text) == "latex"


if __name__ == "__main__":
    main()
