"""Near-misses: a chunk one change away from a concept.

Each check below proposes one small repair of a sub-expression (put back an ``exp``, a square
root, a hat; flip one sign; make two weights add to one). If the repaired expression is a
concept and the written one is not, the formula gets a warning that says what differs, what it
does to the numbers (computed with the evaluator on small inputs) and what was likely meant.

A part that already is a concept is not repaired, so correct formulas get no warning. One
exception: ``β v + β g`` also reads as momentum with two settings, but a weight written as
``β``, ``1 + β`` or ``β - 1`` where an average needs ``1 - β`` is taken as a slip; plain numbers
(``0.9 v + 0.2 g``) only where the words around the formula claim an average. Adam without bias
correction is flagged only where the words claim Adam or the formula computes Adam's two moments.

=============  =======================================  ============================
check          repair                                   concept named
=============  =======================================  ============================
lost_exp       put ``exp`` back above or below          softmax (or what it is part of)
weights        divide by the sum of the weights         weighted_average
ema_weights    make the second weight ``1 - β``          ema
lost_root      put the square root back                  adam, rmsprop, adagrad ...
sign           flip one term of an update                gradient_descent, adam ...
hats           put hats on ``m`` and ``v``               adam
=============  =======================================  ============================
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Derivative,
    Fraction,
    Gradient,
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
    map_children,
    transform,
)
from thirdroad.formula.confirm import atom_name, program_of, value_of
from thirdroad.formula.latex import to_latex
from thirdroad.formula.match import replace_at
from thirdroad.formula.named import by_numbers
from thirdroad.formula.phrases import concept_name, with_article
from thirdroad.formula.recognize import Found, Recognition, concepts_at
from thirdroad.formula.slips import edits
from thirdroad.formula.unicode import to_unicode
from thirdroad.formula.words import to_words

_E = Symbol("e")


@dataclass(frozen=True)
class Note:
    """Something in the formula that is almost, but not quite, a known concept.

    ``kind`` is ``"near_miss"``; ``message`` says what differs, what it does to the numbers and
    the likely intended formula in plain Unicode (for a terminal). ``reason`` is the message
    without that formula; ``suggestion`` is the likely intended formula as a tree, which pages
    draw (MathML) and terminals spell (Unicode), and ``intended`` its LaTeX, for the JSON.
    """

    kind: str
    concept: str
    message: str
    change: str = ""  # what differs, in a few words
    intended: str = ""  # the likely intended LaTeX
    span: tuple[int, int] = (0, 0)
    reason: str = ""  # the message up to "Likely meant:"
    suggestion: Node | None = field(default=None, compare=False)  # the likely intended formula

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "concept": self.concept, "message": self.message,
                "reason": self.reason or self.message, "intended": self.intended}


def _fmt(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 100 or abs(x) < 0.01:
        return f"{x:.2g}"
    return f"{x:.3g}"


def _values(node: Node, by_atom: Mapping[Node, Any], default: Any = 0.5) -> Any:
    """Evaluate ``node`` with the given values for some of its names (the rest get ``default``);
    None if it cannot be computed, or not on these values."""
    program = program_of(node)
    if program is None or len(program.steps) != 1:
        return None
    axes = program.steps[0].axes
    inputs: dict[str, Any] = dict.fromkeys(program.inputs, default)
    for atom, value in by_atom.items():
        name = atom_name(atom, program, axes)
        if name is not None and name in inputs:
            inputs[name] = value
    return value_of(node, inputs)


def _number(value: Any) -> float | None:
    """The first entry of a computed value, or None where nothing was computed."""
    return None if value is None else float(np.ravel(value)[0])


def _said(node: Node) -> str:
    """A small part of the formula as it is written, in one line of Unicode (\\hat{v}_t is v̂_t,
    ``\\eta \\nabla_\\theta J(\\theta)`` is η ∇_θ J(θ)); in words where it has no such spelling."""
    text = to_unicode(node)
    return text if "\\" not in text else to_words(node)


def _strip_index(node: Node) -> Node:
    return Symbol(node.name, node.font, node.accent, (), node.sup, node.prime) if isinstance(node, Symbol) else node


# --------------------------------------------------------------------------------------------
# the repairs: each yields (repaired tree, what differs, target concepts)

Repair = tuple[Node, str]


def _is_exp(node: Node) -> bool:
    return isinstance(node, Power) and node.base == _E


def _lost_exp(node: Node) -> Iterator[Repair]:
    if not (isinstance(node, Fraction) and isinstance(node.den, BigOp) and node.den.op == "sum"):
        return
    num_ok, den_ok = _is_exp(node.num), _is_exp(node.den.body)
    if num_ok and not den_ok:
        den = BigOp("sum", Power(_E, node.den.body), node.den.under, node.den.over)
        yield Fraction(node.num, den), "the denominator sums the scores themselves, not their exponentials"
    if den_ok and not num_ok:
        yield Fraction(Power(_E, node.num), node.den), "the numerator lost its exp"


def _weights(node: Node) -> Iterator[Repair]:
    """``Σ a_i x_i / D`` with D not the sum of the weights. The weights are named (a_i, w_i: a
    computed ``(x_i - x̄)`` is no weight), and D is no count (a sum divided by N or N - 1 is a
    mean or a covariance, not an average that forgot its weights)."""
    if not (isinstance(node, Fraction) and isinstance(node.num, BigOp) and node.num.op == "sum"
            and isinstance(node.num.body, Product) and len(node.num.body.factors) == 2):
        return
    if _a_count(node.den):
        return
    for weight in node.num.body.factors:
        fixed = BigOp("sum", weight, node.num.under, None)
        if isinstance(weight, Symbol) and fixed != node.den:
            yield Fraction(node.num, fixed), "the weights are not divided by their own sum"


def _a_count(node: Node) -> bool:
    """A number of things: built from numbers and capitals (N, I, |B|, N - 1), with no lowercase
    letter that could hold weights."""
    names = [n for n in node.walk() if isinstance(n, Symbol)]
    return all(n.name[:1].isupper() for n in names) and any(isinstance(n, Number | Symbol) for n in node.walk())


def _ema_weights(node: Node) -> Iterator[Repair]:
    """``a v + b x`` where b looks like a botched ``1 - a``."""
    if not (isinstance(node, Sum) and len(node.terms) == 2):
        return
    first, second = (_weighted(t) for t in node.terms)
    if first is None or second is None:
        return
    for (a, v), (b, x) in ((first, second), (second, first)):
        if _botched_complement(a, b):
            fixed = Sum((Product((a, v)), Product((Sum((Number("1"), Neg(a))), x))))
            yield fixed, "the two weights do not add up to one"


def _weighted(term: Node) -> tuple[Node, Node] | None:
    """(weight, value) of ``w x``; ``x/2`` is the weight 0.5 (the canonical form of ``0.5 x``)."""
    if isinstance(term, Product) and len(term.factors) == 2 and not term.op:
        return term.factors[0], term.factors[1]
    if isinstance(term, Fraction) and isinstance(term.den, Number):
        return Number(_fmt(1 / float(term.den.value))), term.num
    return None


def _symbolic_slip(node: Node, claims: frozenset[str]) -> bool:
    """``β v + β g`` or ``β v + (1+β) g`` may also read as momentum with odd settings, but the
    weights are clearly a slip for ``1 - β``; plain numbers count only where an average is claimed."""
    if not (isinstance(node, Sum) and len(node.terms) == 2):
        return False
    pairs = [_weighted(t) for t in node.terms]
    coefficients = [p[0] for p in pairs if p is not None]
    if len(coefficients) != 2:
        return False
    if all(isinstance(c, Number) for c in coefficients):
        return "ema" in claims
    return any(_botched_complement(a, b) for a, b in (coefficients, coefficients[::-1]))


def _botched_complement(a: Node, b: Node) -> bool:
    if isinstance(a, Number) and isinstance(b, Number):
        return abs(float(a.value) + float(b.value) - 1) > 1e-9
    if isinstance(b, Sum) and (Number("1") in b.terms or Neg(Number("1")) in b.terms):
        # (1 + β) or (β - 1) for (1 - β); (1 - τ) with another letter is a setting of its own
        return b != Sum((Number("1"), Neg(a))) and any(n == a for n in b.walk())
    return b == a


def _lost_root(node: Node) -> Iterator[Repair]:
    for sub in node.walk():
        if not isinstance(sub, Fraction):
            continue
        den = sub.den
        terms = den.terms if isinstance(den, Sum) else (den,)
        for term in terms:
            if isinstance(term, Symbol) and not _is_small(term):
                new_den = replace_at(den, term, Sqrt(term)) if isinstance(den, Sum) else Sqrt(term)
                yield replace_at(node, sub, Fraction(sub.num, new_den)), \
                    f"it divides by {_said(term)} itself, not by its square root"


def _is_small(sym: Symbol) -> bool:
    return sym.name in ("epsilon", "varepsilon", "delta")


def _flipped_sign(node: Node) -> Iterator[Repair]:
    if not isinstance(node, Sum):
        return
    for k, term in enumerate(node.terms):
        if k == 0:
            continue
        flipped = term.arg if isinstance(term, Neg) else Neg(term)
        terms = list(node.terms)
        terms[k] = flipped
        what = "adds" if not isinstance(term, Neg) else "subtracts"
        yield Sum(tuple(terms)), f"it {what} {_said(_plain(term))} where the update goes the other way"


def _plain(term: Node) -> Node:
    return term.arg if isinstance(term, Neg) else term


def _hatless(found: Found) -> Node | None:
    """The Adam step with hats on the moments, if they have none."""
    if found.template.reference != "adam_update":
        return None
    moments = [found.bindings.get("m_hat"), found.bindings.get("v_hat")]
    if not all(isinstance(s, Symbol) and s.accent != "hat" for s in moments):
        return None
    fixed = found.canon
    for s in moments:
        assert isinstance(s, Symbol)
        fixed = _replace_all(fixed, s, Symbol(s.name, s.font, "hat", s.sub, s.sup, s.prime))
    return fixed


def _replace_all(node: Node, old: Node, new: Node) -> Node:
    if node == old:
        return new
    return map_children(node, lambda child: _replace_all(child, old, new))


# Each repair, by the near-miss kind the catalog lists it under (``near_misses`` of a concept).
REPAIRS: tuple[tuple[str, Callable[[Node], Iterator[Repair]]], ...] = (
    ("lost_exp", _lost_exp),
    ("weights", _weights),
    ("ema_weights", _ema_weights),
    ("lost_root", _lost_root),
    ("sign", _flipped_sign),
)


# --------------------------------------------------------------------------------------------
# what the difference does to the numbers


_SCORES = np.array([1.0, 2.0, 0.5])


def _effect_softmax(written: Node, intended: Node, hit: Found) -> str:
    x = hit.bindings.get("x")
    if not (isinstance(x, tuple) and isinstance(x[0], Symbol)):
        return "the weights no longer sum to 1 and need not be positive"
    weights = _values(written, {_strip_index(x[0]): _SCORES})
    if weights is None or np.ndim(weights) != 1:
        return "the weights no longer sum to 1"
    scores = ", ".join(_fmt(v) for v in _SCORES)
    return f"for the scores {scores}, as written these weights sum to {_fmt(float(np.sum(weights)))}, not 1"


def _effect_weights(written: Node, intended: Node, hit: Found) -> str:
    a, x = hit.bindings.get("a"), hit.bindings.get("x")
    if not (isinstance(a, tuple) and isinstance(x, tuple)):
        return "the weights do not sum to 1, so averaging a constant does not give it back"
    # anything else in the formula (a count n) is the number of terms
    value = _values(written, {_strip_index(a[0]): _SCORES, _strip_index(x[0]): np.ones(3)}, float(_SCORES.size))
    if value is None:
        return "the weights do not sum to 1"
    total = _fmt(float(np.sum(value)))
    return (f"averaging the constant 1 with the weights {', '.join(_fmt(v) for v in _SCORES)} gives "
            f"{total}, not 1: the weights as used sum to {total}")


def _effect_ema(written: Node, intended: Node, hit: Found) -> str:
    beta = hit.bindings.get("beta")
    first, second = _coefficients(written, hit)
    values: dict[Node, Any] = {}
    where = ""
    if isinstance(beta, Symbol):
        values[beta] = 0.9
        where = f" with {_said(beta)} = 0.9"
    total = _number(_values(Sum((first, second)), values))
    if total is None:
        return "the average drifts away from the scale of its inputs"
    growth = "grows" if total > 1 else "shrinks"
    return (f"{where.strip() + ', ' if where else ''}the weights add up to {_fmt(total)}, not 1: "
            f"averaging a constant input of 1 {growth} to {_fmt(total)} after one step instead of staying at 1")


def _coefficients(written: Node, hit: Found) -> tuple[Node, Node]:
    assert isinstance(written, Sum)
    a, b = (w[0] if w is not None else Number("1") for w in (_weighted(t) for t in written.terms[:2]))
    return a, b


def _effect_root(written: Node, intended: Node, hit: Found) -> str:
    samples = {"m_hat": 0.01, "m": 0.01, "grad": 0.01, "v_hat": 1e-4, "v": 1e-4, "sq_avg": 1e-4, "acc": 1e-4,
               "theta": 0.0, "lr": 1e-3, "eps": 1e-8}
    values = _by_role(hit, samples)
    got, want = _number(_values(written, values)), _number(_values(intended, values))
    if got is None or want is None or want == 0:
        return "the step no longer has the size of the learning rate"
    return (f"with a steady gradient of 0.01 (so the squared average is 0.0001) and a learning rate of 0.001, "
            f"the step is {_fmt(abs(got))} instead of {_fmt(abs(want))}: {_fmt(abs(got / want))} times too large")


def _effect_sign(written: Node, intended: Node, hit: Found) -> str:
    samples = {"theta": 1.0, "lr": 0.1, "grad": 2.0, "m_hat": 2.0, "v_hat": 4.0, "eps": 0.0}
    values = _by_role(hit, samples)
    got, want = _number(_values(written, values)), _number(_values(intended, values))
    if got is None or want is None:
        return "the step goes uphill: the loss grows instead of shrinking"
    return (f"it climbs the loss instead of descending: from 1 with a gradient of 2 and a learning rate of 0.1 "
            f"it moves to {_fmt(got)} instead of {_fmt(want)}")


def _effect_hats(written: Node, intended: Node, hit: Found) -> str:
    # at t = 1: m = (1 - beta1) g, v = (1 - beta2) g^2; the corrected ones are g and g^2
    samples = {"m": 0.1 * 0.01, "v": 0.001 * 1e-4}
    hatted = {"m": 0.01, "v": 1e-4}
    values: dict[Node, Any] = {s: samples[s.name] for s in written.walk()
                               if isinstance(s, Symbol) and s.name in samples and not s.accent}
    values_hat: dict[Node, Any] = {s: hatted[s.name] for s in intended.walk()
                                   if isinstance(s, Symbol) and s.name in hatted and s.accent == "hat"}
    common: dict[Node, Any] = {
        s: 0.0 if s.name == "theta" else 1e-3 if s.name in ("alpha", "eta", "gamma") else 1e-8
        for s in written.walk() if isinstance(s, Symbol) and s.name in ("theta", "alpha", "eta", "gamma", "epsilon")}
    got = _number(_values(written, {**common, **values}))
    want = _number(_values(intended, {**common, **values_hat}))
    if got is None or want is None or want == 0:
        return "the first steps have the wrong size, because the averages start at zero"
    return (f"the averages start at zero, so early steps are off: at the first step (β1 = 0.9, β2 = 0.999) this "
            f"step is {_fmt(abs(got / want))} times the bias-corrected one")


def _by_role(hit: Found, samples: Mapping[str, float]) -> dict[Node, Any]:
    """Sample values for the names the match bound, by the template variable they fill."""
    out: dict[Node, Any] = {}
    for var, bound in hit.bindings.items():
        atom = _atom(bound)
        if var in samples and atom is not None:
            out[atom] = samples[var]
    return out


def _atom(bound: Any) -> Node | None:
    node = bound[0] if isinstance(bound, tuple) else bound
    return node if isinstance(node, Node) else None


EFFECTS: dict[str, Callable[[Node, Node, Found], str]] = {
    "lost_exp": _effect_softmax,
    "weights": _effect_weights,
    "ema_weights": _effect_ema,
    "lost_root": _effect_root,
    "sign": _effect_sign,
}


# --------------------------------------------------------------------------------------------


def near_misses(rec: Recognition, seed: int = 0) -> list[Note]:
    """The near-miss warnings of a recognised formula."""
    out: list[Note] = []
    known: dict[str, set[str]] = {}
    for f in (*rec.found, *rec.weak):  # a weak match is still no near miss: the formula fits it
        known.setdefault(f.path, set()).add(f.concept)
    seen: set[tuple[str, str]] = set()
    # Adam's two moments make a formula Adam's unless the words name another optimizer (an
    # RMSProp box keeps a square average and a momentum buffer too)
    others = {c.id for c in concepts_module.catalog().family("optimizers")} - {"adam", "ema", "bias_correction"}
    adam_claimed = "adam" in rec.claims or (_has_adam_moments(rec) and not rec.claims & others)
    for path, cnode in rec.canon_of.items():
        node = rec.nodes[path]
        here = known.get(path, set())
        for name, repair in REPAIRS:
            targets = checked_for(name)
            for fixed, what in repair(cnode):
                if here and not (name == "ema_weights" and _symbolic_slip(cnode, rec.claims)):
                    continue  # already a concept: not one change away from one
                if name == "ema_weights" and _numbers_only(cnode) and "ema" not in rec.claims:
                    continue  # 1a + 3b is arithmetic; plain numbers are an average's only where one is claimed
                hits = [h for h in concepts_at(fixed, seed) if h.concept in targets]
                if name == "sign":
                    hits = [h for h in hits if _descends(h, rec, path)]
                if not hits:
                    continue
                hit = _best(hits, rec, plainest=name == "lost_exp")
                if name == "ema_weights":
                    hit = replace(hit, concept="ema")  # the average is what is broken, wherever it is used
                if (hit.concept, name) in seen:
                    continue
                seen.add((hit.concept, name))
                effect = EFFECTS[name](cnode, fixed, hit)
                out.append(_warning(hit, what, effect, fixed, node.span, name))
                break
    out.extend(named_slips(rec, seed, {c for c, _ in seen}))
    if adam_claimed and not any(f.concept == "bias_correction" for f in rec.found):
        for f in rec.found:
            hatted = _hatless(f) if f.concept == "adam" else None
            if hatted is not None and ("adam", "hats") not in seen:
                seen.add(("adam", "hats"))
                effect = _effect_hats(f.canon, hatted, f)
                out.append(_warning(f, "m and v are used without bias correction (no hats)", effect, hatted,
                                    f.node.span, "hats"))
    return out


@cache
def checked_for(kind: str) -> frozenset[str]:
    """The concepts whose formulas the catalog has checked for this kind of slip."""
    return frozenset(c.id for c in concepts_module.catalog() if kind in c.near_misses)


def named_slips(rec: Recognition, seed: int = 0, flagged: set[str] | None = None) -> list[Note]:
    """Slips of a formula that names a concept the numbers deny (``Recognition.contradicted``):
    the first small edit (``slips``) that makes the numbers agree with the named concept says
    what slipped. ``\\mathrm{sigmoid}(x) = 1 / (1 + (-x))`` lost an exp: with it, it is the sigmoid."""
    out: list[Note] = []
    done = set(flagged or ())
    for path, concept in rec.contradicted:
        cnode, node = rec.canon_of.get(path), rec.nodes.get(path)
        if cnode is None or node is None or concept in done:
            continue
        for _, fixed, what in edits(cnode):
            if isinstance(by_numbers(concept, fixed, seed), tuple):
                done.add(concept)
                name = concept_name(concepts_module.catalog()[concept])
                readable = _readable(fixed)
                reason = f"This is written as {with_article(name)}, but {what}, so its values are not {name}'s."
                out.append(Note("near_miss", concept, f"{reason} Likely meant: {to_unicode(readable)}", what,
                                to_latex(readable), node.span, reason, readable))
                break
    return out


def _descends(hit: Found, rec: Recognition, path: str) -> bool:
    """A sign repair counts only for an update of a plain parameter: the name it updates is the
    equation's left-hand side, or the step is a written gradient."""
    theta = hit.bindings.get("theta")
    if not isinstance(theta, Symbol):
        return False
    parent = rec.nodes.get(path.rsplit(".", 1)[0]) if "." in path else None
    target = parent.target if isinstance(parent, Update) else (
        parent.operands[0] if isinstance(parent, Relation) else None)
    if isinstance(target, Symbol):
        return target.name == theta.name
    return isinstance(hit.bindings.get("grad"), Gradient | Derivative)


def _numbers_only(node: Node) -> bool:
    """``0.9 v + 0.1 g``: both weights of a two-term sum written as numbers."""
    pairs = [_weighted(t) for t in node.terms] if isinstance(node, Sum) else []
    return bool(pairs) and all(p is not None and isinstance(p[0], Number) for p in pairs)


def _has_adam_moments(rec: Recognition) -> bool:
    refs = {f.template.reference for f in rec.found}
    return "ema_square" in refs and "ema" in refs


def _best(hits: list[Found], rec: Recognition, plainest: bool) -> Found:
    """The concept a near-miss names: one the words claim; else, for a lost exp, the softmax the
    others build on; else the best fit (hits come best first)."""
    for h in hits:
        if h.concept in rec.claims:
            return h
    if not plainest:
        return hits[0]
    cat = concepts_module.catalog()
    ids = {h.concept for h in hits}
    for h in hits:
        if all(h.concept in cat.ancestors(o) for o in ids - {h.concept}):
            return h
    return hits[0]


def _readable(fixed: Node) -> Node:
    """The suggestion as a learner can read it: where the scores are named e (e_{t,i}), e to the
    power e_{t,i} is written exp(e_{t,i})."""
    def spelled(node: Node) -> Node:
        if isinstance(node, Power) and node.base == _E and any(
                isinstance(n, Symbol) and n.name == "e" for n in node.exp.walk()):
            return Apply(Symbol("exp"), (node.exp,))
        return node

    return transform(fixed, spelled)


def _warning(hit: Found, what: str, effect: str, fixed: Node, span: tuple[int, int], name: str) -> Note:
    concept = concepts_module.catalog()[hit.concept]
    readable = _readable(fixed)
    intended = to_latex(readable)
    shown = to_unicode(readable)
    name = concept_name(concept)
    reason = f"This looks like {with_article(name)}, but {what}; {effect}."
    message = f"{reason} Likely meant: {shown}"
    return Note("near_miss", hit.concept, message, what, intended, span, reason, readable)


__all__ = ["REPAIRS", "Note", "checked_for", "named_slips", "near_misses"]
