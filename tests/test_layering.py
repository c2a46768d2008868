"""The import graph of src/ keeps DESIGN.md's layering: no cycles, no private reach-throughs.

Read from the source text (``ast``), not by importing, so a lazy import inside a function counts
as much as one at the top of a file. The layers, from DESIGN.md::

    cli, web, reader          interfaces: may import everything below
    agents                    may import formula, concepts, nn
    formula                   may import concepts
    nn                        imports nothing of thirdroad but small shared utilities
    concepts                  imports nothing of thirdroad

``thirdroad.errors`` (the one exception base) is the shared utility every package may import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "thirdroad"
SHARED = {"errors", "disk_cache"}
ALLOWED: dict[str, set[str]] = {
    "concepts": set(),
    "nn": set(),
    "formula": {"concepts"},
    "agents": {"formula", "concepts", "nn"},
    "reader": {"formula", "concepts", "nn", "agents"},
    "web": {"reader", "formula", "concepts", "nn", "agents"},
    "explain_cli": {"formula"},
    "cli": {"explain_cli", "web", "reader", "formula", "concepts", "nn", "agents"},
    "__init__": {"cli", "web", "reader", "formula", "concepts", "nn", "agents"},
    "__main__": {"cli", "explain_cli"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every thirdroad module this file imports (``from a import b`` yields a.b where b is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # imports for the type checker only are not run: not an edge
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    here = _module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("thirdroad"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([base] if base else []))
            if not base.startswith("thirdroad"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield (candidate if _exists(candidate) else base), node.lineno


def _exists(module: str) -> bool:
    path = SRC.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _graph() -> dict[str, set[tuple[str, int]]]:
    graph: dict[str, set[tuple[str, int]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        graph[_module_name(path)] = set(_imports(path))
    return graph


GRAPH = _graph()


def test_the_graph_was_read() -> None:
    assert len(GRAPH) > 50
    assert any(target.startswith("thirdroad.formula") for target, _ in GRAPH["thirdroad.reader"] |
               set().union(*(GRAPH[m] for m in GRAPH if m.startswith("thirdroad.reader."))))


def test_layers_import_only_downwards() -> None:
    wrong = []
    for module, targets in GRAPH.items():
        layer = _layer(module)
        for target, line in targets:
            other = _layer(target)
            if other in (layer, *SHARED) or target == "thirdroad":
                continue
            if other not in ALLOWED.get(layer, set()):
                wrong.append(f"{module}:{line} imports {target} ({layer} may not import {other})")
    assert wrong == [], "\n".join(wrong)


def _public_modules(package: str) -> set[str]:
    """The submodules a package lists in its ``__all__`` (``nn.optim``, ``nn.losses``)."""
    init = PACKAGE / package / "__init__.py"
    if not init.is_file():
        return set()
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            names = {elt.value for elt in getattr(node.value, "elts", []) if isinstance(elt, ast.Constant)}
            return {f"thirdroad.{package}.{n}" for n in names if _exists(f"thirdroad.{package}.{n}")}
    return set()


def test_no_private_imports_across_packages() -> None:
    """A package reaches another only through its public names: the package itself
    (``from thirdroad.formula import parse``) or a submodule its ``__all__`` lists (``nn.optim``),
    never ``other._private`` nor another package's internal module."""
    wrong = []
    for module, targets in GRAPH.items():
        for target, line in targets:
            layer = _layer(target)
            if layer == _layer(module) or layer in SHARED or target in ("thirdroad", f"thirdroad.{layer}"):
                continue
            public = _public_modules(layer)
            if not any(target == p or (target.startswith(p + ".") and not _private(target)) for p in public):
                wrong.append(f"{module}:{line} imports {target}")
    assert wrong == [], "\n".join(wrong)


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split(".")[1:])


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


@pytest.mark.parametrize("scope", ["packages", "modules"])
def test_no_import_cycles(scope: str) -> None:
    """No cycle between packages, nor between the modules of one package (a package's
    ``__init__`` re-exporting its own modules is not a cycle)."""
    if scope == "packages":
        graph: dict[str, set[str]] = {}
        for module, targets in GRAPH.items():
            graph.setdefault(_layer(module), set()).update(
                _layer(t) for t, _ in targets if _layer(t) != _layer(module) and t != "thirdroad")
    else:
        graph = {m: {t for t, _ in targets if t != m and GRAPH.get(t) is not None
                     and not _is_package_init(t)} for m, targets in GRAPH.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def _is_package_init(module: str) -> bool:
    return (SRC.joinpath(*module.split(".")) / "__init__.py").is_file()


def test_shared_utilities_import_nothing_of_thirdroad() -> None:
    """``errors`` and ``disk_cache`` sit under every layer, so they may lean on none."""
    for name in SHARED:
        assert {t for t, _ in GRAPH[f"thirdroad.{name}"]} == set(), name


def test_files_and_functions_stay_readable() -> None:
    """STYLE.md: no file in src/ over 700 lines, no function over 80 (one idea each)."""
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 700:
            long.append(f"{path.relative_to(SRC)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                size = node.end_lineno - node.lineno + 1
                if size > 80:
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}: {size} lines")
    assert long == [], "\n".join(long)
