"""A block's lines as a small program: who is assigned what, in which order, under which
condition, and which names are the same variable at different times.

``v_t``, ``v_{t-1}`` and ``v`` are one variable ``v`` (its value now, its value one step
before, or whichever the line's order gives); ``\\widehat{m_t}`` and ``\\hat{m}_t`` are one
variable ``m̂``; ``v_0 ← 0`` and a ``\\textbf{initialize}`` line give a starting value;
``β_1 = 0.9`` alone gives a hyperparameter its value. Each line's math goes through
:func:`thirdroad.formula.parse`, so every notation the parser reads is read here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from thirdroad.formula.ast import Apply, Block, Neg, Node, Number, Product, Relation, Sum, Symbol, Update, transform
from thirdroad.formula.blocks.segment import Line, Segmented, segment, split_top_level, strip_comment
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.reading import parse

INIT = -99  # the offset of a starting value: v_0, g^0_prev
CONST = "°"  # marks the bare α of a block that also assigns α_t


@dataclass(frozen=True)
class Ref:
    """A variable and the time it is read at: ``offset`` 0 for ``v_t``, -1 for ``v_{t-1}``,
    +1 for ``v_{t+1}``, :data:`INIT` for ``v_0``, ``None`` when no time is written."""

    base: str
    offset: int | None = None

    def __str__(self) -> str:
        return self.base


@dataclass(frozen=True)
class Assign:
    target: Ref
    value: Node
    line: int  # index into Program.lines
    shown: str  # the target as written (Unicode-ish), for explanations
    node: Node | None = None  # the whole line as parsed


@dataclass(frozen=True)
class Condition:
    """``flag`` for a named switch (``maximize``, ``amsgrad``), else the parsed ``node``."""

    text: str
    flag: str = ""
    node: Node | None = None


@dataclass(frozen=True)
class Branch:
    cond: Condition
    then: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    line: int


Stmt = Assign | Branch


@dataclass(frozen=True)
class Input:
    """One entry of an algorithm box's input list: ``\\gamma \\text{ (lr)}``."""

    base: str
    label: str
    flag: bool = False  # a switch such as nesterov, written as a word


@dataclass
class Program:
    """A block as a program. ``body`` is what happens at every step (the loop's body, or
    all the update lines of a plain block); ``init`` the starting values; ``given`` the
    numbers written for hyperparameters; ``problems`` the lines that could not be read."""

    lines: tuple[Line, ...]
    body: tuple[Stmt, ...]
    init: dict[str, Node] = field(default_factory=dict)
    given: dict[str, Node] = field(default_factory=dict)
    inputs: tuple[Input, ...] = ()
    loop_var: str = "t"
    box: bool = False
    problems: tuple[tuple[int, str], ...] = ()
    shown: dict[str, str] = field(default_factory=dict)  # base -> how the text writes it
    split: frozenset[str] = frozenset()  # names whose bare reads are a constant: α beside α_t

    def ref(self, node: Node) -> Ref | None:
        """The variable ``node`` names. Where a block assigns ``α_t`` from a bare ``α``, the
        bare one is a different name (the constant the schedule starts from)."""
        r = ref_of(node, self.loop_var)
        if r is not None and r.offset is None and r.base in self.split:
            return Ref(r.base + CONST)
        if r is not None and r.offset == INIT and _is_seed(self.init.get(r.base), r.base, self.loop_var):
            return Ref(r.base + "₀")  # η ← η_0: the starting value is a hyperparameter of its own
        return r

    def assignments(self) -> list[Assign]:
        """Every assignment of the body, all branches, in reading order."""
        out: list[Assign] = []
        _collect(self.body, out)
        return out

    def assigned(self) -> set[str]:
        return {a.target.base for a in self.assignments()}

    def sliced(self, keep: str, drop: set[str]) -> Program:
        """The program of one parameter: the lines its update depends on (Ng's blocks update W
        and b side by side, each with its own averages)."""
        needed = {keep}
        for a in reversed(self.assignments()):
            if a.target.base in needed:
                needed |= {n.name for n in a.value.walk() if isinstance(n, Symbol)}
                needed |= {ref.base for n in a.value.walk() if (ref := self.ref(n)) is not None}
        body = _keep(self.body, needed - drop)
        return replace(self, body=body)


def _is_seed(init: Node | None, base: str, loop: str) -> bool:
    """Whether a state starts from a name written as itself at time 0 (``η ← η_0``)."""
    if not isinstance(init, Symbol):
        return False
    r = ref_of(init, loop)
    return r is not None and r.base == base and r.offset == INIT


def _keep(stmts: tuple[Stmt, ...], names: set[str]) -> tuple[Stmt, ...]:
    out: list[Stmt] = []
    for s in stmts:
        if isinstance(s, Assign):
            if s.target.base in names:
                out.append(s)
        else:
            then, orelse = _keep(s.then, names), _keep(s.orelse, names)
            if then or orelse:
                out.append(Branch(s.cond, then, orelse, s.line))
    return tuple(out)


def _collect(stmts: tuple[Stmt, ...], out: list[Assign]) -> None:
    for s in stmts:
        if isinstance(s, Assign):
            out.append(s)
        else:
            _collect(s.then, out)
            _collect(s.orelse, out)


# ---------------------------------------------------------------- reading a block


def read_program(text: str) -> Program:
    """Segment ``text`` and parse each line; raises :class:`FormulaError` only when no line
    at all can be read."""
    seg = segment(text)
    lost = _lost_subscripts(text, seg.loop_var)
    builder = _Builder(seg, lost)
    builder.differentials = _differentials(seg)
    program = builder.build()
    if not program.body and program.problems:
        line, message = program.problems[0]
        raise FormulaError(f"no line of the block could be read ({message})", seg.lines[line].span[0] + 1, "", text)
    return program


class _Builder:
    def __init__(self, seg: Segmented, lost: bool) -> None:
        self.seg = seg
        self.lost = lost
        self.problems: list[tuple[int, str]] = []
        self.init: dict[str, Node] = {}
        self.given: dict[str, Node] = {}
        self.inputs: list[Input] = []
        self.shown: dict[str, str] = {}
        self.counter = {seg.loop_var}
        self.differentials: set[str] = set()
        self.together: dict[str, Node] = {}
        self.before: list[Assign] = []

    def _parse_together(self) -> None:
        """Parse the block's update lines in one go, so each line is read knowing the others
        (``db`` is one name, the gradient of b, because b is a name of the block); lines are
        parsed one by one where the whole does not parse."""
        pieces: list[str] = []
        for line in self.seg.lines:
            if line.kind == "assign":
                parts = split_top_level(line.math)
                if len(parts) > 1 and not all(_has_assign(p) for p in parts):
                    parts = [line.math]
                pieces.extend(self._prepare(p) for p in parts)
        if len(pieces) < 2:
            return
        latex = any("\\" in p for p in pieces)
        try:
            root = parse((r" \\ " if latex else "; ").join(pieces)).root
        except FormulaError:
            return
        items = root.items if isinstance(root, Block) else ()
        names = [ref_of(_defined(pair[0]), self.seg.loop_var) if (pair := _target_value(it)) else None
                 for it in items]
        if len(items) == len(pieces) and all(n is not None for n in names):
            self.together = dict(zip(pieces, items, strict=True))

    def _differential_names(self, src: str) -> str:
        """For a LaTeX line parsed alone: ``db`` beside a name ``b`` is one name."""
        if "\\" not in src:
            return src
        for name in self.differentials:
            src = re.sub(rf"(?<![A-Za-z\\{{_])d\s*{name}(?![A-Za-z])", rf"\\mathrm{{d{name}}}", src)
        return src

    def build(self) -> Program:
        lines = self.seg.lines
        self._parse_together()
        self.loop_body: list[Stmt] | None = None
        top, _ = self._block(0, 0)
        steps = list(self.loop_body) if self.loop_body is not None else top
        if self.loop_body is not None:  # lines before the loop set starting values and hyperparameters
            self.before.extend(s for s in top if isinstance(s, Assign))
        assigned: list[Assign] = []
        _collect(tuple(steps), assigned)
        for a in self.before:
            self._before_loop(a, {x.target.base for x in assigned})
        body = self._lift_given(tuple(steps))
        body = _not_calls(body, {a.target.base for a in assigned}, self.seg.loop_var)
        split = _split_names(body, self.seg.loop_var)
        for name in split:
            self.shown[name + CONST] = self.shown.get(name, name).split("_")[0]
        return Program(lines, body, self.init, self.given, tuple(self.inputs), self.seg.loop_var,
                       self.seg.box, tuple(self.problems), self.shown, frozenset(split))

    def _block(self, i: int, depth: int) -> tuple[list[Stmt], int]:
        """The statements from line ``i`` while lines are at least ``depth`` deep."""
        lines = self.seg.lines
        out: list[Stmt] = []
        while i < len(lines) and lines[i].depth >= depth:
            line = lines[i]
            if line.kind == "input":
                self.inputs.extend(self._inputs(line.math))
                i += 1
            elif line.kind in ("init", "given"):
                for piece in split_top_level(line.math):
                    self._init_or_given(piece, i, line.kind == "init")
                i += 1
            elif line.kind == "loop":
                body, i = self._block(i + 1, line.depth + 1)
                if self.loop_body is None and line.depth == 0:
                    self.loop_body = body
                else:  # a per-element loop: its body is the same arithmetic, elementwise
                    out.extend(body)
            elif line.kind == "if":
                then, j = self._block(i + 1, line.depth + 1)
                orelse: tuple[Stmt, ...] = ()
                if j < len(lines) and lines[j].depth == line.depth and lines[j].kind in ("elif", "else"):
                    orelse, j = self._else(j)
                out.append(Branch(self._condition(line, i), tuple(then), orelse, i))
                i = j
            elif line.kind == "assign":
                out.extend(self._assignments(line, i))
                i += 1
            else:  # return, end, a stray else
                i += 1
        return out, i

    def _else(self, i: int) -> tuple[tuple[Stmt, ...], int]:
        line = self.seg.lines[i]
        body, j = self._block(i + 1, line.depth + 1)
        if line.kind == "else":
            return tuple(body), j
        orelse: tuple[Stmt, ...] = ()
        lines = self.seg.lines
        if j < len(lines) and lines[j].depth == line.depth and lines[j].kind in ("elif", "else"):
            orelse, j = self._else(j)
        return (Branch(self._condition(line, i), tuple(body), orelse, i),), j

    def _condition(self, line: Line, i: int) -> Condition:
        if line.flag:
            return Condition(line.math, flag=line.flag)
        try:
            node = parse(self._prepare(line.math)).root
        except FormulaError as e:
            self.problems.append((i, e.message))
            return Condition(line.math, flag=re.sub(r"\W+", "_", line.math).strip("_").lower())
        return Condition(line.math, node=node)

    # -- lines

    def _assignments(self, line: Line, i: int) -> list[Assign]:
        pieces = split_top_level(line.math)
        if len(pieces) > 1 and not all(_has_assign(p) for p in pieces):
            pieces = [line.math]
        out = []
        for piece in pieces:
            a = self._assignment(piece, i)
            if a is not None:
                out.append(a)
        return out

    def _assignment(self, math: str, i: int) -> Assign | None:
        src = self._prepare(math)
        root = self.together.get(src)
        if root is None:
            try:
                root = parse(self._differential_names(src)).root
            except FormulaError as e:
                self.problems.append((i, e.message))
                return None
        pair = _target_value(root)
        if pair is None:
            self.problems.append((i, "not an assignment: no single name on the left of =, ← or :="))
            return None
        target, value = pair
        if isinstance(target, Apply) and isinstance(target.func, Symbol) and target.func.name != "index":
            target = target.func  # score(h_t, h̄_s) = ...: the line defines a function named score
        ref = self.ref(target)
        if ref is None:
            self.problems.append((i, "the left-hand side is not a name"))
            return None
        if ref.base in self.counter:  # t ← t + 1, t ← 0: the step count, kept by the loop
            return None
        return Assign(ref, value, i, self.shown.get(ref.base, ref.base), root)

    def _init_or_given(self, piece: str, i: int, init: bool) -> None:
        piece = re.sub(r"\\text\s*\{\s*([A-Za-z]+)\s*\([^{}]*\)\s*\}", r"\\mathrm{\1}", piece)
        piece = re.sub(r"\^\s*\{?\s*0\s*\}?(?=\s*_)", "", piece)  # g^0_{prev}: the starting g_prev
        math, _ = strip_comment(piece)
        if not math.strip() or not _has_assign(math):
            return
        a = self._assignment(math, i)
        if a is not None:
            self.before.append(Assign(Ref(a.target.base, INIT) if init else a.target, a.value, a.line, a.shown, a.node))

    def _before_loop(self, a: Assign, assigned: set[str]) -> None:
        if a.target.offset == INIT or not _numeric(a.value) or a.target.base in assigned:
            self.init[a.target.base] = a.value
        else:
            self.given[a.target.base] = a.value

    def _lift_given(self, body: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        """Numbers assigned to names that nothing updates are hyperparameters' values
        (``β_1 = 0.9``); a starting value (``v_0 ← 0``, or ``v = 0`` before ``v``'s update)
        is the state's initial value."""
        assigns: list[Assign] = []
        _collect(body, assigns)
        out: list[Stmt] = []
        for s in body:
            if isinstance(s, Assign) and s.target.offset == INIT:
                self.init[s.target.base] = s.value
                continue
            if isinstance(s, Assign) and _numeric(s.value):
                later = [a for a in assigns if a.target.base == s.target.base and a is not s]
                if not later:
                    self.given[s.target.base] = s.value
                    continue
                if all(a.line > s.line for a in later):
                    self.init[s.target.base] = s.value
                    continue
            out.append(s)
        return tuple(out)

    # -- names

    def ref(self, node: Node) -> Ref | None:
        """The variable a target (or a read) names, with its time offset."""
        ref = ref_of(node, self.seg.loop_var, self.seg.elementwise)
        if ref is not None and ref.base not in self.shown:
            self.shown[ref.base] = shown_name(node, self.seg.loop_var)
        return ref

    def _prepare(self, math: str) -> str:
        return prepare(math, self.seg.loop_var, self.seg.elementwise, self.lost)

    def _inputs(self, math: str) -> list[Input]:
        out: list[Input] = []
        waiting: list[Input] = []
        for piece in split_top_level(math):
            label_m = re.search(r"\\text\s*\{\s*\(\s*([^{}]*?)\s*\)?\s*\}|\(([^()]*[a-z]{2,}[^()]*)\)\s*$", piece)
            raw_label = ""
            if label_m:
                raw_label = (label_m.group(1) or label_m.group(2) or "").strip()
                piece_math = piece[: label_m.start()]
            else:
                piece_math = piece
            m2 = re.search(r"\\text\s*\{\s*\(\s*\}\s*(.*?)\\text\s*\{\s*([^{}]*)\)\s*\}", piece)
            if m2:  # \tau \text{(}\beta_2\text{ decay)}
                raw_label = f"{_plain(m2.group(1))} {m2.group(2)}".strip()
                piece_math = piece[: m2.start()]
            flags = re.findall(r"\\textit\s*\{\s*([A-Za-z_\\]+?)\s*,?\s*\}", piece_math)
            for f in flags:
                out.append(Input(f.replace("\\_", "_").lower(), f.replace("\\_", "_"), flag=True))
            piece_math = re.sub(r"\\textit\s*\{[^{}]*\}", " ", piece_math)
            piece_math = re.sub(r"\\in\b.*$|∈.*$|(?<!\\):.*$", "", piece_math).strip()
            word = re.sub(r"\\[:,; ]", " ", piece_math).strip()
            if not word:
                continue
            if re.fullmatch(r"[A-Za-z_]{3,}", word) and word not in _GREEK:
                out.append(Input(word.lower(), word, flag=True))
                continue
            try:
                node = parse(self._prepare(word)).root
            except FormulaError:
                continue
            ref = self.ref(_head(node))
            if ref is None:
                continue
            item = Input(ref.base, raw_label)
            if raw_label:
                out.extend(Input(w.base, raw_label) for w in waiting)
                waiting.clear()
                out.append(item)
            else:
                waiting.append(item)
        out.extend(waiting)
        return out


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu", "rho", "tau", "psi"}


def _not_calls(stmts: tuple[Stmt, ...], names: set[str], loop: str) -> tuple[Stmt, ...]:
    """``g_t (1 - ρ)`` is a product where ``g_t`` is a value the block assigns: a name the
    block computes is no function, though the parser reads a name before brackets as a call
    (a square lost from ``g^2_t (1 - ρ)`` leaves exactly that)."""
    def fix(node: Node) -> Node:
        if isinstance(node, Apply) and isinstance(node.func, Symbol) and len(node.args) == 1 \
                and node.func.name not in ("index", "sqrt", "exp", "log") and node.func.sub:
            ref = ref_of(node.func, loop)
            if ref is not None and ref.base in names:
                return Product((node.func, node.args[0]))
        return node

    out: list[Stmt] = []
    for s in stmts:
        if isinstance(s, Assign):
            node = transform(s.node, fix) if s.node is not None else None
            out.append(replace(s, value=transform(s.value, fix), node=node))
        else:
            out.append(replace(s, then=_not_calls(s.then, names, loop), orelse=_not_calls(s.orelse, names, loop)))
    return tuple(out)


def _split_names(body: tuple[Stmt, ...], loop: str) -> set[str]:
    """Names always assigned with a time (``α_t ← α √(1-β_2^t)/(1-β_1^t)``) and also read
    bare but never at the step before: the bare reads are a constant of the same letter."""
    assigns: list[Assign] = []
    _collect(body, assigns)
    timed: dict[str, set[int | None]] = {}
    for a in assigns:
        timed.setdefault(a.target.base, set()).add(a.target.offset)
    reads: dict[str, set[int | None]] = {}
    for a in assigns:
        for node in a.value.walk():
            r = ref_of(node, loop) if isinstance(node, Symbol) else None
            if r is not None:
                reads.setdefault(r.base, set()).add(r.offset)
    out = set()
    for base, offsets in timed.items():
        if None in offsets or base not in reads or None not in reads[base]:
            continue
        first = min(o for o in offsets if o is not None)
        if first - 1 not in reads[base]:
            out.add(base)
    return out


_TARGET = re.compile(r"^\s*(\\theta|θ|[A-Za-z])\s*(?:_\{?[^=←:]*\}?)?\s*(?:=|:=|←|\\leftarrow|\\gets)")


def _differentials(seg: Segmented) -> set[str]:
    """One-letter names the block updates (W, b, w): ``dW`` and ``db`` beside them are
    their gradients, one name each (a line alone does not show that ``b`` is a name)."""
    out = set()
    for line in seg.lines:
        m = _TARGET.match(line.math)
        if m and len(m.group(1)) == 1 and m.group(1) != "d":
            out.add(m.group(1))
    whole = " ".join(line.math for line in seg.lines)
    return {n for n in out if re.search(rf"(?<![A-Za-z\\])d\s*{n}(?![A-Za-z])", whole)}


def _defined(target: Node) -> Node:
    """The name a line defines: ``score`` for ``score(h_t, h̄_s) = ...``."""
    if isinstance(target, Apply) and isinstance(target.func, Symbol) and target.func.name != "index":
        return target.func
    return target


def _has_assign(s: str) -> bool:
    return bool(re.search(r"\\leftarrow|\\gets|←|:=|<-|(?<![<>!=\\])=(?!=)", s))


def _head(node: Node) -> Node:
    """The name at the head of ``f(\\theta)`` or ``\\theta_0``."""
    if isinstance(node, Apply):
        return node.func
    return node


def _target_value(root: Node) -> tuple[Node, Node] | None:
    if isinstance(root, Update):
        return root.target, root.value
    if isinstance(root, Relation) and root.ops == ("eq",) and len(root.operands) == 2:
        return root.operands[0], root.operands[1]
    return None


def _numeric(node: Node) -> bool:
    """Only numbers: 0.9, -1, 10^{-8}, 1/2, 1e-3."""
    if isinstance(node, Symbol):
        return False
    if isinstance(node, Number):
        return True
    if isinstance(node, Apply):
        return False
    kids = list(node.children())
    return bool(kids) and all(_numeric(k) for k in kids)


def _plain(latex: str) -> str:
    return re.sub(r"\\([A-Za-z]+)", r"\1", latex).replace("_", "").replace("{", "").replace("}", "").strip()


# ---------------------------------------------------------------- names and times


def ref_of(node: Node, loop_var: str = "t", elementwise: tuple[str, ...] = ()) -> Ref | None:
    """``v_{t-1}`` is ``Ref("v", -1)``; ``\\hat{m}_t`` is ``Ref("m̂", 0)``; ``v_t^{max}`` is
    ``Ref("v^max", 0)``; ``\\beta_1`` is ``Ref("β_1")``; ``E[g^2]_t`` is ``Ref("E[g²]", 0)``."""
    if isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name == "index" and len(node.args) == 2:
        inner = _label(node.args[0])
        off = _offset(node.args[1], loop_var)
        return Ref(inner, off) if off is not None or isinstance(node.args[1], Symbol) else None
    if not isinstance(node, Symbol):
        return None
    offset: int | None = None
    labels: list[str] = []
    for s in node.sub:
        off = _offset(s, loop_var)
        if off is not None:
            offset = off
            continue
        if isinstance(s, Symbol) and s.name in elementwise and not s.sub:
            continue
        if isinstance(s, Apply) and isinstance(s.func, Symbol) and s.func.name == "index":
            # \widehat{\beta}_{2_t}: a label with its own time
            labels.append(_label(s.args[0]))
            at = _offset(s.args[1], loop_var)
            offset = at if at is not None else offset
            continue
        labels.append(_label(s))
    base = _ACCENTS.get(node.accent, "") + node.name if node.accent else node.name
    if node.accent:
        base = node.name + _ACCENTS.get(node.accent, "~")
    if labels:
        base += "_" + ",".join(labels) if len(labels) > 1 and all(len(x) > 1 for x in labels) else "_" + "".join(labels)
    if node.sup is not None:
        if isinstance(node.sup, Number) and node.sup.value == "0":
            offset = INIT
        elif not (isinstance(node.sup, Symbol) and node.sup.name in elementwise):
            base += "^" + _label(node.sup)
    base += "'" * node.prime
    return Ref(base, offset)


_ACCENTS = {"hat": "̂", "widehat": "̂", "tilde": "̃", "widetilde": "̃", "bar": "̄", "overline": "̄", "check": "̌"}


def _offset(node: Node, loop_var: str) -> int | None:
    if isinstance(node, Symbol) and node.name == loop_var and not node.sub:
        return 0
    if isinstance(node, Number) and node.value == "0":
        return INIT
    if isinstance(node, Sum) and len(node.terms) == 2:
        a, b = node.terms
        if isinstance(a, Symbol) and a.name == loop_var and not a.sub:
            if isinstance(b, Number) and b.value.isdigit():
                return int(b.value)
            if isinstance(b, Neg) and isinstance(b.arg, Number) and b.arg.value.isdigit():
                return -int(b.arg.value)
    return None


def _label(node: Node) -> str:
    if isinstance(node, Symbol):
        inner = node.name + "".join(_label(s) for s in node.sub)
        return inner + (("^" + _label(node.sup)) if node.sup is not None else "")
    if isinstance(node, Number):
        return node.value
    from thirdroad.formula.latex import to_latex

    return to_latex(node)


def shown_name(node: Node, loop_var: str = "t") -> str:
    """How to write the variable in a sentence: without its time subscript (m̂, v, β_1)."""
    ref = ref_of(node, loop_var)
    if ref is None:
        return "?"
    return _pretty(ref.base)


_GREEK_LETTERS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "rho": "ρ", "tau": "τ", "psi": "ψ", "nu": "ν", "sigma": "σ",
    "Gamma": "Γ", "Delta": "Δ", "phi": "φ", "omega": "ω", "xi": "ξ", "kappa": "κ", "zeta": "ζ", "chi": "χ",
    "infty": "∞", "nabla": "∇",
}  # fmt: skip


def _pretty(base: str) -> str:
    out = re.sub(r"[A-Za-z]+", lambda m: _GREEK_LETTERS.get(m.group(0), m.group(0)), base)
    return out


def pretty(base: str) -> str:
    """A variable's key as a reader writes it: ``beta_1`` is β_1, ``m̂`` stays m̂."""
    return _pretty(base)


# ---------------------------------------------------------------- text before parsing


_WORD_SUP = re.compile(r"\^\s*\{\s*([A-Za-z]{2,})\s*\}")
_WORD_SUB = re.compile(r"_\s*\{\s*([A-Za-z]{3,})\s*\}")


def prepare(math: str, loop_var: str = "t", elementwise: tuple[str, ...] = (), lost: bool = False) -> str:
    """Small rewrites that make a block's line read as the block means it: word labels
    (``g^{ave}``, ``g_{prev}``) as upright labels, a per-element index (``\\eta^i_t``)
    dropped, and, where the block has lost its subscripts in a copy (``mt−1``), the
    subscripts put back."""
    s = math
    for idx in elementwise:
        s = re.sub(rf"\^\s*\{{?\s*{idx}\s*\}}?(?![A-Za-z])", "", s)
    if "\\" in s:  # LaTeX: word labels upright, named functions as operators (plain text reads them already)
        s = _WORD_SUP.sub(lambda m: m.group(0) if m.group(1) in _GREEK_LETTERS else rf"^{{\mathrm{{{m.group(1)}}}}}", s)
        s = _WORD_SUB.sub(lambda m: m.group(0) if m.group(1) in _GREEK_LETTERS else rf"_{{\mathrm{{{m.group(1)}}}}}", s)
        s = re.sub(r"\\mathrm\s*\{\s*(max|min|sign|sgn|RMS|rms|clip|diag|mean)\s*\}\s*\(", r"\\operatorname{\1}(", s)
        s = re.sub(r"(?<![\\A-Za-z])(max|min|sign|sgn|RMS|clip)\s*\(", r"\\operatorname{\1}(", s)
    if lost:
        s = restore_subscripts(s, loop_var)
    return s


_LOST = re.compile(r"(?<![A-Za-z\\_^{])([A-Za-zα-ωθ∇](?:\u0302|\u0303)?)([t])(\s*[−-]\s*1|\s*\+\s*1)?(?![A-Za-z_(])")


def _lost_subscripts(text: str, loop_var: str) -> bool:
    """Whether a copy dropped the subscripts: names like ``mt−1`` next to ``mt``."""
    return bool(re.search(rf"(?<![A-Za-z\\_{{])[A-Za-zα-ωθ](?:\u0302)?{loop_var}\s*[−-]\s*1", text))


def restore_subscripts(s: str, loop_var: str = "t") -> str:
    """``mt−1`` is ``m_{t-1}``, ``θt`` is ``θ_{t}``, ``ft(`` is ``f_t(``, ``∇θ`` is ``∇_θ``,
    ``β1`` is ``β_1`` (only called where the block shows it lost its subscripts)."""
    s = re.sub(r"∇\s*([θθw])(?=\s)", r"∇_\1", s)
    s = re.sub(r"(?<![A-Za-z\\_])([A-Za-zα-ωθ])t(?=\()", r"\1_t", s)

    def fix(m: re.Match[str]) -> str:
        shift = (m.group(3) or "").replace(" ", "").replace("−", "-")
        return f"{m.group(1)}_{{{loop_var}{shift}}}"

    s = _LOST.sub(fix, s)
    s = re.sub(r"([βε])([12])(?![0-9])", r"\1_\2", s)
    return s


__all__ = ["CONST", "INIT", "Assign", "Branch", "Condition", "Input", "Program", "Ref", "Stmt", "pretty",
           "read_program", "ref_of", "shown_name"]
