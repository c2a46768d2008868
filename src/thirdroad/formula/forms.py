"""Forms a concept takes that no fixed template can hold: their writing itself names them.

- **Derivatives**: ``\\nabla f`` is a gradient, ``\\nabla^2 f`` a Hessian, ``df/dx`` a derivative,
  ``\\partial f/\\partial x`` a partial derivative (a gradient with respect to an array, a
  Jacobian of an array; ``evidence.notation_allows``), and ``f'(x)`` (a primed function applied)
  a derivative, whatever the function and its argument. A loss's derivative by θ, φ or ψ written
  alone (``\\partial \\ell / \\partial \\theta``) is a gradient: those letters name all of a model's
  parameters at once.
- **Expectations**: ``\\mathbb{E}_{x \\sim p}[f(x)]``, ``E_P[g]``, ``\\mathbb{E}[X]`` written as the formula,
  or as what it defines a plain name to be (``\\mu = \\mathbb{E}[X]``), are expectations by their writing.
- **Chains**: a product of two or more derivatives, each taken with respect to what the next
  one differentiates (``dz/dy \\cdot dy/dx``, ``\\partial c/\\partial z_g \\; \\partial z_g/\\partial z_f``,
  ``A'(B(x)) \\cdot B'(x)``), is the chain rule, however many links it has.
- **Derivatives computed by a rule**: an equation whose left-hand side is a derivative and whose
  right-hand side computes it through derivatives of other quantities (``dC/dX = dC/dY \\cdot W^T``,
  ``C'(Z) = (\\hat y - y) R'(Z)``) is about the rule that relates them (chain rule,
  backpropagation), not about what a derivative is: its left-hand side is not named a gradient.
- **Reductions of a loss**: a loss written for one element and then summed over the elements
  (``-\\sum_i [x_i \\log \\hat x_i + (1 - x_i) \\log(1 - \\hat x_i)]``), averaged (``\\frac{1}{N} \\sum_n``)
  or weighted per element (``-w_n [y_n \\log x_n + ...]``, PyTorch's ``weight``) is still that loss:
  ``per_element`` peels the reduction off, and what is left is matched as the loss of one element.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Block,
    Derivative,
    Expectation,
    Fraction,
    Gradient,
    Neg,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Relation,
    Symbol,
    Text,
)
from thirdroad.formula.normal_form import canon, number_value

_CHAIN_OPS = ("", "cdot", "times")


def derivative_concept(node: Node, source: str = "") -> str | None:
    """The concept a derivative's own writing names, or None for a node that is no derivative.
    Given the formula's ``source``, a primed name read as a product is a derivative applied only
    where a bracket opens its argument (``A'(B(x))``): ``W' x`` multiplies a new matrix W' by x."""
    if isinstance(node, Gradient):
        return "gradient"
    if isinstance(node, Derivative):
        if len(node.wrt) == 2:
            return "hessian"
        if parameter_gradient(node):
            return "gradient"
        return "partial_derivative" if node.partial else "derivative"
    if _primed_call(node) is not None and (not source or not isinstance(node, Product) or _bracketed(node, source)):
        return "derivative"
    return None


# θ, φ, ψ written alone stand for all of a model's parameters (θ_j is one of them)
_PARAMETERS = frozenset({"theta", "phi", "varphi", "psi"})


def parameter_gradient(node: Derivative) -> bool:
    """``\\partial \\ell / \\partial \\theta``, ``-\\partial \\log p(x) / \\partial \\theta``: the partial derivative of
    a number a model is trained on with respect to all of its parameters at once, a gradient."""
    return node.partial and len(node.wrt) == 1 and _all_parameters(node.wrt[0]) and _objective(node.expr)


def _all_parameters(node: Node) -> bool:
    """A model's parameters as one name: θ, φ or ψ without a subscript that picks one."""
    return isinstance(node, Symbol) and node.name in _PARAMETERS and not node.sub and not node.prime


def _objective(node: Node) -> bool:
    """A number a model is trained on: a loss or energy named by a capital (L, J, E, 𝓛) or ℓ,
    applied or not, or a log-probability, with its sign. A lower-case name (h_t, f) may be an
    array, whose derivative by the parameters is a Jacobian."""
    while isinstance(node, Neg):
        node = node.arg
    if isinstance(node, Apply) and isinstance(node.func, Symbol):
        if node.func.name in ("log", "ln"):
            return True
        node = node.func
    return isinstance(node, Symbol) and node.font not in ("bf", "bm", "boldsymbol") and \
        (node.name == "ell" or (len(node.name) == 1 and node.name.isupper()))


def defines_expectation(node: Node, parent: Node | None, root: Node) -> bool:
    """An expectation written as the formula itself (``E_P[g]``) or as what an equation defines a
    plain name to be (``\\mu = \\mathbb{E}[X]``, ``f_\\mu[x] = \\mathbb{E}_{\\mathcal{D}}[f[x, \\phi]]``). Not
    a side of a claim about expectations (``\\mathbb{E}[g] = \\nabla f``, Jensen's ``\\geq``), nor the
    value of a named function (``\\operatorname{tr}(A) = \\mathbb{E}[z^T A z]`` is a trace estimated),
    nor one line of several."""
    if not isinstance(node, Expectation):
        return False
    if node is root:
        return True
    if isinstance(root, Block) and sum(not isinstance(item, Text) for item in root.items) > 1:
        return False
    if not isinstance(parent, Relation) or not parent.ops or any(op not in _DEFINING for op in parent.ops):
        return False
    lhs = parent.operands[0]
    return lhs is not node and any(o is node for o in parent.operands[1:]) and _plain_name(lhs)


_DEFINING = frozenset({"eq", "equiv", "coloneqq", "doteq", "triangleq", "def"})
_GREEK = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta kappa lambda mu nu xi rho sigma tau phi varphi chi psi omega"  # noqa: SIM905
    .split()
)


def _plain_name(node: Node) -> bool:
    """A letter, Latin or Greek, decorated or applied to arguments (``\\mu``, ``f_\\mu[x]``, ``g(x)``)."""
    if isinstance(node, Apply):
        node = node.func
    return isinstance(node, Symbol) and (len(node.name) == 1 or node.name in _GREEK)


def _bracketed(node: Product, source: str) -> bool:
    """Whether the last factor of a product is written in brackets right after the one before it
    (the bracket before the factor's span, or its first character: a pair ``(z, m)``)."""
    before, arg = node.factors[-2], node.factors[-1]
    written = source[before.span[1]:arg.span[1]].strip()
    return written.startswith(("(", "[", "\\left", "\\big", "\\Big"))


def computed_by_rule(relation: Relation, through_other_variables: bool = False) -> bool:
    """Whether an equation computes the derivative on its left-hand side through derivatives of
    other quantities (see the module docstring); with ``through_other_variables``, only through
    derivatives with respect to other variables (``dC/dY`` for ``dC/dX``: a chain written out)."""
    lhs = relation.operands[0]
    own = _parts(lhs, bare=True)
    if own is None:
        return False
    return any(_through_other(node, parent, own, through_other_variables)
               for side in relation.operands[1:] for node, parent in _with_parents(side, None))


def _parts(node: Node, bare: bool = False) -> tuple[Node, Node | None] | None:
    """(what a derivative differentiates, what it is taken with respect to), or None for a node
    that is no derivative. ``bare``: a primed name alone (``f'``) counts too."""
    if isinstance(node, Derivative):
        return node.expr, node.wrt[0] if node.wrt else None
    if isinstance(node, Gradient):
        return node.expr, node.wrt
    primed = _primed_call(node)
    if primed is not None:
        return Symbol(primed[0]), primed[1]
    if bare and isinstance(node, Symbol) and node.prime == 1 and not node.sub:
        return Symbol(node.name), None  # f' = A'(B(x)) B'(x): the derivative of f, its variable unwritten
    return None


def _through_other(node: Node, parent: Node | None, own: tuple[Node, Node | None], variables_only: bool) -> bool:
    """A derivative with respect to another variable than the left-hand side's (``dC/dY`` for
    ``dC/dX``), or of another quantity taken as one factor of a product (``R'(Z)`` in
    ``(\\hat y - y) R'(Z)`` for ``C'(Z)``)."""
    parts = _parts(node)
    if parts is None:
        return False
    expr, wrt = parts
    if wrt is not None and own[1] is not None and not _one_variable(wrt, own[1]):
        return True
    if own[1] is None and not _same(expr, own[0]):
        return True  # f' = A'(B(x)) B'(x): the derivatives of other functions make f''s
    if variables_only:
        return False
    factors = parent.factors if isinstance(parent, Product) else ()
    return not _same(expr, own[0]) and any(f is not node and not isinstance(f, Number) for f in factors)


def _one_variable(a: Node, b: Node) -> bool:
    """One variable or a component of it: ``\\phi_0`` and bold ``\\phi``; not ``z_{k+1}`` and ``z_k``."""
    if isinstance(a, Symbol) and isinstance(b, Symbol):
        return a.name == b.name and (a.sub == b.sub or not a.sub or not b.sub)
    return _same(a, b)


def _with_parents(node: Node, parent: Node | None) -> Iterator[tuple[Node, Node | None]]:
    yield node, parent
    for child in node.children():
        yield from _with_parents(child, node)


def _primed_call(node: Node) -> tuple[str, Node] | None:
    """``f'(u)``: (the function's name, its argument). A primed capital before a bracket,
    ``A'(B)``, is read by the parser as a product; primed, it is a derivative applied."""
    if isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.prime and len(node.args) == 1:
        return node.func.name, node.args[0]
    if isinstance(node, Product) and not node.op and len(node.factors) == 2:
        func, arg = node.factors
        if isinstance(func, Symbol) and func.prime and not func.sub:
            return func.name, arg
    return None


def batch_gradient(bound: object) -> bool:
    """A sum over a batch of each example's derivative (``\\sum_{i \\in B} \\partial \\ell_i/\\partial \\phi``,
    ``\\sum_j \\nabla f_j(w)``): the derivative of the summed loss, one gradient as a step takes it."""
    node = bound[0] if isinstance(bound, tuple) else bound
    if not (isinstance(node, BigOp) and node.op == "sum"):
        return False
    body = node.body.arg if isinstance(node.body, Neg) else node.body
    return isinstance(body, Derivative | Gradient)


def is_chain(node: Node) -> bool:
    """Whether ``node`` is a product of two or more linked derivatives (see the module docstring);
    the factors may stand in any order, and other factors (a 1, a constant) may stand among them."""
    if not isinstance(node, Product) or node.op not in _CHAIN_OPS:
        return False
    links = [f for f in node.factors if isinstance(f, Derivative) or _primed_call(f) is not None]
    if len(links) < 2 or len(links) > 6:
        return False
    return any(all(_linked(a, b) for a, b in itertools.pairwise(order))
               for order in itertools.permutations(links))


def _linked(outer: Node, inner: Node) -> bool:
    """``dz/dy`` then ``dy/dx``: the outer one is taken with respect to what the inner one
    differentiates; ``A'(B(x))`` then ``B'(x)``: the outer one is applied to the inner function."""
    if isinstance(outer, Derivative) and isinstance(inner, Derivative):
        return len(outer.wrt) == 1 and _same(outer.wrt[0], inner.expr)
    primed_outer, primed_inner = _primed_call(outer), _primed_call(inner)
    if primed_outer is not None and primed_inner is not None:
        return any(isinstance(n, Symbol) and n.name == primed_inner[0] for n in primed_outer[1].walk())
    return False


def _same(a: Node, b: Node) -> bool:
    """Two writings of one quantity: equal trees, or a name and that name applied (``C`` and
    ``C(y, \\bar y)``), fonts aside."""
    def core(n: Node) -> Node:
        if isinstance(n, Apply) and isinstance(n.func, Symbol):
            n = n.func
        if isinstance(n, Symbol):
            return Symbol(n.name, "", n.accent, n.sub, n.sup, n.prime)
        return n
    return core(a) == core(b)


def per_element(cnode: Node) -> Iterator[Node]:
    """The canonical forms left when a reduction (a sum over the elements, a mean, a weight per
    element, a sign) is peeled off a canonical tree, outermost first; nothing for a tree that is
    no reduction."""
    node, negated = cnode, False
    for _ in range(4):
        if isinstance(node, Neg):
            node, negated = node.arg, not negated
            continue
        if isinstance(node, Fraction) and isinstance(node.den, Symbol | Number):
            node = node.num  # the mean: divided by the count
        elif isinstance(node, BigOp) and node.op == "sum":
            node = node.body
        elif isinstance(node, Product) and len(node.factors) == 2 and _element_weight(node.factors[0]):
            node = node.factors[1]
        elif _squared_norm(node):  # ||a - b||^2: the sum of the entries' squares
            assert isinstance(node, Power) and isinstance(node.base, Norm)
            node = Power(node.base.arg, node.exp)
        else:
            return
        yield canon(Neg(node) if negated else node)


def _squared_norm(node: Node) -> bool:
    """The square of a Euclidean norm (``\\|v\\|^2``, ``\\|v\\|_2^2``)."""
    return isinstance(node, Power) and number_value(node.exp) == 2.0 and isinstance(node.base, Norm) \
        and node.base.p is None


def _element_weight(node: Node) -> bool:
    """A name of one element's weight: a letter with a subscript (``w_n``, ``w_{y_n}``)."""
    return isinstance(node, Symbol) and len(node.name) == 1 and bool(node.sub)


__all__ = ["batch_gradient", "computed_by_rule", "defines_expectation", "derivative_concept", "is_chain",
           "parameter_gradient", "per_element"]
