"""Just enough algebra to see that two ways of writing an update are the same update.

``v_{t-1}ρ + g^2(1-ρ)`` and ``ρ v + (1-ρ) g^2`` are the same moving average;
``γ m̂/(√v̂ + ε)`` with ``m̂ = m/(1-β_1^t)`` is, once the lines are put together, a number
times ``m`` over ``√v`` plus something. To see this the reader keeps every quantity as a
:class:`Poly`: a sum of monomials in *signals* (the gradient, the parameter, the states'
previous and current values, and opaque functions of them such as a root or a sign),
each with a *coefficient* that depends only on the hyperparameters and the step count.

Coefficients are kept as fingerprints: their values at a fixed set of random points of
hyperparameter space (:class:`Samples`). Two coefficients are equal when their
fingerprints are (a polynomial identity checked at random points, which is how
``1 - β`` is recognised as ``1 - β`` however it is written), and how a coefficient
depends on one hyperparameter is read off the points where only that one was moved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

Coef = NDArray[np.float64]
STRETCH = 1.25  # how much one hyperparameter is moved in its own block of samples


@dataclass(frozen=True)
class Atom:
    """A signal: ``grad`` (at ``args`` when taken elsewhere than the parameter), ``param``,
    ``prev``/``cur`` of a state ``name``, or a function of other polys: ``root``, ``paren``
    (a sum raised to a power), ``abs``, ``sign``, ``max``, ``min``, ``fn`` (``name``)."""

    kind: str
    name: str = ""
    args: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        if self.kind in ("prev", "cur"):
            return f"{self.kind}:{self.name}"
        if self.args:
            return f"{self.kind}{'.' + self.name if self.name else ''}({', '.join(map(_key_repr, self.args))})"
        return self.kind + (f":{self.name}" if self.name else "")


def _key_repr(key: Any) -> str:
    return " + ".join(f"{_mono_repr(m)}" for m, _ in key) if isinstance(key, tuple) else str(key)


def _mono_repr(mono: Mono) -> str:
    return "·".join(f"{a!r}" + (f"^{e}" if e != 1 else "") for a, e in mono) or "1"


Mono = tuple[tuple[Atom, Fraction], ...]
ONE: Mono = ()


def unit(atom: Atom) -> Mono:
    """The monomial of one atom to the first power."""
    return ((atom, Fraction(1)),)


def _order(item: tuple[Any, Any]) -> tuple[str, str]:
    """A stable order for atoms in a monomial (and monomials in a key)."""
    return repr(item[0]), _deep(item[0])


def _deep(x: Any) -> str:
    """A key that tells apart atoms whose short reprs agree, the same in every process (a
    hash of a string is not: Python salts it per process)."""
    if isinstance(x, Atom):
        return f"{x.kind}:{x.name}(" + ",".join(_deep(a) for a in x.args) + ")"
    if isinstance(x, Poly):
        return str(x.key())
    if isinstance(x, tuple):
        return "(" + ",".join(_deep(a) for a in x) + ")"
    return repr(x)


@dataclass
class Samples:
    """Random points of (hyperparameters, t). Block 0 is the base; block j (1..n) moves
    hyperparameter j alone by :data:`STRETCH`; the last block moves t by one. Zero
    hyperparameters (an option switched off) are 0 everywhere."""

    names: tuple[str, ...]
    per_block: int = 5
    first_step: bool = False
    zero: frozenset[str] = frozenset()
    seed: int = 0
    values: dict[str, Coef] = field(init=False)
    t: Coef = field(init=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        k, n = self.per_block, len(self.names)
        blocks = n + 2
        self.values = {}
        for j, name in enumerate(self.names):
            base = rng.uniform(0.1, 0.7, k)
            v = np.tile(base, blocks)
            v[(j + 1) * k : (j + 2) * k] *= STRETCH
            self.values[name] = np.zeros(k * blocks) if name in self.zero else v
        t = np.ones(k) if self.first_step else rng.integers(2, 9, k).astype(np.float64)
        tt = np.tile(t, blocks)
        if not self.first_step:
            tt[(n + 1) * k :] += 1
        self.t = tt

    @property
    def size(self) -> int:
        return self.per_block * (len(self.names) + 2)

    def block(self, c: Coef, name: str | None) -> Coef:
        """The part of a fingerprint where ``name`` was moved (``None``: the base block)."""
        k = self.per_block
        j = 0 if name is None else (len(self.names) + 1 if name == "t" else self.names.index(name) + 1)
        return c[j * k : (j + 1) * k]

    def const(self, value: float) -> Coef:
        return np.full(self.size, float(value))


def _round(c: Coef) -> tuple[float, ...]:
    m, e = np.frexp(c)
    return tuple((np.round(m * 2.0**28) * 2.0 ** (e - 28)).tolist())


def is_zero(c: Coef) -> bool:
    return bool(np.all(np.abs(c) <= 1e-11))


def same(a: Coef, b: Coef, tol: float = 1e-8) -> bool:
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.abs(a - b) <= tol * (1.0 + np.abs(a) + np.abs(b))))


class Poly:
    """A sum of coefficient × monomial; immutable by convention."""

    __slots__ = ("_key", "s", "terms")

    def __init__(self, s: Samples, terms: dict[Mono, Coef] | None = None) -> None:
        self.s = s
        self.terms: dict[Mono, Coef] = {}
        for mono, c in (terms or {}).items():
            if not is_zero(c):
                self.terms[mono] = c
        self._key: tuple[Any, ...] | None = None

    # -- building

    @classmethod
    def scalar(cls, s: Samples, c: Coef | float) -> Poly:
        arr = s.const(c) if isinstance(c, int | float) else np.asarray(c, dtype=np.float64)
        return cls(s, {ONE: arr})

    @classmethod
    def atom(cls, s: Samples, a: Atom, power: Fraction = Fraction(1)) -> Poly:
        return cls(s, {((a, power),): s.const(1.0)})

    # -- looking

    @property
    def is_scalar(self) -> bool:
        return all(m == ONE for m in self.terms)

    @property
    def coef(self) -> Coef:
        """The value of a scalar poly (0 when empty)."""
        return self.terms.get(ONE, self.s.const(0.0))

    def key(self) -> tuple[Any, ...]:
        if self._key is None:
            self._key = tuple(sorted(((m, _round(c)) for m, c in self.terms.items()), key=_order))
        return self._key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Poly) and (self - other).is_zero_poly

    def __hash__(self) -> int:
        return hash(self.key())

    @property
    def is_zero_poly(self) -> bool:
        return not self.terms

    def atoms(self) -> set[Atom]:
        out: set[Atom] = set()
        for m in self.terms:
            for a, _ in m:
                out.add(a)
                for arg in a.args:
                    if isinstance(arg, Poly):
                        out |= arg.atoms()
        return out

    def mentions(self, kind: str, name: str = "") -> bool:
        return any(a.kind == kind and (not name or a.name == name) for a in self.atoms())

    def __repr__(self) -> str:
        if not self.terms:
            return "0"
        parts = []
        for m, c in self.terms.items():
            base = self.s.block(c, None)
            shown = f"{base[0]:.4g}" if np.allclose(base, base[0]) else "c"
            parts.append(f"{shown}·{_mono_repr(m)}" if m else shown)
        return " + ".join(parts)

    # -- arithmetic

    def __add__(self, other: Poly) -> Poly:
        terms = dict(self.terms)
        for m, c in other.terms.items():
            terms[m] = terms[m] + c if m in terms else c
        return Poly(self.s, terms)

    def __neg__(self) -> Poly:
        return Poly(self.s, {m: -c for m, c in self.terms.items()})

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def scale(self, c: Coef | float) -> Poly:
        return Poly(self.s, {m: k * c for m, k in self.terms.items()})

    def __mul__(self, other: Poly) -> Poly:
        out = Poly(self.s)
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                out = out + _mono_product(self.s, m1, m2).scale(c1 * c2)
        return out

    def __truediv__(self, other: Poly) -> Poly:
        if other.is_zero_poly:
            raise ZeroDivisionError("division by an expression that is always zero")
        if other.is_scalar:
            return self.scale(1.0 / other.coef)
        if len(other.terms) == 1:
            ((m, c),) = other.terms.items()
            inv = Poly(self.s, {tuple((a, -e) for a, e in m): 1.0 / c})
            return self * inv
        lead, rest = other.normalized()
        return (self * Poly.atom(self.s, Atom("paren", args=(rest,)), Fraction(-1))).scale(1.0 / lead)

    def normalized(self) -> tuple[Coef, Poly]:
        """``(c, P)`` with ``self = c·P`` and P's leading signal monomial of coefficient 1."""
        signal = [m for m in self.terms if m != ONE]
        if not signal:
            return self.coef, Poly.scalar(self.s, 1.0)
        ordered = sorted(signal, key=lambda m: (repr(m), _deep(m)))
        positive = [m for m in ordered if np.all(self.terms[m] > 0)]
        lead_mono = (positive or ordered)[0]
        c = self.terms[lead_mono]
        return c, self.scale(1.0 / c)

    def power(self, e: Fraction) -> Poly:
        if e == 0:
            return Poly.scalar(self.s, 1.0)
        if self.is_scalar:
            with np.errstate(invalid="ignore", divide="ignore"):
                return Poly.scalar(self.s, np.power(self.coef, float(e)))
        if len(self.terms) == 1:
            ((m, c),) = self.terms.items()
            with np.errstate(invalid="ignore"):
                coef = np.power(c, float(e))
            if e.denominator == 2:
                return Poly(self.s, {ONE: coef}) * _mono_root(self.s, m, e)
            return Poly(self.s, {tuple((a, k * e) for a, k in m): coef})
        if e.denominator == 1 and 0 < e <= 4:
            out = self
            for _ in range(int(e) - 1):
                out = out * self
            return out
        if e.denominator == 1 and e < 0:
            return Poly.scalar(self.s, 1.0) / self.power(-e)
        lead, rest = self.normalized()
        with np.errstate(invalid="ignore"):
            coef = np.power(lead, float(e))
        if e.denominator == 2:
            root = Poly.atom(self.s, Atom("root", args=(rest,)))
            return root.power(Fraction(e.numerator)).scale(coef)
        return Poly.atom(self.s, Atom("paren", args=(rest,)), e).scale(coef)

    def sqrt(self) -> Poly:
        return self.power(Fraction(1, 2))

    def subst(self, mapping: dict[Atom, Poly]) -> Poly:
        """Every atom in ``mapping`` replaced by its poly, inside functions too."""
        out = Poly(self.s)
        for mono, c in self.terms.items():
            term = Poly.scalar(self.s, c)
            for a, e in mono:
                term = term * _rebuilt(self.s, a, mapping).power(e)
            out = out + term
        return out


def _rebuilt(s: Samples, a: Atom, mapping: dict[Atom, Poly]) -> Poly:
    if a in mapping:
        return mapping[a]
    if not a.args:
        return Poly.atom(s, a)
    args = [arg.subst(mapping) if isinstance(arg, Poly) else arg for arg in a.args]
    if a.kind == "root":
        return args[0].sqrt()
    if a.kind == "paren":
        return args[0]
    if a.kind in ("abs", "sign", "max", "min"):
        return fn(a.kind, *args)
    if a.kind == "fn":
        return fn(a.name, *args)
    return Poly.atom(s, Atom(a.kind, a.name, tuple(args)))


def _mono_product(s: Samples, m1: Mono, m2: Mono) -> Poly:
    exps: dict[Atom, Fraction] = {}
    for a, e in (*m1, *m2):
        exps[a] = exps.get(a, Fraction(0)) + e
    mono = tuple(sorted(((a, e) for a, e in exps.items() if e != 0), key=_order))
    out = Poly(s, {mono: s.const(1.0)})
    # a root squared is what it was the root of: √X·√X = X
    for a, e in mono:
        if a.kind == "root" and e.denominator == 1 and abs(e) >= 2:
            inner: Poly = a.args[0]
            whole = int(e) // 2 if e > 0 else -((-int(e)) // 2)
            rest = tuple((b, k) for b, k in mono if b != a)
            left = Fraction(int(e) - 2 * whole)
            if left:
                rest = tuple(sorted((*rest, (a, left)), key=_order))
            out = Poly(s, {rest: s.const(1.0)}) * inner.power(Fraction(whole))
            break
    return out


def _mono_root(s: Samples, m: Mono, e: Fraction) -> Poly:
    """A monomial to a half-integer power: √(g²) is |g|, √v stays v^{1/2}."""
    out: dict[Atom, Fraction] = {}
    for a, k in m:
        new = k * e
        even_to_odd = k.denominator == 1 and k % 2 == 0 and new.denominator == 1 and new % 2 == 1
        if even_to_odd and a.kind not in ("abs", "root"):
            b = Atom("abs", args=(Poly.atom(s, a),))
            out[b] = out.get(b, Fraction(0)) + new
        else:
            out[a] = out.get(a, Fraction(0)) + new
    mono = tuple(sorted(((a, k) for a, k in out.items() if k != 0), key=_order))
    return Poly(s, {mono: s.const(1.0)})


# ---------------------------------------------------------------- functions of signals


def fn(name: str, *args: Poly) -> Poly:
    """``abs``, ``sign``, ``max``, ``min``, ``exp``, ``rms`` ... of polys: computed when all
    are scalar, an atom otherwise (normalised so equal arguments give equal atoms)."""
    s = args[0].s
    if all(a.is_scalar for a in args):
        vals = [a.coef for a in args]
        with np.errstate(all="ignore"):
            return Poly.scalar(s, _SCALAR_FUNCTIONS[name](*vals))
    if name == "abs" and len(args[0].terms) == 1:
        ((m, c),) = args[0].terms.items()
        return Poly(s, {ONE: np.abs(c)}) * Poly(s, {_abs_mono(s, m): s.const(1.0)})
    if name == "sign":
        c, rest = args[0].normalized()
        if np.all(c > 0) or np.all(c < 0):
            return Poly.atom(s, Atom("sign", args=(rest,))).scale(np.sign(c))
    if name in ("max", "min"):
        ordered = tuple(sorted(args, key=lambda p: repr(p.key())))
        return Poly.atom(s, Atom(name, args=ordered))
    return Poly.atom(s, Atom("fn" if name not in ("abs", "sign") else name, name if name not in ("abs", "sign") else "",
                             args=tuple(args)))


def _abs_mono(s: Samples, m: Mono) -> Mono:
    out = []
    for a, k in m:
        if a.kind in ("abs", "root") or (k.denominator == 1 and k % 2 == 0):
            out.append((a, k))
        else:
            out.append((Atom("abs", args=(Poly.atom(s, a),)), k))
    return tuple(sorted(out, key=_order))


_SCALAR_FUNCTIONS: dict[str, Any] = {
    "abs": np.abs, "sign": np.sign, "max": np.maximum, "min": np.minimum, "exp": np.exp, "log": np.log,
    "sqrt": np.sqrt, "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "rms": np.abs,
}  # fmt: skip


# ---------------------------------------------------------------- questions about coefficients


def constant(c: Coef) -> float | None:
    """The value of a coefficient that is the same number at every sample."""
    if c.size and np.allclose(c, c[0], rtol=1e-10, atol=1e-13):
        return float(c[0])
    return None


def depends_on(s: Samples, c: Coef, name: str) -> bool:
    return not same(s.block(c, None), s.block(c, name))


def power_in(s: Samples, c: Coef, name: str) -> float | None:
    """``k`` when ``c`` is proportional to ``name^k`` (k from the moved block), else None."""
    base, moved = s.block(c, None), s.block(c, name)
    if np.any(base == 0) or np.any(~np.isfinite(base)) or np.any(~np.isfinite(moved)):
        return None
    with np.errstate(all="ignore"):
        ratio = moved / base
    if np.any(ratio <= 0) or not np.allclose(ratio, ratio[0], rtol=1e-7):
        return None
    k = math.log(ratio[0]) / math.log(STRETCH)
    return round(k * 2) / 2 if abs(k * 2 - round(k * 2)) < 1e-6 else None


def dependencies(s: Samples, c: Coef) -> set[str]:
    return {n for n in (*s.names, "t") if depends_on(s, c, n)}


def total(polys: Iterable[Poly], s: Samples) -> Poly:
    out = Poly(s)
    for p in polys:
        out = out + p
    return out


__all__ = [
    "ONE",
    "Atom",
    "Coef",
    "Mono",
    "Poly",
    "Samples",
    "constant",
    "dependencies",
    "depends_on",
    "fn",
    "is_zero",
    "power_in",
    "same",
    "total",
    "unit",
]
