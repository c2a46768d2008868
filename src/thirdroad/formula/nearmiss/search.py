"""Finding a slip in one formula: repair it, and see whether it becomes a concept.

For each side of each equation, every repair of :mod:`.repairs` is tried. A repair counts when

1. the repaired expression, at the place of the repair or at a node above it within the same
   side, is a concept that the catalog checks for that kind of slip (``near_misses`` of the
   concept), found by a template or by the numbers where the formula names the concept; a quick
   look at the shape (the head and the operations of the concept's templates) comes first, so
   most repairs cost nothing;
2. the written expression at that node is no concept at all (a formula that is a concept is no
   slip of another, and each convention of a concept is a template of its own);
3. recognition of the whole repaired formula names the concept there, with the evidence
   recognition always asks for;
4. the written and the repaired expression do not give the same numbers on inputs drawn from
   the concept's declared roles and domains (where both can be computed, they must differ); and
5. no other side of the equation computes what the written side computes (``1 − σ(x) = 1/(1 + eˣ)``
   is true as written).

Of the places a repair makes a concept, the outermost one is named: a cross-entropy whose
softmax lost an exp is a cross-entropy that went wrong.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Block,
    Node,
    Number,
    Power,
    Relation,
    Statement,
    Sum,
    Symbol,
    Text,
    Update,
    node_at,
)
from thirdroad.formula.confirm import agree, atom_name, axes_of, program_of, sample, value_of
from thirdroad.formula.deadline import checkpoint
from thirdroad.formula.evidence import LOOSE_OPS, agreement, assigns_output, is_atom
from thirdroad.formula.forms import derivative_concept
from thirdroad.formula.loss_roles import says_it_is_an_error
from thirdroad.formula.match import features, head
from thirdroad.formula.named import by_numbers, context_concepts, defined
from thirdroad.formula.nearmiss.repairs import Repair, repairs, replace_path, weighted
from thirdroad.formula.normal_form import canon
from thirdroad.formula.parser.commands import d_name
from thirdroad.formula.phrases import concept_name
from thirdroad.formula.reading import Formula
from thirdroad.formula.recognize import Found, Recognition, concepts_at, recognize
from thirdroad.formula.templates import CompiledTemplate, compiled, library, symbol_tree


@dataclass(frozen=True)
class Slip:
    """A slip found: the formula at ``path`` looks like ``concept`` but for one ``kind`` of slip.
    ``written`` and ``intended`` are that node as written and as repaired; ``found`` is the
    chunk as recognition finds it in the repaired formula (its template and bindings): the
    concept itself, or, in a block, the repaired line."""

    concept: str
    kind: str
    path: str
    written: Node
    intended: Node
    what: str
    found: Found
    span: tuple[int, int] | None = None  # where in the text (the written node's span if None)


@cache
def checked_for(kind: str) -> frozenset[str]:
    """The concepts whose formulas the catalog checks for this kind of slip."""
    return frozenset(c.id for c in concepts_module.catalog() if kind in c.near_misses)


@cache
def _targets(kind: str) -> Mapping[str, tuple[CompiledTemplate, ...]]:
    """The compiled templates of the concepts checked for ``kind``, by head."""
    out: dict[str, list[CompiledTemplate]] = {}
    wanted = checked_for(kind)
    for ct in library().all:
        if ct.concept in wanted:
            out.setdefault(ct.head, []).append(ct)
    return {h: tuple(v) for h, v in out.items()}


def sides(root: Node, path: str = "0") -> Iterator[str]:
    """The paths of the expressions a formula states: each side of each equation, each line's
    value, each part of a pseudo-code line."""
    if isinstance(root, Block):
        for k, item in enumerate(root.items):
            yield from sides(item, f"{path}.{k}")
    elif isinstance(root, Statement):
        for k, part in enumerate(root.parts):
            if not isinstance(part, Text):
                yield from sides(part, f"{path}.{k}")
    elif isinstance(root, Relation):
        yield from (f"{path}.{k}" for k in range(len(root.operands)))
    elif isinstance(root, Update):
        yield f"{path}.1"
    else:
        yield path


def _up(path: str, top: str) -> Iterator[str]:
    """``path`` and each path above it, up to ``top``."""
    while True:
        yield path
        if path == top or "." not in path:
            return
        path = path.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Candidate:
    """A repair that makes the node at ``path`` the ``concept``. ``score`` counts the concept's
    names the formula writes (100 more where it names the concept itself), ``rank`` is the
    concept's place among those recognition finds there. Where the node sits inside the input
    of a larger concept that is checked for the same slip (the softmax inside a cross-entropy),
    ``outer`` is that concept's path and id: the slip is the larger concept's."""

    repair: Repair
    path: str
    concept: str
    score: int
    rank: int
    outer: tuple[str, str] | None = None

    @property
    def named(self) -> tuple[str, str]:
        """(path, concept) the warning names."""
        return self.outer if self.outer is not None else (self.path, self.concept)


# Kinds in the order they are preferred where two repairs give the same formula: a sign flip
# is the least telling (it turns 1 + β into 1 - β as well as a botched weight would).
#: Parts (tree nodes) of the largest formula a slip is looked for in: a whole algorithm box line of
#: Adam has about 40; a side of hundreds of terms is no one concept's formula, and rebuilding it
#: for every repair made the search grow with the square of the formula (2.6 s at 400 parts).
LARGEST_CONCEPT = 120
PRIORITY = ("lost_exp", "lost_sqrt", "lost_square", "wrong_weights", "swapped_beta", "wrong_normaliser",
            "missing_eps", "flipped_sign")


@dataclass
class _Search:
    rec: Recognition
    context: str
    seed: int
    memo: dict[int, Node]  # the canonical form of each node of the written formula, by id
    written: dict[str, list[Found]]  # what recognition found at each path (named or weak)
    expected: dict[str, set[str]]  # the concepts the words expect at each path
    defined: dict[str, set[str]]  # the concepts the formula itself names at each path
    documented: frozenset[str] = frozenset()  # the concepts the documented object names
    sizes: dict[str, int] = field(default_factory=dict)  # parts of the node at each path

    def candidates(self, side: str, repair: Repair) -> Iterator[Candidate]:
        """Where the repaired side is a concept checked for the repair's kind (rules 1 and 2 of
        the module docstring), and no concept of the written formula stands in the way."""
        # what holds the repair, up to the largest node a concept's formula can be: a repair is
        # made in that node only, not in the whole side (of hundreds of terms, perhaps)
        climb = []
        for path in _up(repair.lowest, side):
            if self._parts(path) > LARGEST_CONCEPT:
                break  # what holds the repair is larger than any concept's formula: no slip of one
            climb.append(path)
        if not climb:
            return
        top = climb[-1]
        repaired = replace_path(self.rec.nodes[top], "0" + repair.path[len(top):], repair.new)
        wanted = checked_for(repair.kind)
        memo = dict(self.memo)  # the new nodes live only as long as this repair is looked at
        for path in climb:
            checkpoint()  # a request that timed out stops here, not after every repair of a long side
            if self.written.get(path):
                continue  # a concept as written is no slip of another one
            cnode = canon(node_at(repaired, "0" + path[len(top):]), memo)
            named = self.expected.get(path, set()) & wanted
            if not (self._shaped(cnode, repair.kind) or named):
                continue
            outer = self._enclosing(path, side, repair.kind)
            if outer is False:
                continue
            hits = [f for f in concepts_at(cnode, self.seed) if f.concept in wanted]
            for rank, f in enumerate(hits):
                ct = compiled(f.template)
                if ct is None or (ct.generic and path != side):
                    continue  # a building block is named as a whole side only
                if f.concept not in named and not self._telling(ct, f.bindings, path, side, repair):
                    continue
                if repair.path == side and repair.kind == "flipped_sign" and not self._own_name(f, side):
                    continue  # a side without its minus is often a quantity of its own (a log-likelihood)
                if repair.kind == "lost_square" and f.concept not in named and \
                        not says_it_is_an_error(ct, f.bindings, _target(self.rec, side)):
                    continue  # 1/m Σ (a_i − y_i) is a mean error as often as an MSE that lost its square
                score = agreement(ct, f.bindings) + (100 if f.concept in named else 0)
                yield Candidate(repair, path, f.concept, score, rank, outer)
            for concept in sorted(named - {f.concept for f in hits}):
                if isinstance(by_numbers(concept, cnode, self.seed), tuple):
                    yield Candidate(repair, path, concept, 100, len(hits), outer)

    def _parts(self, path: str) -> int:
        """The number of tree nodes of the written formula at ``path`` (kept: the same paths are
        climbed for every repair)."""
        size = self.sizes.get(path)
        if size is None:
            size = self.sizes[path] = sum(1 for _ in self.rec.nodes[path].walk())
        return size

    def _enclosing(self, path: str, side: str, kind: str) -> tuple[str, str] | Literal[False] | None:
        """The concepts the written formula is above ``path`` (within its side): False where one
        of them holds the node as part of its own formula (a repair there would break a correct
        concept); else the outermost of them that is checked for ``kind`` and holds the node as
        its input, or None."""
        outer: tuple[str, str] | None = None
        mine = canon(self.rec.nodes[path], self.memo)
        for above in list(_up(path, side))[1:]:
            for f in self.written.get(above, []):
                if not _inside_binding(mine, f):
                    return False
                if f.concept in checked_for(kind):
                    outer = (above, f.concept)
        return outer

    def _telling(self, ct: CompiledTemplate, bindings: Mapping[str, Any], path: str, side: str,
                 repair: Repair) -> bool:
        """Whether the written formula tells the concept without its name (the repair itself must
        not be all the evidence: put an exp back into log(1 + u) and any log1p looks like a
        softplus). A template of more than a building block, each input a plain name, and one of:
        a name spelt as the template spells it; two telling operations of the template written
        already (the exp and the sum of a softmax that lost one exp); two weights made of one
        setting (β v + β g); an update of the very name it assigns (x_{k+1} = x_k + ...). Or,
        for any template, the side assigns the name the template's left-hand side writes."""
        target = _target(self.rec, side)
        if path == side and assigns_output(ct.template, target):
            return True  # μ = Σ x_i: the name assigned is the concept's own
        if ct.generic:
            return False
        here = self.rec.nodes[path]
        site = _at_path(here, path, repair.path)
        kept = site is not None and any(n == site for n in repair.new.walk())  # Σ_j e^{x_j} keeps e^{x_j}
        if _telling_count(here, bindings, ct.features & TELLING, None if kept else site) >= 2:
            return True
        if not all(is_atom(b) for v, b in bindings.items()
                   if ct.roles.get(v) not in ("index", "bound_index", "size") and not v.startswith("_")):
            return False
        if _names_agree(ct, bindings) or _weights_named(ct, bindings):
            return True
        if repair.kind in ("wrong_weights", "swapped_beta"):
            return _symbolic_weights(self.rec.nodes[repair.path])
        theta = bindings.get("theta")
        return isinstance(theta, Symbol) and isinstance(target, Symbol) and target.name == theta.name

    def _own_name(self, found: Found, side: str) -> bool:
        """Whether the formula itself says the side is the concept: it names it, the object it
        documents names it (its main expression only), or it assigns the side to the name (or
        the call) the concept's left-hand side writes (ℓ(x, y) = ...)."""
        if found.concept in self.defined.get(side, set()):
            return True
        if side == self.rec.main_path and found.concept in self.documented:
            return True  # the docstring of CrossEntropyLoss says its formula is the loss itself
        output = symbol_tree(found.template.output) if found.template.output else None
        target = _target(self.rec, side)
        return _head(output) is not None and _head(output) == _head(target)

    @staticmethod
    def _shaped(cnode: Node, kind: str) -> bool:
        """Whether some template of a concept checked for ``kind`` could match ``cnode``."""
        templates = _targets(kind).get(head(cnode), ())
        if not templates:
            return False  # no template has this head: the features (a walk of the tree) are not needed
        feats = features(cnode)
        return any(not (ct.features - LOOSE_OPS) - feats for ct in templates)

    def confirmed(self, candidate: Candidate) -> Slip | None:
        """The slip, if recognition of the repaired formula names the concept there (rule 3)
        and the numbers tell the written and the repaired node apart (rule 4)."""
        repair = candidate.repair
        root = replace_path(self.rec.formula.root, repair.path, repair.new)
        again = recognize(Formula(root, self.rec.formula.source, self.rec.formula.notation),
                          context=self.context, seed=self.seed)
        if not any(f.path == candidate.path and f.concept == candidate.concept for f in again.found):
            return None
        path, concept = candidate.named
        found = next((f for f in again.found if f.path == path and f.concept == concept), None)
        if found is None:
            return None
        written, intended = self.rec.nodes[path], node_at(root, path)
        if differ(canon(written, self.memo), found.canon, found, self.seed) is False:
            return None  # the same numbers: the repair changed nothing that matters
        what = repair.what
        if candidate.outer is not None:
            what = f"in its {concept_name(concepts_module.catalog()[candidate.concept])}, {what}"
        return Slip(concept, repair.kind, path, written, intended, what, found)


# Operations that tell a concept apart from plain arithmetic.
TELLING = frozenset({"exp", "big:sum", "big:prod", "sqrt", "f:log", "f:tanh", "f:sigma", "norm", "abs", "cases",
                     "f:max", "f:min", "transpose", "inverse", "gradient", "derivative"})


def _at_path(node: Node, path: str, inner: str) -> Node | None:
    """The node at path ``inner`` inside ``node`` (whose path is ``path``), if it is inside."""
    if not inner.startswith(path):
        return None
    return node_at(node, "0" + inner[len(path):])


def _head(node: Node | None) -> tuple[str, str] | None:
    """The name a left-hand side writes: its symbol, or the function it calls (ℓ of ℓ(x, y))."""
    if isinstance(node, Apply):
        node = node.func
    while isinstance(node, Power):
        node = node.base
    return (node.name, node.accent) if isinstance(node, Symbol) else None


def _names_agree(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether one of the names the formula writes is spelt as the template spells it, leaving
    out an elementwise function's input (the x of log(1 + x) is anybody's x)."""
    kept = {v: b for v, b in bindings.items() if ct.roles.get(v) != "tensor"}
    return agreement(ct, kept) >= 1


def _telling_count(node: Node, bindings: Mapping[str, Any], ops: frozenset[str], skip: Node | None = None) -> int:
    """How many telling operations of the concept's own formula (``ops``: its exp, its sum ...)
    ``node`` writes outside what the concept's variables are bound to (an exp or a log inside an
    input is not the concept's) and outside ``skip`` (the part a repair replaces), each counted
    where it is written (e^{s_k} / e^{s_m} writes two). A log-likelihood's sum of logs is no
    partition function that lost its exp: a log is none of the partition function's operations."""
    bound = {b[0] if isinstance(b, tuple) else b for b in bindings.values()}
    bound = {b for b in bound if isinstance(b, Node) and not isinstance(b, Symbol)}
    count = 0
    stack = [node]
    while stack:
        n = stack.pop()
        if n in bound or n is skip:
            continue
        count += _telling_here(n) in ops
        stack.extend(n.children())
    return count


_CANONICAL_CALLS = {"ln": "log", "sigmoid": "sigma", "Sigmoid": "sigma", "Tanh": "tanh"}


def _telling_here(n: Node) -> str:
    """The telling operation at the top of ``n`` (an exp, a sum, a root, a log ...), or ""."""
    if isinstance(n, Power):
        return "exp" if n.base == Symbol("e") else ""
    if isinstance(n, Apply):  # the tree as written: exp(x), ln(x) and sigmoid(x) are calls
        name = n.func.name if isinstance(n.func, Symbol) else ""
        return "exp" if name == "exp" else f"f:{_CANONICAL_CALLS.get(name, name)}"
    if isinstance(n, BigOp):
        return f"big:{n.op}"
    return n.kind if n.kind in TELLING else ""


def _weights_named(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether weights that must add up to one are bound to a name the concept writes for such
    weights in any of its templates (α_t for the weights of an average)."""
    for template in concepts_module.catalog()[ct.concept].formulas:
        for var, others in template.normalised:
            bound = bindings.get(var)
            atom = bound[0] if isinstance(bound, tuple) else bound
            if not isinstance(atom, Symbol):
                continue
            for name in (template.variable(var).symbol, *others):
                sym = symbol_tree(name)
                if isinstance(sym, Symbol) and (sym.name, sym.accent) == (atom.name, atom.accent):
                    return True
    return False


def _symbolic_weights(node: Node) -> bool:
    """Two weights of a sum written with a setting, not as numbers (β v + (1 + β) g)."""
    pairs = [weighted(t) for t in node.terms] if isinstance(node, Sum) else []
    return len(pairs) == 2 and all(p is not None and not isinstance(p[0], Number) for p in pairs)


def _a_derivative(node: Node | None) -> bool:
    """Whether a side is assigned to a derivative: ∂J/∂b, ∇_b J, J'(θ), or a name written as one
    (db, dW, as Ng's course names the gradients of a loss). What computes a loss's derivative is
    no loss that slipped: the derivative of a squared error is a plain difference."""
    return node is not None and (derivative_concept(node) is not None or d_name(node) is not None)


def family_of(cid: str) -> str:
    """The catalog family of a concept ("" for an id the catalog lacks)."""
    cat = concepts_module.catalog()
    return cat[cid].family if cid in cat else ""


def _target(rec: Recognition, side: str) -> Node | None:
    """What the statement whose value is ``side`` assigns to (its left-hand side)."""
    parent = rec.nodes.get(side.rsplit(".", 1)[0]) if "." in side else None
    if isinstance(parent, Update):
        return parent.target
    if isinstance(parent, Relation) and side.endswith(f".{len(parent.operands) - 1}"):
        return parent.operands[0]
    return None


def _inside_binding(node: Node, found: Found) -> bool:
    """Whether ``node`` (canonical) is, or is inside, what one of the concept's variables is bound to."""
    for bound in found.bindings.values():
        value = bound[0] if isinstance(bound, tuple) else bound
        if isinstance(value, Node) and any(n == node for n in value.walk()):
            return True
    return False


_MOST = 6  # candidates checked in full per side, best first


def chunk_slips(rec: Recognition, context: str = "", seed: int = 0) -> list[Slip]:
    """The slips of a formula read chunk by chunk (see the module docstring); at most one per
    side of an equation."""
    written: dict[str, list[Found]] = {}
    for f in (*rec.found, *rec.weak):
        written.setdefault(f.path, []).append(f)
    memo = {id(rec.nodes[p]): c for p, c in rec.canon_of.items()}
    search = _Search(rec, context, seed, memo, written, _expected(rec, context), _defined(rec),
                     frozenset(context_concepts(context)))
    out: list[Slip] = []
    for side in sides(rec.formula.root):
        if side not in rec.nodes:
            continue
        found: dict[tuple[str, Node, str, str], Candidate] = {}
        target = _target(rec, side)
        squared = isinstance(target, Power) and target.exp == Number("2")
        for repair in repairs(rec.nodes[side], base=side, update=isinstance(target, Symbol), squared=squared):
            for c in search.candidates(side, repair):
                found.setdefault((repair.path, repair.new, c.path, c.concept), c)
        if _a_derivative(target):  # db = 1/m Σ (a_i − y_i) is the loss's derivative, not the loss
            found = {k: c for k, c in found.items() if family_of(c.concept) != "losses"}
        if not found or _consistent(rec, side, seed):
            continue  # no repair makes a concept, or the equation's other side says it is right
        # the outermost concept first (a cross-entropy rather than its softmax), then one the
        # formula names, then the kind that says most, then the repair that leaves most of the
        # concept's names in place (hats on m and v: Adam rather than Adagrad), then
        # recognition's own order (the EMA a line of Adam is)
        best: dict[tuple[str, Node], int] = {}
        for c in found.values():
            best[(c.repair.path, c.repair.new)] = max(best.get((c.repair.path, c.repair.new), 0), c.score)
        ranked = sorted(found.values(), key=lambda c: (c.named[0].count("."), c.score < 100,
                                                       PRIORITY.index(c.repair.kind),
                                                       -best[(c.repair.path, c.repair.new)], c.rank))
        for candidate in ranked[:_MOST]:
            slip = search.confirmed(candidate)
            if slip is not None:
                out.append(slip)
                break
    return out


def _defined(rec: Recognition) -> dict[str, set[str]]:
    """The concepts the formula itself names at each path: the sides of an equation whose left
    side calls a concept by name (``\\text{Softmax}(x_i) = ...``)."""
    out: dict[str, set[str]] = {}
    for path, node in rec.nodes.items():
        for k, named in defined(node):
            out.setdefault(f"{path}.{k}", set()).update(named)
    return out


def _expected(rec: Recognition, context: str) -> dict[str, set[str]]:
    """The concepts the formula's words expect at each path: what it names itself
    (:func:`_defined`), the concepts the words around it name at each side, and the object or
    heading it is documented under at its main expression."""
    out = _defined(rec)
    for side in sides(rec.formula.root):
        out.setdefault(side, set()).update(rec.claims)
    out.setdefault(rec.main_path, set()).update(context_concepts(context))
    return out


def _consistent(rec: Recognition, side: str, seed: int) -> bool:
    """Whether another side of the same equation computes what this side computes: then the
    side is what the equation says it is, whatever it looks like."""
    parent_path = side.rsplit(".", 1)[0] if "." in side else ""
    parent = rec.nodes.get(parent_path)
    if not isinstance(parent, Relation) or not set(parent.ops) <= {"eq", "def", "equiv"}:
        return False
    mine = rec.canon_of.get(side)
    if mine is None:
        return False
    for k in range(len(parent.operands)):
        other = rec.canon_of.get(f"{parent_path}.{k}")
        if other is not None and f"{parent_path}.{k}" != side and same_numbers(mine, other, seed):
            return True
    return False


# --------------------------------------------------------------------------------------------
# the numbers


def _draw(nodes: tuple[Node, ...], found: Found | None, rng: np.random.Generator, positive: bool,
          arrays: bool) -> dict[str, Any]:
    """Inputs for every name of ``nodes``: a variable of the concept's template drawn from its
    role, axes and domain, any other name a number or an array as the formula writes it (an
    array in any case where ``arrays``: x − mean(x) is 0 for a number)."""
    declared: dict[str, tuple[str, int, tuple[str, ...]]] = {}
    ct = compiled(found.template) if found is not None else None
    program = program_of(found.canon) if found is not None else None
    if found is not None and ct is not None and program is not None and len(program.steps) == 1:
        axes = program.steps[0].axes
        for var, bound in found.bindings.items():
            atom = bound[0] if isinstance(bound, tuple) else bound
            name = atom_name(atom, program, axes) if isinstance(atom, Node) else None
            if name is not None and var in ct.roles:
                v = found.template.variable(var)
                declared.setdefault(name, (v.role, axes_of(ct, var), v.domain))
    values: dict[str, Any] = {}
    for node in nodes:
        planned = program_of(node)
        if planned is None:
            continue
        for name in planned.inputs:
            if name in values:
                continue
            rank = _rank(node, name, planned)
            role, rank, domain = declared.get(name, ("tensor", max(rank, 1) if arrays else rank, ()))
            if role in ("index", "bound_index", "function", "label"):
                role = "scalar"
            values[name] = sample(role, rank, rng, positive, domain)
    return values


def _rank(node: Node, name: str, program: Any) -> int:
    """How many index axes the formula writes on a name (0 for a plain name)."""
    axes = program.steps[0].axes if program.steps else frozenset()
    for sym in node.walk():
        if isinstance(sym, Symbol):
            got, letters = program.name_of(sym, axes)
            if got == name and letters:
                return len(letters)
    return 0


def differ(written: Node, intended: Node, found: Found | None, seed: int) -> bool | None:
    """Whether two trees give different numbers on inputs drawn for the intended concept:
    True, False (they agree), None (they could not both be computed). The first draw on which
    they differ decides: most repairs tried differ at once, and a side of a long derivation takes
    a while to compute."""
    agreed = False
    for positive, arrays in itertools.product((True, False), (False, True)):
        rng = np.random.default_rng(seed + 11)
        values = _draw((written, intended), found, rng, positive, arrays)
        got, want = value_of(written, values), value_of(intended, values)
        if got is None or want is None:
            continue
        with np.errstate(all="ignore"):
            if not agree(got, want):
                return True
        agreed = True
    return False if agreed else None


def same_numbers(a: Node, b: Node, seed: int) -> bool:
    """Whether two trees agree on random inputs (both computed, every draw)."""
    verdict = differ(a, b, None, seed)
    return verdict is False


__all__ = ["Slip", "checked_for", "chunk_slips", "differ", "family_of", "same_numbers", "sides"]
