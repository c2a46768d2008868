"""The engine's own import graph: it stands alone and has no circle.

Read from the source with ``ast``, not from ``sys.modules``: an import inside a function counts
as much as one at the top of a file (it is how a circle hides).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import thirdroad.nn

NN = Path(thirdroad.nn.__file__).parent
# Libraries a function may import when it is called (heavy, or only for comparisons and pictures).
LAZY_OK = {"torch", "matplotlib", "sklearn", "threadpoolctl"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(NN.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(NN.rglob("*.py"))}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, whether the import sits inside a function) for every import."""
    tree = ast.parse(path.read_text())
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend((a.name, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for a in child.names:  # `from thirdroad.nn import rules` imports the module rules
                    sub = f"{child.module}.{a.name}"
                    found.append((sub if sub in MODULES else child.module, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


GRAPH = {
    name: sorted({m for m, _ in _imports(path) if m in MODULES and m != name}) for name, path in MODULES.items()
}


def test_the_graph_was_read() -> None:
    assert {"thirdroad.nn._tensor", "thirdroad.nn.tape", "thirdroad.nn.rules", "thirdroad.nn.numerics"} <= set(GRAPH)
    assert "thirdroad.nn.rules" in GRAPH["thirdroad.nn._tensor"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_nn_imports_nothing_of_thirdroad_but_itself_and_errors(name: str) -> None:
    for module, _ in _imports(MODULES[name]):
        if module.startswith("thirdroad"):
            assert module.startswith("thirdroad.nn") or module == "thirdroad.errors", (name, module)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_of_the_engine_is_imported_inside_a_function(name: str) -> None:
    late = [m for m, inside in _imports(MODULES[name]) if inside]
    assert all(m.split(".")[0] in LAZY_OK for m in late), (name, late)


def test_the_import_graph_has_no_circle() -> None:
    done: set[str] = set()
    path: list[str] = []

    def walk(node: str) -> None:
        if node in path:
            raise AssertionError("import circle: " + " -> ".join([*path[path.index(node) :], node]))
        if node in done:
            return
        path.append(node)
        for nxt in GRAPH[node]:
            walk(nxt)
        path.pop()
        done.add(node)

    for name in GRAPH:
        walk(name)


def test_numerics_is_a_leaf_under_the_rule_table_under_the_tensor() -> None:
    assert GRAPH["thirdroad.nn.numerics"] == []
    assert GRAPH["thirdroad.nn.rules"] == ["thirdroad.nn.numerics"]
    below_tensor = set(GRAPH["thirdroad.nn._tensor"])
    allowed = {"numerics", "rules", "_errors", "_arguments"}
    assert below_tensor <= {f"thirdroad.nn.{m}" for m in allowed}


def test_no_module_patches_another() -> None:
    """The circle used to be held together by ``_tensor._F = sys.modules[__name__]``."""
    for name, path in MODULES.items():
        text = path.read_text()
        assert "sys.modules" not in text, name
