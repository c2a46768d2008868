"""How much a recognised chunk rests on, and whether that is enough to name it.

A chunk is named on evidence, and it says which (``Found.evidence``):

- ``structure``: a template of the concept matched the chunk (``match``);
- ``numbers``: the chunk computes what the concept's reference computes on inputs drawn for
  each argument's role and domain (``confirm``);
- ``name``: the formula writes the concept's name (``\\text{Softmax}(x)``, ``\\mathrm{BN}``),
  or the words around it do;
- ``role``: the symbols play the concept's roles (a gate's sigmoid, a weight matrix).

Some structure alone is too weak to name anything. A building block, a template of one
operation written only by notation (``A x``, ``[a; b]``, ``\\partial f / \\partial x``, ``a \\cdot b``),
is named as the whole formula, never as a part of a larger one: ``W h`` inside an RNN cell is
how the cell is written, not something the formula is about. Nor is it named over a reading
the parser had to guess (``R(\\theta)`` read as R times θ, ``PE`` as P times E, ``f[m, n]`` as a
concatenation), nor over a product written with ``\\times`` between sizes (``N \\times D``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Template
from thirdroad.formula.ast import Apply, BigOp, Derivative, Gradient, Node, Number, Power, Product, Symbol, Transpose
from thirdroad.formula.forms import parameter_gradient
from thirdroad.formula.reading import Formula
from thirdroad.formula.templates import DISTINCT, NUMBER_ROLES, CompiledTemplate, symbol_tree

# Operations that are notation: writing them says nothing about what the formula is for
# (\cdot is as often a plain times as a dot product). A transpose does: x^T y is a dot product.
NOTATION = frozenset({"concat", "derivative", "gradient", "inverse", "op:cdot"})
# Readings the parser chose by a guess (its rules record them as decisions): R(θ) as R times θ,
# f[m, n] as f times a concatenation.
GUESSED = frozenset({"implicit-product", "bracket-concat"})


def notation_allows(concept: str, node: Node) -> bool:
    """What the writing of a derivative says: ``\\nabla`` a gradient (``\\nabla^2`` a Hessian);
    ``d/dx`` a derivative; ``\\partial f / \\partial x`` a partial derivative, and also a gradient
    when x is written as an array (bold, or a capital) and a Jacobian when f is too. Without such
    marks, the plainest reading is the one that is true whatever the shapes."""
    if not isinstance(node, Derivative | Gradient) or concept not in _CALCULUS:
        return True
    if isinstance(node, Gradient):
        return concept in ("gradient", "hessian")
    if len(node.wrt) == 2:
        return concept == "hessian"
    if not node.partial:
        return concept == "derivative"
    if concept == "gradient":
        return (_array(node.wrt[0], capitals=True) and not _array(node.expr)) or parameter_gradient(node)
    if concept == "partial_derivative" and parameter_gradient(node):
        return False
    if concept == "jacobian":
        return _array(node.wrt[0]) and _array(node.expr)
    return concept == "partial_derivative"


_CALCULUS = frozenset({"derivative", "partial_derivative", "gradient", "jacobian", "hessian"})


def _array(node: Node, capitals: bool = False) -> bool:
    """A name written as an array: in bold, or (for what a derivative is taken with respect to)
    a capital letter, a matrix of weights. A capital function (L, J, E) is a loss: a number."""
    if not isinstance(node, Symbol):
        return False
    entry = any(isinstance(s, Symbol) and len(s.name) == 1 and s.name.islower() for s in node.sub)
    return node.font in ("bf", "bm", "boldsymbol") or (capitals and node.name[:1].isupper() and not entry)


def building_block(ct: CompiledTemplate) -> bool:
    """A template of one or two operations, all of them notation or juxtaposition, or a lone
    transpose."""
    return ct.generic and (not (ct.features & DISTINCT) - NOTATION or ct.features <= {"transpose"})


def notation_decides(concept: str, node: Node) -> bool:
    """Whether the writing of the node says which of its readings it is (a derivative)."""
    return isinstance(node, Derivative | Gradient) and concept in _CALCULUS


def guessed_spans(formula: Formula) -> tuple[tuple[int, int], ...]:
    """Where the parser read the formula by a guess."""
    return tuple(d.span for d in formula.decisions if d.rule in GUESSED)


def enough(ct: CompiledTemplate, node: Node, whole: bool, formula: Formula,
           guesses: Iterable[tuple[int, int]]) -> bool:
    """Whether a structural match of this template on ``node`` may name the chunk (see the
    module docstring); a template that is more than a building block always may. ``whole``: the
    node is one side of the formula's equation, or the formula itself."""
    if not building_block(ct):
        return True
    if not whole:
        return False
    if _lone_capital_t(node, formula.source):
        return False  # H^T alone: the state at the last step T as often as H transposed
    if isinstance(node, Product) and (node.op == "times" or _acronym(node, formula.source)
                                      or _bracket_call(node, formula.source)):
        return False  # N \times D: sizes, not arrays; PE, KL: a name of capitals; L[φ]: a call
    start, end = node.span
    return not any(start <= a and b <= end for a, b in guesses)


def _lone_capital_t(node: Node, source: str) -> bool:
    """A formula that is only a name with a capital T above it (``\\mathbf{H}^T``, ``h^{T}``): T is
    as often the last step of a sequence (the state after T steps) as the transpose, and nothing
    around the name says which; ``^\\top`` and ``^\\intercal`` say transpose, as does a line that
    assigns it (``W' = W^T``)."""
    text = source.strip()
    return isinstance(node, Transpose) and isinstance(node.arg, Symbol) and node.span == (0, len(text)) \
        and text.replace(" ", "").endswith(("^T", "^{T}"))


def _bracket_call(node: Product, source: str) -> bool:
    """A name with a square bracket right after it, ``L[\\phi]``, ``f[x, \\phi]``: a function
    applied (the notation of some textbooks), not a product. ``W [h; x]`` (a semicolon inside)
    multiplies W by a concatenation."""
    for left, right in zip(node.factors, node.factors[1:], strict=False):
        opened = source[left.span[1]:right.span[0]].strip() == "[" or source[right.span[0]:right.span[0] + 1] == "["
        if isinstance(left, Symbol) and opened and ";" not in source[right.span[0]:right.span[1] + 1]:
            return True
    return False


def _acronym(node: Product, source: str) -> bool:
    """Capitals written side by side without a space (``PE``, ``KL``): a name more likely than a
    product of matrices."""
    letters = [f for f in node.factors if isinstance(f, Symbol)]
    if len(letters) != len(node.factors) or len(letters) < 2:
        return False
    if not all(len(f.name) == 1 and f.name.isupper() for f in letters):
        return False
    return all(letters[k].span[1] == letters[k + 1].span[0] for k in range(len(letters) - 1)) and \
        source[node.span[0]:node.span[0] + 1].isalpha()


def agreement(ct: CompiledTemplate, bindings: Mapping[str, Any], plain_letters: bool = True) -> int:
    """How many holes hold a name spelt as the template spells it (``\\hat m`` for ``\\hat m_t``).
    A bare letter that stands for any matrix (``W`` in ``W x``) names no role; marked, it does
    (``W_q``, ``W^{(l)}``: one weight among several). Without ``plain_letters``, a bare Latin
    letter (``b``, ``x``) does not count either."""
    score = 0
    for var in ct.template.variables:
        bound = bindings.get(var.name)
        if bound is None or not var.written or var.role in ("index", "bound_index"):
            continue  # the name of an index never matters
        sym = symbol_tree(var.symbol)
        node = bound[0] if isinstance(bound, tuple) else bound
        if isinstance(sym, Symbol) and isinstance(node, Symbol) and sym.name == node.name and sym.accent == node.accent:
            if (any_matrix(sym) and any_matrix(node)) or not (plain_letters or _telling_name(node)):
                continue
            score += 1
        elif isinstance(sym, Node) and not isinstance(sym, Symbol) and sym == node:
            score += 1  # written exactly as the template writes it (dz/dy)
        elif isinstance(node, Symbol) and len(node.name) > 1 and node.name == var.name:
            score += 1  # the setting called by its name: \text{stride} for the template's s
    return score


def conflicts(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> int:
    """How many holes hold the letter the template writes for them, marked where the template's
    is plain or plain where it is marked (``\\hat h`` where a GRU's old state ``h`` is meant, ``h``
    where its candidate ``\\tilde h`` is): the writer's accent says it is another quantity, the
    proposal rather than the state. Which of two ways of writing a concept a formula follows is
    read from its names (``(1 - z) \\odot x + z \\odot \\hat h`` takes the candidate where z is 1)."""
    count = 0
    for var in ct.template.variables:
        bound = bindings.get(var.name)
        if bound is None or not var.written or var.role in ("index", "bound_index"):
            continue
        sym = symbol_tree(var.symbol)
        node = bound[0] if isinstance(bound, tuple) else bound
        if isinstance(sym, Symbol) and isinstance(node, Symbol) and sym.name == node.name \
                and bool(sym.accent) != bool(node.accent):
            count += 1
    return count


def plausible(ct: CompiledTemplate, bindings: Mapping[str, Any], written: frozenset[str]) -> bool:
    """A tiny template (``g + \\mu b``, ``e^H``) counts only if it has a telling operation (a
    transpose, a norm, ``\\odot``), a matrix written as one, or one of the template's own names."""
    telling = ct.features & DISTINCT
    if ct.features & _ORDER_CALLS and not any(isinstance(n, Number) for n in ct.pattern.walk()):
        telling -= {"apply"}  # max(a, b) is any larger of two; max(0, x) clips at zero
    if isinstance(ct.pattern, BigOp) and not isinstance(ct.pattern.body, Product | Apply | Power):
        telling -= {"bigop"}  # Π_i λ_i is any product of entries; Σ_i x_i y_i pairs them
    if telling & written == {"op:cdot"} and not any(_marked_vector(b) for b in bindings.values()):
        telling -= {"op:cdot"}  # a centred dot between plain names is as often a times: w[0] · dz
    if telling & written:
        return True  # the telling operation is written in the chunk too
    if ct.features & _ORDER_CALLS and _slope_written(ct, bindings):
        return True  # max(0.01 x, x): the slope written as a number; the numbers decide (confirm)
    for var, bound in bindings.items():
        if ct.roles.get(var) == "matrix" and isinstance(bound, Symbol) and bound.name[:1].isupper() and \
                ct.template.variable(var).symbol[:1] in _ANY_MATRIX:
            return True
    return names_agree(ct, bindings)


def _slope_written(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """A setting written as a number between 0 and 1 beside inputs that are names (``max(0.2 x, x)``),
    which the numbers can check; an expression inside (``max(0.2 u, u)`` with ``u = W x``) they cannot."""
    slopes = [b for v, b in bindings.items() if ct.roles.get(v) == "hyperparameter"]
    return bool(slopes) and all(isinstance(b, Number) and 0 < float(b.value) < 1 for b in slopes) \
        and all(is_atom(b) for b in bindings.values())


def names_agree(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether the chunk writes the template's names: one bare Latin letter shared with it is a
    coincidence (y = a b + c has the b of Nesterov's g + \\mu b, (x - m)/h the x of (x - \\mu)/\\sigma);
    a Greek or longer name, or two letters in their places, is not."""
    return agreement(ct, bindings, plain_letters=False) > 0 or agreement(ct, bindings) >= 2


# Values the writing of a formula cannot show: that L L^T is a Cholesky factor times its
# transpose rests on L being triangular, which only its name says (W W^T is any Gram matrix).
UNSEEN_SHAPES = frozenset({"lower triangular", "upper triangular"})


def unseen_shape(ct: CompiledTemplate) -> bool:
    """Whether the template needs an input of a shape the formula cannot show (triangular), so
    that only the template's own names for such inputs can say it is the concept."""
    return any(UNSEEN_SHAPES & set(v.domain) for v in ct.template.variables)


def unassigned_prediction(ct: CompiledTemplate, bindings: Mapping[str, Any], whole: bool,
                          target: Node | None) -> bool:
    """Whether a template that defines a model by its prediction (``\\hat y = w^\\top x + b``)
    matched where no prediction is assigned: the model is the whole right-hand side of a line
    that assigns ``\\hat y``. ``w^\\top x + b`` alone is any affine score (a neuron, a margin),
    and inside ``\\sigma(\\cdot)`` it is the logit of a logistic regression, not a linear one. The
    names must be the model's too: ``\\hat y = V h + c`` reads a network's hidden state out."""
    out = symbol_tree(ct.template.output) if ct.template.output else None
    if not (isinstance(out, Symbol) and out.name == "y" and out.accent == "hat"):
        return False
    return not (whole and assigns_output(ct.template, target) and names_agree(ct, bindings))


_OPTIMA = frozenset({"argmin", "argmax", "min", "max"})


def cut_optimum(ct: CompiledTemplate, whole: bool) -> bool:
    """Whether a template that is an optimum over a variable (``\\arg\\min_x \\|A x - b\\|^2``)
    matched a term of a larger side: the reading ends the argmin at the first plus, where the
    writer means all that follows (``\\arg\\min_w \\|X w - y\\|^2 + \\lambda \\|w\\|^2`` is ridge
    regression, not least squares)."""
    return isinstance(ct.pattern, BigOp) and ct.pattern.op in _OPTIMA and ct.pattern.under is not None \
        and not whole


def _telling_name(node: Symbol) -> bool:
    """A name that says something by itself: not a bare Latin letter."""
    return not (len(node.name) == 1 and node.name.isascii() and node.name.isalpha()) or bool(
        node.sub or node.accent or node.font or node.sup is not None)


_ORDER_CALLS = frozenset({"f:max", "f:min"})


def _marked_vector(bound: Any) -> bool:
    """A vector as written: its entries in brackets, or a name in bold or with an arrow."""
    node = bound[0] if isinstance(bound, tuple) else bound
    if isinstance(node, Node) and node.kind in ("matrix", "concat"):
        return True
    return isinstance(node, Symbol) and (node.font in ("bf", "bm", "boldsymbol")
                                         or node.accent in ("vec", "overrightarrow"))


def any_matrix(sym: Symbol) -> bool:
    """A bare capital that stands for any matrix (``W``, ``A``), no subscript or superscript."""
    return sym.name in _ANY_MATRIX and not sym.sub and sym.sup is None and not sym.accent


# Letters that stand for any matrix; a template written with L U or Q R means special factors
# (triangular, orthogonal), so a product of two matrices is not an LU or QR decomposition.
_ANY_MATRIX = frozenset("ABCMWX")


_ARITHMETIC = frozenset({"sum", "product", "fraction", "power", "sqrt", "neg", "symbol", "number"})


def arithmetic(ct: CompiledTemplate) -> bool:
    """A template of plain arithmetic (sums, products, quotients, powers, roots) on numbers,
    settings or arrays taken entry by entry: ``\\sqrt{2 / n_l}``, ``m / (1 - \\beta^t)``,
    ``(x - \\mu) / \\sigma``. Any formula of that shape fits it (``(p_o - p_e) / (1 - p_e)``,
    ``(L_{in} - k) / s``, rounded down or up or not), so only its names, the statistics it writes
    as statistics of its data (``\\bar x``), the name it assigns or the words around it can say it
    is that concept."""
    roles = {r for v, r in ct.roles.items() if r not in ("index", "bound_index", "size")}
    features = ct.features
    calls = {f for f in features if f.startswith("f:")}
    if calls and calls <= _ROUNDING:  # ⌊(L - k)/s⌋ + 1 is arithmetic, rounded
        features = features - calls - {"apply"}
    return bool(roles) and roles <= NUMBER_ROLES | {"tensor"} and features <= _ARITHMETIC


_ROUNDING = frozenset({"f:floor", "f:ceil"})


# Families whose concepts are readings of a computation that other concepts share: attention
# weights are a softmax of scores, an attentional hidden state a tanh of a concatenation (as is the
# hidden layer of an additive score), a partition function a sum of exponentials, a Boltzmann
# distribution a softmax of minus energies. The computation alone is the plainer concept; the
# reading needs its roles: the concept's names, the name the line assigns, or the words around.
ROLE_FAMILIES = frozenset({"attention", "energy_models"})


def reads_a_role(concept: str) -> bool:
    """Whether naming ``concept`` reads roles into a computation (``ROLE_FAMILIES``), or is a
    layer's weights written another way (``_reparametrises_weights``)."""
    found = concepts_module.catalog().get(concept)
    return found is not None and (found.family in ROLE_FAMILIES or _reparametrises_weights(concept))


@lru_cache(maxsize=256)
def _reparametrises_weights(concept: str) -> bool:
    """A layer whose every formula computes a weight (its output is written ``w`` or ``W``: weight
    normalisation's ``w = g v / \\|v\\|``) reads that role into a computation any array may undergo
    (``\\gamma x / \\|x\\|`` scales a unit vector): the names, the weight assigned or the words say it."""
    found = concepts_module.catalog().get(concept)
    if found is None or found.family != "layers":
        return False
    outputs = [symbol_tree(t.output) if t.output else None for t in found.formulas]
    return all(isinstance(o, Symbol) and o.name in ("w", "W") for o in outputs)


def roles_written(ct: CompiledTemplate, bindings: Mapping[str, Any], target: Node | None) -> bool:
    """The roles of a concept of ``ROLE_FAMILIES`` written otherwise than with the template's own
    names: the line assigns a value named as the template names its output (``a[x_m, x_n] = ...``
    for attention weights ``a_t(s)``), or an energy is written with an energy's letter (``E``, ``F``:
    ``e^{-F(x)} / Z`` is a Boltzmann distribution of the free energy; ``e^{-x} / (1 + e^{-x})`` is
    a sigmoid, whatever x is)."""
    output = symbol_tree(ct.template.output) if ct.template.output else None
    head = _head_name(output) if output is not None else ""
    if output is not None and target is not None and head and head == _head_name(target) and (
            head not in _PROBABILITY_LETTERS or _events(output) == _events(target)):
        return True  # p(h_j = 1 | v) is the RBM's own; any p = σ(...) is not
    for var in ct.template.variables:
        bound = bindings.get(var.name)
        node = bound[0] if isinstance(bound, tuple) else bound
        if "energ" in var.meaning and isinstance(node, Node) and _letters(node) & _ENERGY_LETTERS:
            return True
    return False


_ENERGY_LETTERS = frozenset({"E", "F", "U"})
_PROBABILITY_LETTERS = frozenset({"p", "P", "q", "Q", "Pr"})  # the letter of any probability: no role by itself


def _events(node: Node) -> frozenset[str]:
    """The names a probability is written of (h and v of ``p(h_j = 1 | v)``), its letter left out."""
    args = node.args if isinstance(node, Apply) else ()
    return frozenset(n.name for a in args for n in a.walk() if isinstance(n, Symbol))


def _head_name(node: Node) -> str:
    """The letter a value is written with: ``a`` of ``a_{ij}``, ``a_t(s)`` and ``a[x_m, x_n]`` (read
    as a call, or as a times a bracket)."""
    if isinstance(node, Apply):
        node = node.func
    elif isinstance(node, Product) and node.factors:
        node = node.factors[0]
    return node.name if isinstance(node, Symbol) else ""


def statistics_of_data(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether a statistic the template writes (the mean μ of a standardisation) is written as a
    statistic of the chunk's data: the data's own name with an accent (``\\bar x``) or as a subscript
    (``\\mu_x``), or an expression of it (``\\langle x \\rangle``, ``E[x]``); not another entry
    (``p_e`` of ``p_o``)."""
    of = {w: v for w, _, v in ct.template.derived}
    for var in ct.template.variables:
        bound, source = bindings.get(var.name), bindings.get(of.get(var.symbol, ""))
        node = bound[0] if isinstance(bound, tuple) else bound
        data = source[0] if isinstance(source, tuple) else source
        if not isinstance(node, Node) or not isinstance(data, Symbol):
            continue
        if isinstance(node, Symbol) and node.name == data.name and node.accent != data.accent:
            return True  # \bar x of x
        if isinstance(node, Symbol) and any(isinstance(s, Symbol) and s.name == data.name for s in node.sub):
            return True  # \mu_x of x
        if not isinstance(node, Symbol) and any(n == data for n in node.walk()):
            return True  # <x>, E[x]
    return False


def misfits(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> int:
    """How many of a tiny product's vectors (``generic``: ``A x``, ``x^T y``, ``\\sum_i x_i y_i``)
    are bound to a capital letter, a matrix by convention (``W_k`` as the x of ``A x``, ``W_e`` in
    ``W_e^T y``, ``K_i`` in ``\\sum_i K_i * Z_i``). (An update or an average takes weight matrices
    as any array: W in an EMA of weights is no misfit.)"""
    if not ct.generic or "product" not in ct.features:
        return 0  # a mean of the L_i takes any array; a product of two vectors no matrix
    count = 0
    for var, bound in bindings.items():
        node = bound[0] if isinstance(bound, tuple) else bound
        if isinstance(bound, tuple) and isinstance(node, Symbol) and len(node.sub) > len(bound[1]):
            continue  # W_{ij} summed over i: the entries of a column, a vector
        if ct.roles.get(var) == "vector" and isinstance(node, Symbol) and (
                (len(node.name) == 1 and node.name.isupper()) or node.name in _GREEK_CAPITALS):
            count += 1
    return count


# Greek capitals that stand for matrices (UDL's weights Ω, a covariance Σ, features Φ)
_GREEK_CAPITALS = frozenset({"Omega", "Phi", "Psi", "Theta", "Lambda", "Sigma", "Gamma", "Xi"})


def crossed(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether two holes hold each other's names: the template's state ``h`` holds the formula's
    ``x_t`` while its input ``x`` holds an expression of ``h`` (``W_{in} x_t + W_{hn} (r_t \\odot h_{t-1})``
    read as an LSTM's candidate with input and state swapped). A formula that writes the
    template's names in the other holes is another formula."""
    letters = {}
    for var in ct.template.variables:
        sym = symbol_tree(var.symbol)
        if isinstance(sym, Symbol) and var.written and var.role not in ("index", "bound_index") and not any_matrix(sym):
            letters[var.name] = sym.name
    held = {v: (b[0] if isinstance(b, tuple) else b) for v, b in bindings.items() if v in letters}
    for a, node_a in held.items():
        for b, node_b in held.items():
            if letters[a] == letters[b] or not isinstance(node_a, Symbol) or node_a.name != letters[b]:
                continue
            if isinstance(node_b, Node) and letters[a] in _letters(node_b):
                return True
    return False


def _letters(node: Node) -> frozenset[str]:
    """The letters of the names an expression writes (not those of their subscripts)."""
    if isinstance(node, Symbol):
        return frozenset({node.name})
    return frozenset(name for child in node.children() for name in _letters(child))


def state_update_elsewhere(ct: CompiledTemplate, bindings: Mapping[str, Any], target: Node | None,
                           whole: bool) -> bool:
    """Whether a template that updates a state (its output, primed or at a step t, is written with
    the letter of one of its holes: ``h'`` from ``h``, ``m_t`` from ``m_{t-1}``) is matched where no
    such update is made: inside a larger expression, or on a line that assigns another letter
    (``g_t = \\tanh(W x_t + U h_{t-1})`` is a candidate, not the cell's new state ``h``;
    ``y_t = (1 - \\beta) z_t + \\beta x_t`` mixes two quantities, it does not average x over time)."""
    output = symbol_tree(ct.template.output) if ct.template.output else None
    in_place = any(symbol_tree(v.symbol) == output for v in ct.template.variables)  # v_{dW} = β v_{dW} + ...
    if not isinstance(output, Symbol) or not (output.prime or _timed(output) or in_place):
        return False  # W_{out} from W_{in} is a size computed from a size, no step of a state
    for var in ct.template.variables:
        sym, bound = symbol_tree(var.symbol), bindings.get(var.name)
        node = bound[0] if isinstance(bound, tuple) else bound
        if not isinstance(sym, Symbol) or (sym.name, sym.accent) != (output.name, output.accent) \
                or var.role in ("index", "bound_index"):
            continue
        if not whole:
            return True
        # the state written at a step (h_{t-1}, x_t) and another letter assigned: not the state's
        # next value (a GRU's new state may be named freely where no step is written: g = (1 - z) x + z h)
        return isinstance(target, Symbol) and isinstance(node, Symbol) and target.name != node.name and _timed(node)
    return False


def gated_by_names(ct: CompiledTemplate, bindings: Mapping[str, Any], written: frozenset[str],
                   target: Node | None = None) -> bool:
    """A template that multiplies entry by entry (``f_t \\odot c_{t-1}``) matches a plain product
    only where the names say it is that product: one of the template's own names, the name it
    assigns (``c_t = \\Gamma_u * \\tilde c_t + \\Gamma_f * c_{t-1}``), or every name a state or gate
    at a time step. ``w_1 x + w_2 y`` is a weighted sum, not an LSTM cell."""
    if not ct.features & LOOSE_OPS - written:
        return True
    if agreement(ct, bindings) > 0:
        return True
    if assigns_output(ct.template, target):
        return True
    atoms = [b[0] if isinstance(b, tuple) else b for v, b in bindings.items() if not v.startswith("_")]
    return bool(atoms) and all(isinstance(a, Symbol) and _timed(a) for a in atoms)


def _timed(sym: Symbol) -> bool:
    marks = (*sym.sub, *((sym.sup,) if sym.sup is not None else ()))
    return any(isinstance(n, Symbol) and n.name == "t" for m in marks for n in m.walk())


def updates_its_parameter(ct: CompiledTemplate, bindings: Mapping[str, Any], target: Node | None) -> bool:
    """A parameter update (``\\theta - \\eta g``) is named where the roles show it: the formula
    assigns the result to the parameter it started from (``w_{k+1} = w_k - ...``), or the step
    is written as a gradient (``\\nabla J``, ``\\partial L / \\partial w``), or the names are the
    template's own. ``N - \\delta N`` is arithmetic on a count, not a descent step."""
    theta = bindings.get("theta")
    if theta is None:
        return True
    if any(isinstance(b, Derivative | Gradient) for b in bindings.values()):
        return True
    if isinstance(theta, Symbol) and isinstance(target, Symbol) and target.name == theta.name \
            and target.accent == theta.accent:
        return True
    return agreement(ct, bindings) >= 2


def one_gradient(bindings: Mapping[str, Any]) -> bool:
    """An optimizer's line takes one gradient; its other inputs are states and settings. Two
    different derivatives in its holes (``2 df/dx + 3 df/dy``, ``dC/ds_0 w_0 + dC/ds_1 w_1``) make a
    chain rule or a total derivative, not a momentum step."""
    derivatives = {b for b in (v[0] if isinstance(v, tuple) else v for v in bindings.values())
                   if isinstance(b, Derivative | Gradient)}
    return len(derivatives) <= 1


def assigns_another(ct: CompiledTemplate, bindings: Mapping[str, Any], target: Node | None) -> bool:
    """Whether the line assigns the quantity another hole holds than the one the template's line
    updates. Nesterov's ``g_t = g_t + \\mu b_t`` updates the gradient with the new buffer;
    ``b_t = \\mu b_{t-1} + g_t`` updates the buffer (heavy-ball momentum), whatever its shape."""
    output = symbol_tree(ct.template.output) if ct.template.output else None
    if not isinstance(output, Symbol) or not isinstance(target, Symbol):
        return False
    # a template with no hole for its own quantity (a layer's f(W x + b)) may take as its input the
    # output of the layer before, written with the letter this line assigns: h_2 = σ(W h_1 + b)
    stacked = not any(isinstance(sym := symbol_tree(v.symbol), Symbol) and sym.name == output.name
                      for v in ct.template.variables)
    own, other = False, False
    for var in ct.template.variables:
        sym, bound = symbol_tree(var.symbol), bindings.get(var.name)
        node = bound[0] if isinstance(bound, tuple) else bound
        if not isinstance(sym, Symbol) or not isinstance(node, Symbol) or var.role in ("index", "bound_index"):
            continue
        if stacked and "input" in var.meaning and (node.sub, node.sup) != (target.sub, target.sup):
            continue  # (h_t = W h_t, the same quantity on both sides, stays an update)
        same = node.name == target.name and node.accent == target.accent
        if sym.name == output.name:  # the hole written with the letter the line assigns (x of \hat x)
            own = own or same
        else:
            other = other or same
    return other and not own


def assigns_output(template: Template, target: Node | None) -> int:
    """1 where the formula assigns the name the template's left-hand side writes (``c_t`` for the
    LSTM's cell line), or a name the concept gives to what the line computes (a gate of an LSTM
    written ``i_t`` or ``o_t``, of a GRU ``z``: ``_role_names``), else 0."""
    if not isinstance(target, Symbol):
        return 0
    return int(any(n.name == target.name and n.accent == target.accent for n in _role_names(template)))


@lru_cache(maxsize=512)
def _role_names(template: Template) -> tuple[Symbol, ...]:
    """The names a line of this template may assign: the template's own left-hand side and, for a
    line that computes one of several parts of one form (``part = "gate"``), the names the
    concept's other templates give to values of that part (the LSTM's ``f_t``, ``i_t``, ``o_t``,
    each meant as a "... gate"; the GRU's ``r`` and ``z``). The name says which concept it is:
    ``i_t = σ(W x_t + U h_{t-1})`` is an LSTM's input gate, ``z_t = σ(...)`` a GRU's update gate."""
    names = [symbol_tree(template.output)] if template.output else []
    kind = template.part.split()
    concept = concepts_module.catalog().get(template.concept)
    if len(kind) == 1 and concept is not None:  # "gate": one of several of a kind ("forget gate", "input gate")
        names.extend(symbol_tree(v.symbol) for other in concept.formulas for v in other.variables
                     if v.symbol and len(words := v.meaning.split()) == 2 and words[1] == kind[0])
    return tuple(n for n in names if isinstance(n, Symbol))


def is_atom(bound: Any) -> bool:
    """A binding that is a name, a number or a derivative, not a computed expression."""
    node = bound[0] if isinstance(bound, tuple) else bound
    return isinstance(node, Symbol | Number | Derivative | Gradient)


LOOSE_OPS = frozenset({"op:odot"})  # an entrywise product may be written as a plain one


__all__ = [
    "GUESSED",
    "LOOSE_OPS",
    "NOTATION",
    "ROLE_FAMILIES",
    "agreement",
    "any_matrix",
    "arithmetic",
    "assigns_another",
    "assigns_output",
    "building_block",
    "conflicts",
    "crossed",
    "cut_optimum",
    "enough",
    "gated_by_names",
    "guessed_spans",
    "is_atom",
    "misfits",
    "notation_allows",
    "notation_decides",
    "one_gradient",
    "plausible",
    "reads_a_role",
    "roles_written",
    "state_update_elsewhere",
    "statistics_of_data",
    "unassigned_prediction",
    "unseen_shape",
    "updates_its_parameter",
]
