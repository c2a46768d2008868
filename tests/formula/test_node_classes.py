"""The tree's node classes behave as ``dataclass(frozen=True, slots=True)`` would make them.

``thirdroad.formula.ast`` makes its node classes without dataclass's generated code (it costs
start-up time); the oracle here is ``dataclasses.dataclass`` itself: the module is loaded once
more as the type checker reads it, with the real decorator, and every class and every tree of
the formula corpus is held against its twin: fields, signature, doc, slots, match args,
parameters, repr, equality, hashing, ``replace``, ``astuple``, pickling, copying and freezing.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import inspect
import itertools
import pickle
import sys
import types
from typing import Any
from unittest import mock

import pytest

from thirdroad.formula import FormulaError, ast, match, parse
from thirdroad.formula.match import PIdx, PVar

from .test_corpus import CORPUS


def _reference_module(module: types.ModuleType) -> types.ModuleType:
    """``module`` loaded once more as the type checker reads it: each node class made by
    ``dataclasses.dataclass(frozen=True, slots=True)``."""
    spec = importlib.util.spec_from_file_location(f"reference_{module.__name__}", module.__file__)
    assert spec is not None and spec.loader is not None
    twin = importlib.util.module_from_spec(spec)
    sys.modules[twin.__name__] = twin  # dataclass looks its module up
    try:
        with mock.patch("typing.TYPE_CHECKING", True):
            spec.loader.exec_module(twin)
    finally:
        del sys.modules[twin.__name__]
    assert twin.node_class is dataclasses.dataclass
    return twin


REF = _reference_module(ast)
REF_MATCH = _reference_module(match)  # its holes, made below this module's (real) Node
CLASSES = ["Node", *(cls.__name__ for cls in ast.NODE_TYPES.values())]


def _twin(value: Any) -> Any:
    """The same tree made of the reference classes."""
    if isinstance(value, ast.Node):
        cls = getattr(REF, type(value).__name__)
        values = {f.name: _twin(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return cls(**values)
    if isinstance(value, tuple):
        return tuple(_twin(v) for v in value)
    return value


def _trees() -> list[ast.Node]:
    trees = []
    for entry in CORPUS:
        try:
            trees.append(parse(entry["text"]).root)
        except FormulaError:
            continue
    return trees


TREES = _trees()


def _field_facts(cls: type) -> list[tuple[Any, ...]]:
    return [(f.name, f.type, f.default, f.init, f.repr, f.compare, f.hash, f.kw_only)
            for f in dataclasses.fields(cls)]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", CLASSES)
def test_a_class_is_its_dataclass_twin(name: str) -> None:
    ours, ref = getattr(ast, name), getattr(REF, name)
    assert _field_facts(ours) == _field_facts(ref)
    assert str(inspect.signature(ours)) == str(inspect.signature(ref))
    assert ours.__doc__ == ref.__doc__
    assert ours.__slots__ == ref.__slots__
    assert ours.__match_args__ == ref.__match_args__
    assert repr(ours.__dataclass_params__) == repr(ref.__dataclass_params__)
    assert dataclasses.is_dataclass(ours)
    assert "__dict__" not in dir(ours(*_arguments(ours)))


def _arguments(cls: type) -> list[Any]:
    """Positional arguments for every field without a default."""
    return [ast.Symbol("x") for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            if f.default is dataclasses.MISSING and not f.kw_only]


def test_trees_print_compare_and_hash_as_their_twins() -> None:
    assert len(TREES) > 400
    kinds = {type(n).__name__ for t in TREES for n in t.walk()}
    assert len(kinds) >= len(ast.NODE_TYPES) - 3, sorted(set(CLASSES) - kinds)
    twins = [_twin(t) for t in TREES]
    for tree, twin in zip(TREES, twins, strict=True):
        assert repr(tree) == repr(twin) and hash(tree) == hash(twin)
        assert dataclasses.astuple(tree) == dataclasses.astuple(twin)
        assert tree == _twin_back(twin) and hash(tree) == hash(_twin_back(twin))
    # equality between different trees (and their parts) as the twins have it
    parts = [n for t in TREES[:60] for n in t.walk()]
    ref_parts = [n for t in twins[:60] for n in t.walk()]
    pairs = list(itertools.combinations(range(len(parts)), 2))[::7]
    for i, j in pairs:
        assert (parts[i] == parts[j]) == (ref_parts[i] == ref_parts[j])
        assert (parts[i] != parts[j]) == (ref_parts[i] != ref_parts[j])
        assert hash(parts[i]) == hash(ref_parts[i])


def _twin_back(value: Any) -> Any:
    if isinstance(value, REF.Node):
        cls = getattr(ast, type(value).__name__)
        return cls(**{f.name: _twin_back(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, tuple):
        return tuple(_twin_back(v) for v in value)
    return value


def test_span_takes_no_part_in_equality_and_is_kept() -> None:
    a = ast.Symbol("x", sub=(ast.Number("1"),), span=(3, 7))
    b = ast.Symbol("x", sub=(ast.Number("1"),))
    assert a == b and hash(a) == hash(b) and a.span == (3, 7) and b.span == (0, 0)
    assert a.with_span((1, 2)).span == (1, 2)
    assert ast.Symbol("x") != ast.Number("x") and ast.Symbol("x") != "x"


def test_replace_pickle_and_copy_keep_every_field() -> None:
    for tree in TREES[:200]:
        for node in tree.walk():
            for again in (pickle.loads(pickle.dumps(node)), copy.copy(node), copy.deepcopy(node),
                          dataclasses.replace(node)):
                assert again == node and again.span == node.span and type(again) is type(node)
                assert repr(again) == repr(node)
    s = ast.Symbol("x", "bf", span=(0, 1))
    assert dataclasses.replace(s, name="y") == ast.Symbol("y", "bf") and dataclasses.replace(s, name="y").span == (0, 1)


def test_nodes_are_frozen() -> None:
    s = ast.Symbol("x")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        s.name = "y"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'name'"):
        del s.name  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.other = 1  # type: ignore[attr-defined]


def test_wrong_arguments_are_refused_as_by_a_dataclass() -> None:
    for call in (lambda cls: cls(), lambda cls: cls("x", "y", "z", "w", "v", "u", "t"),
                 lambda cls: cls("x", colour="red"), lambda cls: cls("x", name="y")):
        with pytest.raises(TypeError):
            call(ast.Symbol)
        with pytest.raises(TypeError):
            call(REF.Symbol)
    assert ast.Fraction(ast.Symbol("a"), den=ast.Symbol("b")) == ast.Fraction(ast.Symbol("a"), ast.Symbol("b"))
    assert ast.Sqrt(arg=ast.Symbol("a"), span=(0, 4)).degree is None


@pytest.mark.parametrize("name", ["PVar", "PIdx"])
def test_pattern_holes_are_their_dataclass_twins(name: str) -> None:
    ours, ref = getattr(match, name), getattr(REF_MATCH, name)
    assert _field_facts(ours) == _field_facts(ref)
    assert str(inspect.signature(ours)) == str(inspect.signature(ref)) and ours.__doc__ == ref.__doc__
    assert ours.__slots__ == ref.__slots__ and ours.__match_args__ == ref.__match_args__
    a, b = ours("x", span=(1, 2)), ref("x", span=(1, 2))
    assert repr(a) == repr(b) and hash(a) == hash(b) and a == ours("x") and a != ours("y")
    assert pickle.loads(pickle.dumps(a)) == a and pickle.loads(pickle.dumps(a)).span == (1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.var = "y"  # type: ignore[misc]


def test_a_dataclass_can_still_be_made_below_a_node_class() -> None:
    # (the twins above are such: real dataclasses below this module's Node)
    assert REF_MATCH.PVar("x") == REF_MATCH.PVar("x") and issubclass(REF_MATCH.PVar, ast.Node)
    assert PIdx("i") != PVar("i")
    with pytest.raises(TypeError, match="non-frozen"):
        @dataclasses.dataclass
        class Loose(ast.Symbol):
            extra: int = 0
