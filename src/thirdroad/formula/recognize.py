"""Recognition: find the catalog's concepts inside a formula, at every level.

Every sub-expression is a candidate. For each one:

1. **structural**: the catalog's templates (parsed and turned into patterns once, then cached)
   are filtered by cheap signatures (the kind of the top node, the operations present) and the
   survivors are matched modulo commutativity, associativity, renaming and notation
   (``match.py``);
2. **numeric confirmation**: where the match bound plain names, the chunk is evaluated on random
   inputs and compared with the concept's NumPy reference called with the bindings. A match the
   numbers contradict is dropped;
3. **numeric search**: a sub-expression no template matched, with one or two inputs, is
   evaluated on fixed inputs and looked up among the references' values on the same inputs
   (a softmax with a temperature, ``\\tanh(x/2)/2 + 1/2``); a hit is confirmed on random inputs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Template
from thirdroad.formula.ast import (
    Apply,
    Derivative,
    Gradient,
    Node,
    Relation,
    Sum,
    Symbol,
    paths,
)
from thirdroad.formula.attention_roles import attention_roles
from thirdroad.formula.backprop_form import passes_back
from thirdroad.formula.claims import claims, families
from thirdroad.formula.confirm import agree, atom_name, computable, confirm, numeric_search, program_of
from thirdroad.formula.deadline import checkpoint
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.evidence import (
    LOOSE_OPS,
    agreement,
    arithmetic,
    assigns_another,
    assigns_output,
    conflicts,
    crossed,
    cut_optimum,
    enough,
    gated_by_names,
    guessed_spans,
    is_atom,
    misfits,
    notation_allows,
    notation_decides,
    one_gradient,
    plausible,
    reads_a_role,
    roles_written,
    state_update_elsewhere,
    statistics_of_data,
    unassigned_prediction,
    unseen_shape,
    updates_its_parameter,
)
from thirdroad.formula.forms import (
    batch_gradient,
    computed_by_rule,
    defines_expectation,
    derivative_concept,
    is_chain,
    per_element,
)
from thirdroad.formula.found import SKIP, Found, Recognition, main_path, target_of, whole_paths
from thirdroad.formula.guards import guards
from thirdroad.formula.holes import (
    constant_over_the_terms,
    derivatives_written,
    distributions_apart,
    entries_not_vectors,
    labels_written_as_labels,
    masks_written,
    numbers_as_matrices,
    penalised_weights_are_names,
    settings_apart,
    states_are_names,
    statistics_are_names,
)
from thirdroad.formula.layer_chain import layer_chain, recurrent_cells
from thirdroad.formula.layer_guard import layer_guard
from thirdroad.formula.literal_vectors import one_hot_vectors
from thirdroad.formula.loss_roles import (
    compares_predictions,
    errors_of_predictions,
    in_a_larger_form,
    probability_of_its_outcome,
    unnormalised,
)
from thirdroad.formula.match import features, filled, heads, match, matches_as_written, size
from thirdroad.formula.named import applied, by_numbers, context_concepts, defined
from thirdroad.formula.named_roles import named_roles
from thirdroad.formula.normal_form import canon
from thirdroad.formula.reading import Formula, parse
from thirdroad.formula.templates import (
    DISTINCT,
    CompiledTemplate,
    Library,
    compile_template,
    compiled,
    library,
    same_formula,
    symbol_tree,
)
from thirdroad.formula.weights import weights_known

_SEARCH_FEATURES = frozenset({"exp", "fraction", "bigop", "sqrt", "abs", "norm", "f:tanh", "f:log", "f:sigma",
                              "f:max", "f:min", "cases"})


def _order(hits: Mapping[str, Found]) -> list[str]:
    """The concepts of one chunk, the one to name first first: the template written with the
    chunk's own names (hats on m and v say Adam rather than RMSProp), then a concept the others
    all build on (the softmax inside attention weights), then the more specific."""
    cat = concepts_module.catalog()
    ids = list(hits)
    names = {}
    for c in ids:
        ct = compiled(hits[c].template)
        names[c] = agreement(ct, hits[c].bindings) if ct is not None else 0
    best = max(ids, key=lambda c: names[c]) if ids else ""

    def key(c: str) -> tuple[int, int, int, str]:
        # the concept under all the others, where it computes the same thing: the EMA line of
        # Adam is an EMA first; Adam's step is Adam, not RMSProp, although Adam builds on it
        under_all = len(ids) > 1 and all(c in cat.ancestors(o) for o in ids if o != c) and \
            hits[c].template.reference == hits[best].template.reference
        return (0 if under_all else 1, -names[c], -len(cat.ancestors(c)), c)

    return sorted(ids, key=key)


def recognize(formula: Formula | str, *, context: str = "", seed: int = 0) -> Recognition:
    """Find the chunks of a formula (see the module docstring)."""
    if isinstance(formula, str):
        formula = parse(formula)
    lib = library()
    result = Recognition(formula, main_path=main_path(formula.root), claims=claims(formula, context),
                         families=families(formula, context))
    guesses, whole = guessed_spans(formula), whole_paths(formula.root) | {result.main_path}
    names = _names_written(formula.root, whole)
    memo: dict[int, Node] = {}
    for path, node in paths(formula.root):
        result.nodes[path] = node
        if isinstance(node, SKIP):
            continue
        cnode = canon(node, memo)
        result.canon_of[path] = cnode
        target = target_of(path, result.nodes)
        written = names.get(path, frozenset())
        found = _named(_at(path, node, cnode, lib, seed, written, target), node, path in whole, target, result,
                       guesses, written)
        if isinstance(cnode, Sum) and not found:
            found = _named(_parts_of_sum(path, node, cnode, lib, seed), node, path in whole, target, result,
                           guesses)
        if not found:
            found = _named(_reduced_loss(path, node, cnode, lib, seed, target), node, path in whole, target, result,
                           guesses)
        result.found.extend(found)
    _by_form(result, whole)
    _by_name(result, context, whole, seed)
    named_roles(result, seed)
    attention_roles(result)
    guards(result)
    layer_guard(result)
    layer_chain(result)
    recurrent_cells(result)
    one_hot_vectors(result)
    main = result.nodes.get(result.main_path)
    result.main = main
    return result


def _by_form(result: Recognition, whole: frozenset[str]) -> None:
    """Concepts a form names (``forms``): a chain of derivatives is the chain rule wherever it
    stands; a derivative written as a whole side of the formula is the derivative its notation
    says (``\\nabla f``, ``tanh'(z)``); an expectation the formula defines (``E_P[g]``, ``\\mu = \\mathbb{E}[X]``)
    is an expectation where no template names it otherwise."""
    cat = concepts_module.catalog()
    # df/dx = df/dg dg/dx is about the chain rule, not about the derivative it computes
    # (where the chain runs through other variables, every side of it: ∂ℓ/∂Ω = ∂ℓ/∂f h^T is about
    # the rule, and so is its ∂ℓ/∂f alone on a side)
    by_rule: set[str] = set()
    for path, node in result.nodes.items():
        if isinstance(node, Relation) and computed_by_rule(node):
            sides = len(node.operands) if computed_by_rule(node, through_other_variables=True) else 1
            by_rule.update(f"{path}.{k}" for k in range(sides))
    # (a Jacobian stays: that an array's derivative by an array is a matrix is worth saying)
    result.found = [f for f in result.found if not (f.path in by_rule and f.concept in _SCALAR_DERIVATIVES)]
    for path, node in result.nodes.items():
        there = {f.concept for f in result.found if f.path == path}
        named = ["chain_rule"] if is_chain(node) else []
        if passes_back(node):
            named.append("backpropagation")
        concept = derivative_concept(node, result.formula.source) if path in whole else None
        if path in by_rule and concept in _SCALAR_DERIVATIVES:
            concept = None
        if concept is not None and not there & _DERIVATIVES:
            named.append(concept)
        if not there and defines_expectation(node, result.nodes.get(path.rpartition(".")[0]), result.formula.root):
            named.append("expectation")
        if "chain_rule" in named:  # a chain written with dots is no dot product of derivatives
            result.found = [f for f in result.found if f.path != path or not _compiled_generic(f.template)
                            or f.concept == "chain_rule"]
        for cid in named:
            if cid not in there:
                cnode = result.canon_of.get(path, node)
                result.found.append(Found(path, node, cnode, cid, cat[cid].formulas[0], {}, "structural", False))


_DERIVATIVES = frozenset({"derivative", "partial_derivative", "gradient", "jacobian", "hessian"})
_SCALAR_DERIVATIVES = frozenset({"derivative", "partial_derivative", "gradient"})


def _names_written(root: Node, whole: frozenset[str]) -> dict[str, frozenset[str]]:
    """The concepts the formula names at each place: a side that calls a concept by its name,
    and the other sides of an equation whose left-hand side does (``\\text{GELU}(x) = ...``)."""
    out: dict[str, set[str]] = {}
    for path, node in paths(root):
        if path in whole:
            out.setdefault(path, set()).update(applied(node))
        for k, concepts in defined(node):
            out.setdefault(f"{path}.{k}", set()).update(concepts)
    return {p: frozenset(c) for p, c in out.items() if c}


def _by_name(result: Recognition, context: str, whole: frozenset[str], seed: int) -> None:
    """Name evidence (``named``): a side of the formula that calls a concept by its name, a
    named call defined by an equation, and the concept the text around the formula names, each
    checked against the formula. (A named call inside a larger expression, tanh(x) in
    1 - tanh²(x), is read as the function it is, not named as a chunk of its own.)"""
    # (path of a call, concept) its definition decides: named on the right-hand side, or contradicted there
    wrong: set[tuple[str, str]] = set()
    cat = concepts_module.catalog()
    for path, node in list(result.nodes.items()):
        for k, concepts in defined(node):
            side = f"{path}.{k}"
            for concept in concepts:
                there = {f.concept for f in result.found if f.path == side}
                # the side is another concept, not this one nor a part of it: \mbox{ReLU}[z] defined
                # with a slope below zero is a leaky ReLU, whatever it is called
                other = there and concept not in there and not all(c in cat.ancestors(concept) for c in there)
                if other or _symbol_defined_otherwise(result, node, side, concept):
                    wrong.add((f"{path}.0", concept))
                    continue
                verdict = _name(result, side, concept, "name", seed)
                if verdict is not None:  # the right-hand side is it, or is not: the call is not named again
                    wrong.add((f"{path}.0", concept))
    wrong |= _chained_otherwise(result)
    said = context_concepts(context)
    for path, node in list(result.nodes.items()):
        called = applied(node) if path in whole else ()
        for concept in called:  # a name several concepts share (score) names none by itself
            if _placeholder_call(node) or (path == "0" and _symbol_of_another(node, concept, said)):
                continue
            if (path, concept) not in wrong:
                _name(result, path, concept, "name", seed, call=len(called) == 1)
    main = result.nodes.get(result.main_path)
    for concept in said:
        if main is not None and derivative_concept(main) is not None and cat[concept].family != "calculus":
            continue  # tanh'(W h + U x) under an RNN heading is a derivative, not the cell
        if not any(f.concept == concept for f in result.found):
            _name(result, result.main_path, concept, "words", seed)


def _placeholder_call(node: Node) -> bool:
    """``\\sigma(\\cdot)``: a function's name with a dot for its argument, a name alone."""
    return isinstance(node, Apply) and len(node.args) == 1 and isinstance(arg := node.args[0], Symbol) \
        and arg.name in ("cdot", "bullet", "dots", "cdots", "ldots")


def _symbol_of_another(node: Node, concept: str, said: Iterable[str]) -> bool:
    """A conventional symbol (σ, for a sigmoid) where the words around name another concept of
    its kind that does not build on it: σ(z) alone under the heading "Softmax activation" is the
    softmax (written as one side of an equation, the σ of a hierarchical softmax stays a sigmoid)."""
    cat = concepts_module.catalog()
    return isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name == "sigma" and \
        any(c != concept and cat[c].family == cat[concept].family and concept not in cat.ancestors(c) for c in said)


def _chained_otherwise(result: Recognition) -> set[tuple[str, str]]:
    """(path, concept) of named calls in the middle of a chain whose last side is found as another
    concept of the chain's kind: ``a[z] = \\mbox{ReLU}[z] = \\begin{cases} \\alpha z ...`` calls a leaky
    ReLU by ReLU's name."""
    cat = concepts_module.catalog()
    out = set()
    for path, node in result.nodes.items():
        if not (isinstance(node, Relation) and len(node.operands) >= 3 and set(node.ops) <= {"eq"}):
            continue
        there = {f.concept for f in result.found if f.path == f"{path}.{len(node.operands) - 1}"}
        for k, operand in enumerate(node.operands[1:-1], start=1):
            for concept in applied(operand):
                if there and concept not in there and not all(c in cat.ancestors(concept) for c in there):
                    out.add((f"{path}.{k}", concept))
    return out


def _derivatives_kept(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether every input the template writes as a derivative (the chain rule's dz/dy) is one
    in the formula too, not a plain name."""
    return not any(isinstance(symbol_tree(v.symbol), Derivative | Gradient) and isinstance(bindings.get(v.name), Symbol)
                   for v in ct.template.variables)


def _symbol_defined_otherwise(result: Recognition, relation: Node, side: str, concept: str) -> bool:
    """A conventional symbol (σ for a sigmoid, ``named.applied``) yields to what its equation
    defines: ``σ(z_i) = e^{z_i} / Σ_j e^{z_j}`` uses σ for a softmax, written anywhere in the side."""
    lhs = relation.operands[0] if isinstance(relation, Relation) else None
    if not (isinstance(lhs, Apply) and isinstance(lhs.func, Symbol) and lhs.func.name == "sigma"):
        return False
    cat = concepts_module.catalog()
    return any(f.path.startswith(side) and f.concept != concept and cat[f.concept].family == cat[concept].family
               for f in result.found)


def _name(result: Recognition, path: str, concept: str, how: str, seed: int, call: bool = False) -> bool | None:
    """Name ``concept`` at ``path`` on a name: where a template or the numbers found it there
    already the name is added to its evidence; otherwise the numbers must agree, or the node must
    be the very call of the name. False where the numbers contradict the name."""
    for k, f in enumerate(result.found):
        if f.path == path and f.concept == concept:
            result.found[k] = replace(f, named=f.named or how)
            return True
    node, cnode = result.nodes.get(path), result.canon_of.get(path)
    if node is None or cnode is None:
        return None
    checked = by_numbers(concept, cnode, seed)
    if isinstance(checked, tuple):
        ct, mapping = checked
        bindings = {var: _input_node(cnode, name) for var, name in mapping.items()}
        if not _derivatives_kept(ct, bindings):
            return None  # f = q z agrees with the chain rule's product only as any product does
        result.found.append(Found(path, node, cnode, concept, ct.template, bindings, "numeric", True, how))
        return True
    if checked is False or checked == "short":
        result.contradicted.append((path, concept))  # a slip may explain it (nearmiss.named_slips)
    if checked is False:
        return False
    if call:
        template = concepts_module.catalog()[concept].formulas[0]
        result.found.append(Found(path, node, cnode, concept, template, {}, "name", False, how))
        return True
    return None


def _named(hits: list[Found], node: Node, whole: bool, target: Node | None, result: Recognition,
           guesses: tuple[tuple[int, int], ...], written: frozenset[str] = frozenset()) -> list[Found]:
    """The hits whose evidence is enough to name them (``evidence``); the others are kept as weak
    matches (a formula that fits a concept this loosely is still no near miss of it)."""
    named = []
    for f in hits:
        if not notation_allows(f.concept, node):
            continue
        ct = compiled(f.template)
        role = reads_a_role(f.concept)
        if ct is not None and ((unseen_shape(ct) and not agreement(ct, f.bindings)) or cut_optimum(ct, whole)
                               or unassigned_prediction(ct, f.bindings, whole, target)):
            result.weak.append(f)  # W W^T is no Cholesky product: only the name L says L is triangular
            continue
        if ct is not None and (arithmetic(ct) or role) and not (
                agreement(ct, f.bindings) or assigns_output(f.template, target) or statistics_of_data(ct, f.bindings)
                or probability_of_its_outcome(ct, f.bindings, target)
                or f.concept in result.claims or _family_said(f.concept, result)
                or (role and (f.concept in written or roles_written(ct, f.bindings, target)))):
            # 1/√d is a scale, not He initialisation, and a softmax of word vectors no attention
            # weights, until the names, the name assigned or the words around say so
            result.weak.append(f)
            continue
        if ct is not None and not entries_not_vectors(ct, f.bindings, f.node):
            result.weak.append(f)  # Σ_i a_i 𝐯_i sums vectors: no dot product
            continue
        if ct is not None and compares_predictions(ct) and unnormalised(ct) and in_a_larger_form(f.path, result):
            result.weak.append(f)  # the (y - f(x))^2 of a Gaussian's exponent or of Huber's branch
            continue
        if f.method == "structural":
            ct = _template_of(f)
            line = whole or target is not None  # a side of the formula, or the value of one of its lines
            if not (updates_its_parameter(ct, f.bindings, target)
                    and not state_update_elsewhere(ct, f.bindings, target, line)
                    and gated_by_names(ct, f.bindings, features(f.canon), target)
                    and enough(ct, node, whole, result.formula, guesses)):
                result.weak.append(f)
                continue
        named.append(f)
    return named


def _family_said(concept: str, result: Recognition) -> bool:
    return concepts_module.catalog()[concept].family in result.families


def _parts_of_sum(path: str, node: Node, cnode: Sum, lib: Library, seed: int) -> list[Found]:
    """Concepts made of some of the terms of a longer sum (associativity: a + b + c holds the
    chunk a + c). AdamW written out is Adam's step plus a weight decay term."""
    terms = cnode.terms
    if not 3 <= len(terms) <= 6:
        return []
    originals = _terms(node)
    out: list[Found] = []
    taken: list[set[int]] = []
    for k in range(len(terms) - 1, 1, -1):
        for chosen in itertools.combinations(range(len(terms)), k):
            if any(set(chosen) <= t for t in taken):
                continue  # inside a part already named
            part = Sum(tuple(terms[i] for i in chosen))
            hits = [f for f in _at(f"{path}[{','.join(map(str, chosen))}]", node, part, lib, seed)
                    if not _compiled_generic(f.template)]
            if not hits:
                continue
            taken.append(set(chosen))
            shown = node
            if len(originals) == len(terms):
                picked = [originals[i] for i in chosen]
                shown = Sum(tuple(picked)).with_span((min(t.span[0] for t in picked), max(t.span[1] for t in picked)))
            out.extend(Found(f.path, shown, part, f.concept, f.template, f.bindings, f.method, f.confirmed)
                       for f in hits)
    return out


def _reduced_loss(path: str, node: Node, cnode: Node, lib: Library, seed: int, target: Node | None) -> list[Found]:
    """A loss of one element inside a reduction (``forms.per_element``: summed, averaged or
    weighted over the elements) names the loss it reduces."""
    cat = concepts_module.catalog()
    for inner in per_element(cnode):
        hits = [f for f in _at(path, node, inner, lib, seed, target=target)
                if cat[f.concept].family == "losses" and not _compiled_generic(f.template)]
        if hits:
            return hits
    return []


def _terms(node: Node) -> tuple[Node, ...]:
    """The terms of a sum as written, nested sums flattened (as the canonical form does)."""
    if isinstance(node, Sum):
        return tuple(t for term in node.terms for t in _terms(term))
    return (node,)


def _template_of(found: Found) -> CompiledTemplate:
    ct = compiled(found.template)
    assert ct is not None, "a structural match comes from a compiled template"
    return ct


def _compiled_generic(template: Template) -> bool:
    ct = compiled(template)
    return ct is None or ct.generic


def _at(path: str, node: Node, cnode: Node, lib: Library, seed: int,
        named: frozenset[str] = frozenset(), target: Node | None = None) -> list[Found]:
    """The concepts one node is."""
    checkpoint()  # a request that timed out stops between nodes
    feats = features(cnode)
    hits: dict[str, Found] = {}
    best: dict[str, int] = {}  # concept -> name agreement of its template that fits best so far
    for ct in (t for h in heads(cnode) for t in lib.by_head.get(h, ())):
        if not ct.features - LOOSE_OPS <= feats:
            continue
        if ct.generic and not ct.features <= feats:
            continue  # a tiny template must be written as it is: mu + sigma eps is no product of entries
        for score, bindings in _fitting(ct, cnode, feats, target):
            if ct.concept in best and score <= best[ct.concept]:
                break  # another template of the concept fits with as many of its names
            verdict = confirm(ct, cnode, bindings, seed)
            if verdict is False or (ct.generic and verdict is None and not ct.features & DISTINCT & feats):
                continue
            if verdict is None and "cases" in ct.features and not matches_as_written(ct.pattern, cnode):
                continue  # a piecewise function matched in another order is told by its values
            hits[ct.concept] = Found(path, node, cnode, ct.concept, ct.template, bindings,
                                     "structural", verdict is True)
            best[ct.concept] = score
            break
    if not hits and (size(cnode) >= 3 or _step(cnode, feats)) and feats & _SEARCH_FEATURES:
        by_value = numeric_search(cnode, lib, seed)
        cat = concepts_module.catalog()
        ids = {ct.concept for ct, _ in by_value}
        for ct, mapping in by_value:
            if ct.concept in hits or cat.ancestors(ct.concept) & ids:
                continue  # a numeric hit names the plainest concept that computes it
            bindings = {var: _input_node(cnode, name) for var, name in mapping.items()}
            if not weights_known(ct.template, bindings) or not errors_of_predictions(ct, bindings, target) \
                    or numbers_as_matrices(ct, bindings, cnode) or not penalised_weights_are_names(ct, bindings):
                continue
            hits[ct.concept] = Found(path, node, cnode, ct.concept, ct.template, bindings, "numeric", True)
    hits = _prune(hits, named, target)
    for found in list(hits.values()):
        if found.method == "structural":
            for other, template in same_formula(found.template):
                hits.setdefault(other, Found(path, node, cnode, other, template, found.bindings, "structural", False))
    return [hits[c] for c in _order(hits)]


def _step(cnode: Node, feats: frozenset[str]) -> bool:
    """A piecewise function of one input, small as it is (a step: 1 where x > 0, else 0), is
    searched by its values too; with two inputs (max(a, b) by cases) it is too plain to tell."""
    if "cases" not in feats:
        return False
    program = program_of(cnode)
    return program is not None and len(program.inputs) == 1


def _fitting(ct: CompiledTemplate, cnode: Node, feats: frozenset[str], target: Node | None
             ) -> list[tuple[int, Mapping[str, Any]]]:
    """The ways the template fits the chunk that its roles allow, each with how many of the
    template's names it writes (``evidence.agreement``), the best first: ``W_{hg} h_{t-1} + W_{xg} x_t``
    fits an LSTM's candidate with h as the state, not with h as the input."""
    out: list[tuple[int, Mapping[str, Any]]] = []
    for bindings in _first(match(ct.pattern, cnode, {}), 8):
        if not weights_known(ct.template, bindings):
            continue  # w_i x_i is a weighted sum; an average needs weights that add up to one
        atoms_only = ct.generic or concepts_module.catalog()[ct.concept].family == "optimizers"
        weights = {v for v, _ in ct.template.normalised}  # known to be weights, so any expression
        if atoms_only and not all(is_atom(b) or v in ct.compound or v in weights or batch_gradient(b)
                                  or (ct.generic and ct.roles.get(v) == "tensor")
                                  for v, b in bindings.items()):
            continue  # an elementwise function may take any expression: max(0, Wx + b)
        if ct.generic and not (plausible(ct, bindings, feats) and derivatives_written(ct, bindings)):
            continue
        if atoms_only and not ct.generic and not one_gradient(bindings):
            continue
        if ct.features <= _SUMMED_PRODUCTS and "bigop" in ct.features and ct.head.startswith("sum:") and \
                not all(is_atom(b) for v, b in bindings.items() if not v.startswith("_")):
            continue  # Σ_i w_i x_i + b takes names: Σ_x p log p - Σ_x p log q is no weighted sum plus a bias
        if assigns_another(ct, bindings, target) or not states_are_names(ct, bindings) or crossed(ct, bindings):
            continue
        if not (statistics_are_names(ct, bindings) and errors_of_predictions(ct, bindings, target)
                and constant_over_the_terms(ct, bindings) and distributions_apart(ct, bindings)
                and masks_written(ct, bindings) and labels_written_as_labels(ct, bindings)
                and settings_apart(ct, bindings) and penalised_weights_are_names(ct, bindings)) \
                or numbers_as_matrices(ct, bindings, cnode):
            continue
        out.append((agreement(ct, bindings) + assigns_output(ct.template, target) - conflicts(ct, bindings),
                    dict(bindings)))
    return sorted(out, key=lambda sb: -sb[0])


_SUMMED_PRODUCTS = frozenset({"sum", "product", "bigop", "big:sum", "symbol"})  # a weighted sum plus terms


def _prune(hits: dict[str, Found], named: frozenset[str] = frozenset(), target: Node | None = None
           ) -> dict[str, Found]:
    """Where several unrelated templates fit one chunk, keep those written with the chunk's own
    names: ``\\sum_i x_i y_i`` is a dot product rather than an average with weights ``x``, and
    ``(e^x - e^{-x}) / (e^x + e^{-x})`` a tanh rather than a standardisation of ``e^x``."""
    # X W_k is a matrix product, not W_k a vector; W_e^T y, V · softmax(...) are no dot products:
    # a capital letter is a matrix, and a building block of vectors does not hold one
    hits = {c: f for c, f in hits.items() if (ct := compiled(f.template)) is None or not misfits(ct, f.bindings)}
    if len(hits) < 2:
        return hits
    cat = concepts_module.catalog()
    score = {}
    for cid, found in hits.items():
        ct = compiled(found.template)
        # a concept whose name is written (score(h_t, h_s) = h_t^T h_s) outranks any spelling; the
        # name a line assigns counts as one of its names (f_t = σ(...) is the LSTM's gate)
        score[cid] = (agreement(ct, found.bindings) if ct is not None else 0) + (100 if cid in named else 0) \
            + assigns_output(found.template, target)
    best = max(score.values())
    keep = {c for c, s in score.items() if s == best}
    # what the best readings build on stays (the softmax inside attention weights); a concept built
    # on them that fits with fewer of its names does not (tanh(W h + U x) is an RNN cell, not the
    # candidate of an LSTM), except an optimizer, told as one "of the same form" (explanation.chunks)
    related = {c for c in hits for k in keep
               if c in cat.ancestors(k) or (k in cat.ancestors(c) and cat[c].family == "optimizers")}
    # ... unless the line's name says it is the part of the other: g_t = tanh(W x + U h) is an
    # LSTM's candidate, not an RNN cell's new state (a concept of the same kind, its output unnamed)
    # (an optimizer's line is told with the others of its form, the EMA under Adam's first)
    related = {c for c in related if cat[c].family == "optimizers" or not any(
        cat[c].family == cat[k].family and assigns_output(hits[k].template, target)
        and not assigns_output(hits[c].template, target) for k in keep)}
    related |= {c for k in keep if (ct := compiled(hits[k].template)) for c in filled(ct.pattern, hits[k].bindings)}
    kept = {c: f for c, f in hits.items() if c in keep | related}
    # a concept built on another that fits the same chunk through a template of one operation,
    # with no more of its names written, is that other concept as far as the chunk shows:
    # a^T v is a dot product, not Luong's dot score, unless it is written h_t^T \bar h_s
    return {c: f for c, f in kept.items()
            if notation_decides(c, f.node) or not (
                _compiled_generic(f.template) and any(o in cat.ancestors(c) and score[o] >= score[c]
                                                      for o in kept if o != c))}


def concepts_at(cnode: Node, seed: int = 0) -> list[Found]:
    """The concepts a canonical tree is, found as for a chunk of a formula."""
    return _at("", cnode, cnode, library(), seed)


def _input_node(cnode: Node, name: str) -> Node:
    """The symbol of the chunk that became the input ``name`` (for the words)."""
    got = computable(cnode)
    assert got is not None, "a numeric hit is a chunk the evaluator computed"
    program = got.program
    axes = program.steps[0].axes
    for n in cnode.walk():
        if isinstance(n, Symbol | Derivative | Gradient) and atom_name(n, program, axes) == name:
            if isinstance(n, Symbol) and n.sub and program.name_of(n, axes)[1]:
                return Symbol(n.name, n.font, n.accent, (), n.sup, n.prime)
            return n
    return Symbol(name)


def _first(it: Iterator[Mapping[str, Any]], n: int) -> Iterator[Mapping[str, Any]]:
    return itertools.islice(it, n)


_T = TypeVar("_T")


def quiet(fn: Callable[[], _T]) -> _T | None:
    """``fn()`` with NumPy's warnings off, or None where the formula cannot be read or computed
    on the values given (``FormulaError``, which covers ``ValuesError``). Every other error is
    raised: it is a bug. (Kept for ``explain``'s call sites; recognition itself asks the
    explicit questions of ``confirm.computable`` and ``confirm.value_of``.)"""
    with np.errstate(all="ignore"):
        try:
            return fn()
        except FormulaError:
            return None


__all__ = [
    "CompiledTemplate",
    "Found",
    "Library",
    "Recognition",
    "agree",
    "atom_name",
    "claims",
    "compile_template",
    "concepts_at",
    "confirm",
    "library",
    "quiet",
    "recognize",
]
