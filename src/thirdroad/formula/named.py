"""Concepts a formula names in words, and the check that the formula is what it names.

A name is evidence: ``\\hat Y = \\mathrm{softmax}(O)`` applies a softmax, ``\\text{GELU}(x) = ...``
defines GELU, and a formula documented under ``MSELoss`` is meant to be the mean squared error.
Names are looked up in the catalog (a concept's id, name and aliases), compared without case,
spaces or punctuation, so ``LeakyReLU``, ``leaky_relu`` and ``Leaky ReLU`` are one name; a
library's class name also loses the words that only say what kind of object it is
(``BCEWithLogitsLoss``, ``AvgPool2d``, ``CosineAnnealingLR``).

A name decides only when it is right. A concept named for a formula that no template of it
matches is checked by the numbers: the formula's inputs are given to the concept's reference
(each bound to the parameter of the same name or symbol, the rest by role), both are computed on
random inputs, and the name stands only if they agree (``l_n = (x_n - y_n)^2`` under ``MSELoss``
is the squared error before its mean; a ``\\mbox{ReLU}`` defined with a slope below zero is not a
ReLU). Where the formula only calls the named function, ``\\mathrm{softmax}(O)``, the call is
the evidence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Catalog, Template
from thirdroad.formula.ast import Apply, BigOp, Node, Relation, Symbol
from thirdroad.formula.confirm import agree, axes_of, program_of, sample, value_of
from thirdroad.formula.templates import CompiledTemplate, callable_with, compiled, whole_numbers

# Words a library adds to a concept's name to say what kind of object it is.
_OBJECT_WORDS = re.compile(r"(loss|layer|module|lr|scheduler|schedule|score|function|fn|op|1d|2d|3d|nd|_)+$")


def compact(name: str) -> str:
    """A name without case, spaces and punctuation: ``Leaky ReLU`` and ``leaky_relu`` agree."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def _index(cat: Catalog) -> Mapping[str, tuple[str, ...]]:
    """Compact name -> ids of the concepts called that (id, name, aliases, names written in formulas)."""
    table: dict[str, list[str]] = {}
    for concept in cat:
        for name in (concept.id, concept.name, *concept.aliases, *concept.written):
            key = compact(name)
            if len(key) >= 2 and concept.id not in table.get(key, []):
                table.setdefault(key, []).append(concept.id)
    return {k: tuple(v) for k, v in table.items()}


def concepts_called(name: str) -> tuple[str, ...]:
    """The concepts a written name stands for (``softmax``, ``MultiHead``, ``BN``), if any."""
    index = _index(concepts_module.catalog())
    key = compact(name)
    found = index.get(key)
    if found is None and _OBJECT_WORDS.search(key):
        found = index.get(_OBJECT_WORDS.sub("", key))
    return found or ()


def context_concepts(context: str) -> tuple[str, ...]:
    """The concepts the object or heading a formula is documented under names: a library's
    object (``torch.nn.MSELoss``, ``leaky_relu``), a heading that is a name (``Softmax``), or the
    longest run of its words that is one, the last such run where two are as long (English puts
    the head noun last: ``softmax_cross_entropy`` is a cross-entropy, ``quantized_batch_norm`` a
    batch norm)."""
    last = re.split(r"[.:]", context.strip())[-1].strip()
    if not last:
        return ()
    whole = concepts_called(last)
    if whole:
        return whole
    words = _words(last)
    for length in range(len(words) - 1, 0, -1):
        for start in range(len(words) - length, -1, -1):
            found = concepts_called("".join(words[start:start + length]))
            if found:
                return found
    return ()


def _words(identifier: str) -> list[str]:
    """``softmax_cross_entropy`` and ``BCEWithLogitsLoss`` as words: softmax, cross, entropy;
    bce, with, logits, loss."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", identifier)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def applied(node: Node) -> tuple[str, ...]:
    """The concepts a call names: ``\\mathrm{softmax}(O)``, ``\\text{GELU}(x)``, and σ applied to
    one argument that is not a matrix (σ(W) in a spectral norm is a singular value); an operator
    written with its limits that the catalog knows by its name (``\\arg\\max_k P(Y = k \\mid x)``:
    the argmax, whatever it ranges over)."""
    if isinstance(node, BigOp):
        return concepts_called(node.op)
    if not isinstance(node, Apply) or not isinstance(node.func, Symbol) or node.func.prime:
        return ()  # tanh'(z) is the derivative of tanh, not tanh
    if node.func.sub:
        return _divergence_named(node.func)
    name = node.func.name
    if name == "sigma":
        arg = node.args[0] if len(node.args) == 1 else None
        matrix = isinstance(arg, Symbol) and arg.name[:1].isupper()
        return ("sigmoid",) if arg is not None and not matrix else ()
    if len(name) < 2:
        return ()
    return concepts_called(name)


def _divergence_named(func: Symbol) -> tuple[str, ...]:
    """``D_{KL}(p \\| q)``, ``\\mbox{D}_{JS}[p, q]``: a divergence's letter D with its kind as the
    subscript names that divergence."""
    kind = func.sub[0] if len(func.sub) == 1 else None
    if func.name != "D" or not isinstance(kind, Symbol) or len(kind.name) < 2:
        return ()
    return tuple(c for c in concepts_called(kind.name) if "divergence" in concepts_module.catalog()[c].name.lower())


def defined(root: Node) -> Iterator[tuple[int, tuple[str, ...]]]:
    """``\\text{GELU}(x) = ...``: for each side after a named call on the left of an equation,
    its position among the operands and the concepts the call names."""
    if isinstance(root, Relation) and root.ops and root.ops[0] in ("eq", "def", "approx", "equiv"):
        called = applied(root.operands[0])
        if called:
            for k in range(1, len(root.operands)):
                yield k, called


# --------------------------------------------------------------------------------------------
# the check by the numbers


Verdict = tuple[CompiledTemplate, dict[str, Any]] | bool | str


def by_numbers(concept: str, cnode: Node, seed: int = 0) -> Verdict:
    """A template of ``concept`` whose reference computes what ``cnode`` computes, with the
    chunk's inputs given to its parameters (by name first, then by role); else False where the
    numbers were compared and differ every way; ``"short"`` where the chunk lacks an input every
    reference needs (an ε); True where they could not be compared."""
    program = program_of(cnode)
    if program is None or len(program.steps) != 1 or not 1 <= len(program.inputs) <= 5:
        return True
    inputs = list(program.inputs)
    compared = short = False
    for template in concepts_module.catalog()[concept].formulas:
        ct = compiled(template)
        if ct is None or "label" in ct.roles.values():
            continue  # a label picks an entry of the reference's result: no input to draw
        tried = False
        for mapping in _assignments(ct, inputs):
            tried = True
            verdict = _agrees(ct, cnode, mapping, seed)
            if verdict is True:
                return ct, mapping
            compared = compared or verdict is False
        short = short or (not tried and len(_parameters(ct.template)) > len(inputs))
    if compared:
        return False
    return "short" if short else True


def _parameters(template: Template) -> list[tuple[str, str, str]]:
    """(name, compact symbol, role) of each value the reference takes."""
    out = []
    for var in template.variables:
        if var.passed_to_reference:
            symbol = re.sub(r"\\(mathrm|text|operatorname|hat|bar|tilde|mathbf|boldsymbol)", "", var.symbol)
            out.append((var.name, compact(re.sub(r"_\{?[^}]*\}?$", "", symbol)), var.role))
    return out


def _assignments(ct: CompiledTemplate, inputs: list[str]) -> Iterator[dict[str, str]]:
    """Ways to give the chunk's inputs to the reference's parameters: each input to the parameter
    its name spells (``negative_slope``, ``delta``, ``\\lambda`` for ``lambd``), the others in
    every order; every parameter the reference requires gets one."""
    params = _parameters(ct.template)
    if len(params) < len(inputs):
        return
    fixed: dict[str, str] = {}
    for name in inputs:
        key = compact(re.sub(r"_(t|i|j|n|k|prev|hat)$", "", name))
        for pname, symbol, _ in params:
            if pname not in fixed and key in (compact(pname), symbol):
                fixed[pname] = name
                break
    free_inputs = [n for n in inputs if n not in fixed.values()]
    free_params = [p for p, _, role in params if p not in fixed and role != "function"]
    for chosen in itertools.permutations(free_params, len(free_inputs)):
        mapping = {**fixed, **dict(zip(chosen, free_inputs, strict=True))}
        if callable_with(ct, frozenset(mapping)):
            yield mapping


def _agrees(ct: CompiledTemplate, cnode: Node, mapping: Mapping[str, str], seed: int) -> bool | None:
    """Whether the chunk and the reference agree on two draws of random inputs (one only
    positive); None where the chunk cannot be computed on them."""
    ref = ct.template.reference_function()
    whole = whole_numbers(ct)
    verdicts = []
    for positive in (True, False):
        rng = np.random.default_rng(seed + 7)
        values: dict[str, Any] = {}
        kwargs: dict[str, Any] = {}
        for var, name in mapping.items():
            role, domain = ct.roles[var], ct.template.variable(var).domain
            rank = max(axes_of(ct, var), 1 if role == "tensor" else 0)
            kwargs[var] = values[name] = 2 if var in whole else sample(role, rank, rng, positive, domain)
        got = value_of(cnode, values)
        if got is None:
            return None
        with np.errstate(all="ignore"):
            want = ref(**kwargs)
        verdicts.append(agree(got, want))
    if False in verdicts:
        return False
    return True if True in verdicts else None


__all__ = ["applied", "by_numbers", "compact", "concepts_called", "context_concepts", "defined"]
