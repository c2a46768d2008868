"""Near-misses on a second slip set, made from trees (``slip_mutations``): every catalog formula
whose concept is checked for slips, mutated once per kind the catalog lists for it (an exp, a
root or a square dropped, β and 1 − β swapped, a sign flipped, a normaliser or an ε dropped).

The real-text slip set (tests/data/realtext/slips.toml, measured by benchmarks/realtext.py) is
made by editing LaTeX strings; a check tuned to its strings would show here. The formulas as the
catalog writes them get no warning at all, and most of their mutants get one for the right concept."""

from __future__ import annotations

from collections import Counter

from thirdroad import concepts
from thirdroad.formula import FormulaError, explain, parse

from .slip_mutations import Mutant, mutants


def catalog_formulas() -> list[tuple[str, str, tuple[str, ...]]]:
    out = []
    for c in concepts.catalog():
        if c.near_misses:
            for t in c.formulas:
                out.append((c.id, f"{t.output} = {t.latex}" if t.output else t.latex, c.near_misses))
    return out


def warned(text: str) -> list[str]:
    try:
        return [w.concept for w in explain(text).warnings]
    except FormulaError:
        return []


def test_the_catalogs_own_formulas_get_no_near_miss_warning() -> None:
    false = [(cid, text, got) for cid, text, _ in catalog_formulas() if (got := warned(text))]
    assert false == []


def test_most_one_slip_mutants_of_the_catalog_are_flagged_for_their_concept() -> None:
    made: list[Mutant] = []
    for cid, text, kinds in catalog_formulas():
        try:
            root = parse(text, "latex").root
        except FormulaError:
            continue
        made.extend(mutants(root, cid, kinds, text))
    assert len(made) >= 300
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter(m.kind for m in made)
    for m in made:
        caught[m.kind] += m.concept in warned(m.text)
    share = sum(caught.values()) / len(made)
    # measured 234 of 362 (0.65) when this test was written
    assert share >= 0.6, {k: f"{caught[k]}/{total[k]}" for k in total}
    assert all(caught[k] > 0 for k in total), {k: f"{caught[k]}/{total[k]}" for k in total}
