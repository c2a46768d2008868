"""Pull every math span out of the docstrings of installed libraries: the unlabelled candidates
of the real-text corpus (``tests/data/realtext/``).

    python benchmarks/corpus/extract_docstrings.py [--out build/realtext-candidates] [SOURCE ...]

SOURCE is one of the names in ``LIBRARIES`` (all of them by default). For each, the script
imports the library's public modules in a fixed order, walks their public classes, functions
and methods (and the methods a class defines itself), and reads each docstring as a learner
would see it with ``help()``. Every object is listed once, under the first public name met in
that order (``torch.nn.Softmax``, not ``torch.nn.modules.activation.Softmax``).

From each docstring it takes, in order of position:

- ``.. math::`` blocks (display; a block of several equations separated by blank lines gives one
  formula each, unless the blank line is inside a ``\\begin ... \\end`` environment, such as an
  optimizer's algorithm box),
- ``:math:`...` `` roles (inline), ``$$...$$`` and ``\\[...\\]`` (display), ``$...$`` and
  ``\\(...\\)`` (inline),

skipping doctest lines and literal code blocks. A formula's id is ``<object>:<k>``, ``k``
counting the object's spans from 1. The output, one TOML file per source, has the corpus format
with empty labels (``core = []``, ``fragment = false``); the labelled files are made from these
by hand (``benchmarks/corpus/label.py``). Prose is never kept: only the formula, the object's
qualified name and its short name as context.

The output depends only on the installed versions (recorded in each file's ``origin``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import inspect
import re
import sys
import textwrap
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tomlio import dump


@dataclass(frozen=True)
class Library:
    name: str  # the corpus source name
    distribution: str  # the pip distribution whose version is recorded
    license: str
    modules: tuple[str, ...]  # public modules, in the order that decides an object's name
    root: str  # objects defined outside modules starting with this are skipped


LIBRARIES = {
    lib.name: lib
    for lib in (
        Library("pytorch-docstrings", "torch", "BSD-3-Clause", (
            "torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.optim",
            "torch.optim.lr_scheduler", "torch.optim.swa_utils", "torch.nn.utils",
            "torch.nn.utils.parametrizations", "torch.nn.utils.rnn", "torch.nn.attention",
            "torch.linalg", "torch.special", "torch.fft", "torch.signal.windows",
            "torch.distributions", "torch.autograd", "torch.autograd.functional", "torch.func",
            "torch.nn.modules.activation", "torch.nn.modules.loss", "torch.nn.modules.normalization",
            "torch.nn.modules.batchnorm", "torch.nn.modules.instancenorm", "torch.nn.modules.pooling",
            "torch.nn.modules.conv", "torch.nn.modules.rnn", "torch.nn.modules.linear",
            "torch.nn.modules.transformer", "torch.nn.modules.sparse", "torch.nn.modules.distance",
            "torch.nn.modules.dropout", "torch.nn.modules.padding", "torch.nn.modules.upsampling",
            "torch.nn.modules.pixelshuffle", "torch.nn.modules.fold", "torch.nn.modules.flatten",
            "torch.nn.modules.channelshuffle",
        ), "torch"),
        Library("optax-docstrings", "optax", "Apache-2.0", (
            "optax", "optax.losses", "optax.schedules", "optax.projections", "optax.tree_utils",
            "optax.contrib", "optax.second_order", "optax.transforms", "optax.assignment",
            "optax.perturbations",
        ), "optax"),
        Library("jax-docstrings", "jax", "Apache-2.0", (
            "jax", "jax.nn", "jax.nn.initializers", "jax.numpy", "jax.numpy.linalg", "jax.scipy.special",
            "jax.scipy.stats.norm", "jax.scipy.linalg", "jax.lax",
        ), "jax"),
        Library("sklearn-docstrings", "scikit-learn", "BSD-3-Clause", (
            "sklearn.linear_model", "sklearn.metrics", "sklearn.metrics.pairwise", "sklearn.neural_network",
            "sklearn.preprocessing", "sklearn.decomposition", "sklearn.svm", "sklearn.kernel_approximation",
            "sklearn.gaussian_process.kernels", "sklearn.mixture", "sklearn.naive_bayes", "sklearn.cluster",
            "sklearn.manifold", "sklearn.covariance", "sklearn.feature_selection", "sklearn.calibration",
            "sklearn.ensemble", "sklearn.tree", "sklearn.neighbors", "sklearn.discriminant_analysis",
        ), "sklearn"),
        Library("scipy-docstrings", "scipy", "BSD-3-Clause", (
            "scipy.special", "scipy.stats", "scipy.optimize", "scipy.linalg", "scipy.spatial.distance",
            "scipy.signal", "scipy.integrate", "scipy.interpolate", "scipy.fft",
        ), "scipy"),
    )
}


@dataclass(frozen=True)
class Span:
    display: bool
    text: str


# -- walking the objects ------------------------------------------------------------------------


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except Exception as exc:  # an optional part of a library (a missing backend): say so, go on
        print(f"  skipped module {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


def _owned(obj: Any, root: str) -> bool:
    module = getattr(obj, "__module__", None) or ""
    if isinstance(obj, ModuleType):
        module = obj.__name__
    return module == root or module.startswith(root + ".") or module.startswith("_" + root)


def _doc(obj: Any) -> str:
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def objects(lib: Library) -> Iterator[tuple[str, str]]:
    """(qualified name, docstring) of every public documented object, each object once."""
    seen: set[int] = set()
    for modname in lib.modules:
        module = _module(modname)
        if module is None:
            continue
        if id(module) not in seen:
            seen.add(id(module))
            if doc := _doc(module):
                yield modname, doc
        for attr in sorted(vars(module)):
            if attr.startswith("_"):
                continue
            obj = vars(module)[attr]
            if id(obj) in seen or isinstance(obj, ModuleType) or not _owned(obj, lib.root):
                continue
            if not (inspect.isclass(obj) or callable(obj)):
                continue
            seen.add(id(obj))
            name = f"{modname}.{attr}"
            if doc := _doc(obj):
                yield name, doc
            if inspect.isclass(obj):
                yield from _methods(obj, name, seen)


def _methods(cls: type, name: str, seen: set[int]) -> Iterator[tuple[str, str]]:
    for attr in sorted(cls.__dict__):
        if attr.startswith("_") and attr != "__call__":
            continue
        member = cls.__dict__[attr]
        target = member.__func__ if isinstance(member, staticmethod | classmethod) else member
        if isinstance(target, property):
            target = target.fget
        if target is None or id(target) in seen or not callable(target):
            continue
        owner = str(getattr(target, "__qualname__", None) or cls.__qualname__ + ".").rsplit(".", 1)[0]
        if owner != cls.__qualname__:
            continue  # copied in from elsewhere (legacy tensor types list TensorBase's methods)
        seen.add(id(target))
        if doc := _doc(target):
            yield f"{name}.{attr}", doc


# -- finding the math in a docstring ------------------------------------------------------------

_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<rest>.*)$")
_CODE_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. (code-block|code|testcode|doctest|plot)::")
_OPTION = re.compile(r"^[ \t]*:[\w-]+:")
_INLINE = re.compile(
    r":math:`(?P<role>[^`]+)`"
    r"|\$\$(?P<dd>.+?)\$\$"
    r"|\\\[(?P<bracket>.+?)\\\]"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|(?<![\\$\w])\$(?P<dollar>[^\s$](?:[^$\n]|\n(?!\s*\n))*?(?<![\s\\]))\$(?![\w$])",
    re.DOTALL,
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _equations(block: str) -> list[str]:
    """A math block's equations: split at blank lines that are not inside an environment."""
    out: list[str] = []
    current: list[str] = []
    depth = 0
    for line in block.split("\n"):
        if not line.strip() and depth == 0:
            if current:
                out.append("\n".join(current).strip())
            current = []
            continue
        current.append(line)
        depth += len(re.findall(r"\\begin\{", line)) - len(re.findall(r"\\end\{", line))
    if current:
        out.append("\n".join(current).strip())
    return [e for e in out if e]


def _block(lines: list[str], start: int, indent: int) -> tuple[list[str], int]:
    """The lines of an indented block opening after line ``start``, and the index past it."""
    k = start + 1
    body: list[str] = []
    while k < len(lines) and (not lines[k].strip() or _indent(lines[k]) > indent):
        body.append(lines[k])
        k += 1
    while body and not body[-1].strip():
        body.pop()
    return body, k


def spans(doc: str) -> list[Span]:
    """The math of one docstring, in order of position."""
    lines = doc.split("\n")
    found: list[tuple[tuple[int, int], Span]] = []  # ((line, order within it), span)
    prose: list[str] = []  # lines left for the inline search; math and code become blank
    k = 0
    while k < len(lines):
        line = lines[k]
        directive = _DIRECTIVE.match(line)
        code = _CODE_DIRECTIVE.match(line)
        literal = line.rstrip().endswith("::") and not line.strip().startswith("..")
        if directive or code or literal:
            body, end = _block(lines, k, _indent(line))
            if directive:
                rest = directive.group("rest").strip()
                block = textwrap.dedent("\n".join(b for b in body if not _OPTION.match(b)))
                for j, eq in enumerate(([rest] if rest else []) + _equations(block)):
                    found.append(((k, j), Span(True, eq)))
            # "Shape::" ends a sentence: the line itself is prose, the block under it is code
            prose.append(line if literal else "")
            prose.extend("" for _ in body)
            k = end
            continue
        stripped = line.lstrip()
        prose.append("" if stripped.startswith((">>>", "... ")) or stripped == "..." else line)
        k += 1
    text = "\n".join(prose)
    for m in _INLINE.finditer(text):
        kind = m.lastgroup or ""
        inner = m.group(kind)
        body = textwrap.dedent(inner).strip() if kind in ("dd", "bracket") else re.sub(r"\s*\n\s*", " ", inner.strip())
        if body:
            found.append(((text.count("\n", 0, m.start()), m.start()), Span(kind in ("dd", "bracket"), body)))
    found.sort(key=lambda p: p[0])
    return [s for _, s in found]


# -- output ---------------------------------------------------------------------------------------


def _short(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]


def candidates(lib: Library) -> list[dict[str, Any]]:
    out = []
    for name, doc in objects(lib):
        for k, span in enumerate(spans(doc), start=1):
            out.append({"id": f"{name}:{k}", "where": f"{name} (docstring)", "display": span.display,
                        "text": span.text, "context": _short(name), "core": [], "also": [], "fragment": False})
    return out


def origin(lib: Library) -> str:
    return f"{lib.distribution}=={importlib.metadata.version(lib.distribution)} (installed wheel)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", choices=[*LIBRARIES, []], default=[])
    parser.add_argument("--out", type=Path, default=Path("build/realtext-candidates"))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # deprecation notices of imported modules are not our output
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.sources or list(LIBRARIES):
        lib = LIBRARIES[name]
        try:
            importlib.metadata.version(lib.distribution)
        except importlib.metadata.PackageNotFoundError:
            print(f"{name}: {lib.distribution} is not installed (pip install -e '.[corpus]')", file=sys.stderr)
            continue
        found = candidates(lib)
        source = {"name": name, "kind": "library docstrings", "origin": origin(lib), "license": lib.license,
                  "extracted_by": "benchmarks/corpus/extract_docstrings.py"}
        header = "# unlabelled candidates, written by benchmarks/corpus/extract_docstrings.py"
        (args.out / f"{name}.toml").write_text(dump(source, found, header), encoding="utf-8")
        display = sum(f["display"] for f in found)
        print(f"{name}: {len(found)} formulas ({display} display) -> {args.out / (name + '.toml')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
