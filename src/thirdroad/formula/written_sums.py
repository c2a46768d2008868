"""A weighted sum written out term by term is the sum over its index (a normal form).

Texts write a unit's weighted input term by term: ``\\phi_1 h_1 + \\phi_2 h_2 + \\phi_3 h_3``,
``x_1 w_{11} + x_2 w_{12} + x_3 w_{13}`` (the row 1 of a weight matrix, one column a term),
``w_1 x_1 + w_2 x_2 + \\dots + w_d x_d``. Each is ``\\sum_i \\phi_i h_i`` (``\\sum_k x_k w_{1,k}``,
``\\sum_i w_i x_i``), and a template written with the sum matches it in this form.

A run of terms is folded when every term is a product of two or more names, each name carries the
count of its term as its subscript (``h_2``), or a fixed row and the count (``w_{12}``, ``w_{1,2}``:
two digits are a row and a column), the runs of names are the same in every term, and the counts
go up by one from the first term (two terms at least); dots and one last term of the same names
with a letter for the count (``w_d x_d``) may end the run. Anything else stays as written: a bias
``\\phi_0`` alone, ``w_1 x + w_2 y``, ``x_1 + x_2`` (a sum of names, not of products).
"""

from __future__ import annotations

from thirdroad.formula.ast import BigOp, Node, Number, Product, Symbol

_DOTS = frozenset({"dots", "ldots", "cdots"})
_INDEX_NAMES = ("i", "j", "k", "m", "n", "d")

# one factor of a term: (its name as a key, its row or None); and the count of the term
_Key = tuple[tuple[str, str, int, object, object], ...]


def _factor(sym: Symbol, count: int | None) -> tuple[object, int | Node] | None:
    """(row, count) of one name: ``h_2`` -> (None, 2); ``w_{12}`` -> (1, 2) where the term's count
    is 2; ``w_{1,2}`` -> (1, 2); ``w_d`` -> (None, d). None where it carries no count."""
    sub = sym.sub
    if len(sub) == 2 and isinstance(sub[0], Number) and sub[0].value.isdigit():
        last = sub[1]
        if isinstance(last, Number) and last.value.isdigit():
            return sub[0].value, int(last.value)
        return (sub[0].value, last) if isinstance(last, Symbol) and not last.sub else None
    if len(sub) != 1:
        return None
    only = sub[0]
    if isinstance(only, Symbol):
        return (None, only) if not only.sub and len(only.name) == 1 else None
    if not (isinstance(only, Number) and only.value.isdigit()):
        return None
    if len(only.value) == 2 and count is not None and int(only.value[1]) == count:
        return only.value[0], count  # w_{12} beside x_2: the row 1, the column 2
    return None, int(only.value)


def _term(term: Node) -> tuple[_Key, int | Node] | None:
    """(the names of a term, its count), or None where it is no term of a written-out sum."""
    if not isinstance(term, Product) or term.op or len(term.factors) < 2:
        return None
    if not all(isinstance(f, Symbol) and f.sup is None for f in term.factors):
        return None
    factors: list[Symbol] = list(term.factors)  # type: ignore[arg-type]
    single = [int(s.value) for f in factors if len(f.sub) == 1 and isinstance(s := f.sub[0], Number)
              and s.value.isdigit() and len(s.value) == 1]
    count: int | Node | None = single[0] if single else None
    key = []
    for f in factors:
        found = _factor(f, count if isinstance(count, int) else None)
        if found is None:
            return None
        row, at = found
        if count is None:
            count = at
        if at != count:
            return None
        key.append((f.name, f.accent, f.prime, f.font, row))
    assert count is not None
    return tuple(key), count


def _body(key: _Key, index: Symbol) -> Node:
    return Product(tuple(Symbol(name, font, accent, (index,) if row is None else (Number(str(row)), index))  # type: ignore[arg-type]
                         for name, accent, _, font, row in key))


def _unused_index(terms: list[Node]) -> Symbol | None:
    taken = {n.name for t in terms for n in t.walk() if isinstance(n, Symbol)}
    return next((Symbol(c) for c in _INDEX_NAMES if c not in taken), None)


def fold_written_sums(terms: list[Node]) -> list[Node]:
    """``terms`` with each run of a weighted sum written out replaced by the sum over its index
    (see the module docstring); the same list where there is none."""
    read = [_term(t) for t in terms]
    if sum(r is not None for r in read) < 2:
        return terms
    out: list[Node] = []
    k = 0
    while k < len(terms):
        run = _run(terms, read, k)
        if run is None:
            out.append(terms[k])
            k += 1
            continue
        end, key = run
        index = _unused_index(terms)
        if index is None:
            return terms
        out.append(BigOp("sum", _body(key, index), index, None))
        k = end
    return out


def _run(terms: list[Node], read: list[tuple[_Key, int | Node] | None], start: int) -> tuple[int, _Key] | None:
    """(the end of a run of terms counting up from ``start``, its names), or None."""
    first = read[start]
    if first is None or not isinstance(first[1], int):
        return None
    key, count = first[0], int(first[1])
    end = start + 1
    while end < len(terms) and (r := read[end]) is not None and r[0] == key and r[1] == count + (end - start):
        end += 1
    if end - start < 2:
        return None
    dots = terms[end] if end < len(terms) else None
    if isinstance(dots, Symbol) and dots.name in _DOTS and end + 1 < len(terms):
        last = read[end + 1]
        if last is not None and last[0] == key and not isinstance(last[1], int):
            return end + 2, key
    return end, key


__all__ = ["fold_written_sums"]
