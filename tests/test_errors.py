"""One family of errors: every exception class thirdroad defines is a ThirdroadError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import thirdroad as tr
from thirdroad.errors import ThirdroadError


def _exception_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(tr.__path__, prefix="thirdroad."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__.startswith("thirdroad."):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def test_every_error_class_is_a_thirdroad_error() -> None:
    classes = _exception_classes()
    assert len(classes) >= 10  # the families drawn in thirdroad.errors' docstring
    strays = [c.__qualname__ for c in classes if not issubclass(c, ThirdroadError)]
    assert strays == [], f"not under ThirdroadError: {strays}"


def test_the_base_is_public_and_catches_a_formula_error() -> None:
    assert tr.ThirdroadError is ThirdroadError
    with pytest.raises(ThirdroadError) as caught:
        tr.parse(r"\frac{1}{")
    assert isinstance(caught.value, ValueError)  # the built-in class it always had is kept


def test_positions_count_from_one_everywhere() -> None:
    with pytest.raises(tr.FormulaError) as formula_error:
        tr.parse("x + )")
    with pytest.raises(ThirdroadError) as agent_error:
        tr.agent("[[1, 2], [3, x]]")
    assert formula_error.value.position == 5
    assert agent_error.value.position == 14  # type: ignore[attr-defined]
    assert agent_error.value.offset == 13  # type: ignore[attr-defined]
