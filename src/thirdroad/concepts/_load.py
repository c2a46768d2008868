"""Read the catalog's TOML files and check them, so that a mistake in the data fails loudly.

One file per family, in ``concepts/data/``, which ``<family>.<part>.toml`` files may continue
(read after the family's own file; their title is optional). The schema (every key not listed
is rejected)::

    family = "optimizers"                  # must match the file name (before its first dot)
    title = "Optimizers and schedules"     # shown in lists and plots
    description = "..."                    # optional

    [[concept]]
    id = "adam"                            # snake_case, unique over the whole catalog
    name = "Adam"
    aliases = ["adaptive moment estimation"]            # optional: other names people use
    summary = "..."                        # at most two plain sentences, no formula
    action = "..."                         # what it does to its inputs, concretely
    builds_on = [{ id = "rmsprop", how = "divides by the root of RMSProp's average" }]
    related = ["adamw"]                    # optional
    sums_to_one = true                     # optional: its values are weights that add up to
                                           # one (softmax, attention weights, a distribution)
    mass_noun = true                       # optional: the name reads without an article
                                           # ("this is multi-head attention", "dropout")
    definite = true                        # optional: there is one of it, so it takes "the"
                                           # ("this is the chain rule")
    near_misses = ["sign", "lost_root"]    # optional: the slips its formulas are checked for
                                           # (the kinds in _model.NEAR_MISS_KINDS)
    written = ["score"]                    # optional: names formulas give it as a function,
                                           # \text{score}(h_t, h_s), too plain for prose
    conventions = ["..."]                  # optional: where sources write it differently
    pitfalls = ["..."]                     # optional: words that are often wrong
    references = ["Kingma & Ba (2015). Adam: ... ICLR."]
    engine = ["nn.optim.Adam", "thirdroad race"]     # optional: where thirdroad runs it (nn names,
                                                     # commands)
    [[concept.misstatement]]               # optional, any number: a common slip in words, with
    says = "..."  note = "..."             # patterns that spot it in prose (_misstatements.py)
    spot = ['...']  example = ["..."]

    [[concept.formula]]                    # one or more
    output = 'm_t'                         # optional left-hand side
    latex = '\\beta_1 m_{t-1} + (1-\\beta_1) g_t'
    vars = { beta1 = "hyperparameter: decay of the average", m_prev = "vector: ...", ... }
    symbols = { m_prev = 'm_{t-1}', g = 'g_t' }   # optional, when the LaTeX is not the name
    reference = "ema_update"               # a function in references/<family>.py, parameters = value vars
    says = "..."  notation = "..."  note = "..."   # optional
    part = "running average of squared gradients"  # optional: the line is this part of the
                                                   # concept, not the whole (a short noun phrase)
    does = "..."                           # optional, with part: what that line does
    normalised = { a = ['\\pi', 'p'] }     # optional: variables whose values must be weights
                                           # that add up to one, each with the other names
                                           # written for such weights (its own symbol counts)
    domains = { p = "probability vector" } # optional: values a variable may take beyond its
                                           # role (_model.DOMAINS), and how many axes ("3 axes",
                                           # "at least 1 axis") where the role does not say;
                                           # a phrase or a list: ["in (0, 1)", "1 axis"]
    result = "probability vector"          # optional: the domain of the template's value
                                           # (_model.DOMAINS): a worked example outside it is
                                           # not shown
    derived = { '\\mu' = "mean of x" }     # optional: names the template writes that are
                                           # statistics of a variable (mean, variance or
                                           # standard deviation of it), not inputs of their own
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from thirdroad.concepts import references as references_module
from thirdroad.concepts._misstatements import Misstatement, misstatement
from thirdroad.concepts._model import AXES_PATTERN, DOMAINS, NEAR_MISS_KINDS, ROLES, Concept, Edge, Template, Variable
from thirdroad.errors import ThirdroadError

DATA_DIR = Path(__file__).parent / "data"

FILE_KEYS = frozenset({"family", "title", "description", "concept"})
CONCEPT_KEYS = frozenset(
    {"id", "name", "aliases", "summary", "action", "builds_on", "related", "conventions",
     "pitfalls", "references", "formula", "sums_to_one", "mass_noun",
     "definite", "near_misses", "written", "misstatement", "engine"}
)
REQUIRED_CONCEPT_KEYS = ("id", "name", "summary", "action", "formula", "references")
FORMULA_KEYS = frozenset(
    {"latex", "output", "vars", "symbols", "reference", "says", "notation", "note", "part", "does",
     "normalised", "derived", "domains", "result"}
)
EDGE_KEYS = frozenset({"id", "how"})

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_GREEK_NAMES = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
    "Phi Psi Omega"
)
GREEK = frozenset(_GREEK_NAMES.split())
_GREEK_WITH_INDEX = re.compile(rf"^({'|'.join(sorted(GREEK))})_?(\d+)$")

# A summary is prose: these characters and patterns belong to formulas.
_FORMULA_CHARS = set("=^_\\$+*/<>{}|∑∏∇∂√≤≥≈·×") | {chr(c) for c in range(0x391, 0x3CA)}
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|et al|vs|cf|resp)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](\s|$)")


class CatalogError(ThirdroadError, ValueError):
    """The catalog data is wrong; the message names the file and the concept."""


# Python cannot call a parameter lambda, and eps is the usual short name of epsilon.
_SPELLED = {"lambd": "\\lambda", "eps": "\\epsilon"}


def default_symbol(name: str) -> str:
    """How a variable is written when the data gives no symbol: ``gamma`` -> ``\\gamma``."""
    if name in _SPELLED:
        return _SPELLED[name]
    if name in GREEK:
        return "\\" + name
    indexed = _GREEK_WITH_INDEX.match(name)
    if indexed:
        return f"\\{indexed.group(1)}_{indexed.group(2)}"
    return name


def occurs(symbol: str, latex: str) -> bool:
    """Whether ``symbol`` is written in ``latex`` as a whole token (``x`` is not in ``\\exp``,
    ``eps`` is not in ``\\epsilon``)."""
    pattern = re.escape(symbol)
    if symbol[0].isalnum():
        pattern = r"(?<![A-Za-z\\])" + pattern
    if symbol[-1].isalpha():
        pattern += r"(?![A-Za-z])"
    if re.search(pattern, latex):
        return True
    # Index letters run together in subscripts: i and j both occur in A_{ij}.
    return len(symbol) == 1 and re.search(r"_\{[A-Za-z0-9,' ]*" + re.escape(symbol), latex) \
        is not None


def sentence_count(text: str) -> int:
    return len(_SENTENCE_END.findall(_ABBREVIATIONS.sub("abbrev", text.strip())))


def formula_like(text: str) -> str | None:
    """The first piece of ``text`` that looks like math rather than words, or None."""
    for ch in text:
        if ch in _FORMULA_CHARS:
            return ch
    return None


def unbalanced(latex: str) -> str | None:
    """Say what is unbalanced in a LaTeX template, or None if braces, brackets and
    environments all close."""
    stripped = re.sub(r"\\[{}\[\]()|]", "", latex)
    stripped = re.sub(r"\\[lr]vert|\\[lr]Vert", "", stripped)
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    for ch in stripped:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack[-1] != pairs[ch]:
                return f"unexpected {ch!r}"
            stack.pop()
    if stack:
        return f"unclosed {stack[-1]!r}"
    if latex.count("\\left") != latex.count("\\right"):
        return "\\left and \\right do not pair up"
    envs: list[str] = []
    for kind, env in re.findall(r"\\(begin|end)\{(\w+\*?)\}", latex):
        if kind == "begin":
            envs.append(env)
        elif not envs or envs.pop() != env:
            return f"\\end{{{env}}} without its \\begin"
    if envs:
        return f"\\begin{{{envs[-1]}}} without its \\end"
    return None


class _Checker:
    """Collects the context (file, concept) for error messages."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.concept = ""

    def fail(self, message: str) -> CatalogError:
        where = self.file + (f", concept {self.concept!r}" if self.concept else "")
        return CatalogError(f"{where}: {message}")

    def keys(self, table: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
        allowed = sorted(allowed)
        for key in table:
            if key not in allowed:
                close = _close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(
                    f"unknown key {key!r} in {what}{hint}; allowed: {', '.join(allowed)}"
                )

    def text(self, table: Mapping[str, Any], key: str, *, required: bool = True) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be a string, not {type(value).__name__}")
        if required and not value.strip():
            raise self.fail(f"{key!r} is missing or empty")
        return " ".join(value.split()) if key in ("summary", "action") else value.strip()

    def strings(self, table: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{key!r} must be a list of non-empty strings")
        return tuple(" ".join(v.split()) for v in value)


def _variables(check: _Checker, spec: Mapping[str, Any], concept: str) -> tuple[Variable, ...]:
    check.keys(spec, FORMULA_KEYS, "a formula")
    latex = check.text(spec, "latex")
    output = check.text(spec, "output", required=False)
    raw_vars = spec.get("vars", {})
    symbols = spec.get("symbols", {})
    if not isinstance(raw_vars, dict) or not raw_vars:
        raise check.fail(f"formula {latex!r} declares no pattern variables ('vars')")
    if not isinstance(symbols, dict):
        raise check.fail(f"'symbols' of formula {latex!r} must be a table")
    for name in symbols:
        if name not in raw_vars:
            raise check.fail(f"formula {latex!r}: symbol given for undeclared variable {name!r}")
    variables = []
    for name, declared in raw_vars.items():
        if not name.isidentifier():
            raise check.fail(f"formula {latex!r}: variable {name!r} is not a Python identifier")
        if not isinstance(declared, str):
            raise check.fail(f"formula {latex!r}: variable {name!r} must be 'role' or "
                             "'role: meaning'")
        role, _, meaning = declared.partition(":")
        role = role.strip()
        if role not in ROLES:
            close = _close_matches(role, sorted(ROLES), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise check.fail(f"formula {latex!r}: variable {name!r} has unknown role "
                             f"{role!r}{hint}; roles: {', '.join(sorted(ROLES))}")
        symbol = str(symbols.get(name, default_symbol(name)))
        # An empty symbol declares a setting the formula does not show (the number of groups
        # of a group norm): a recognizer must take it from the text around the formula.
        if symbol and not occurs(symbol, latex) and not occurs(symbol, output):
            raise check.fail(f"formula {latex!r}: variable {name!r} is written {symbol!r}, "
                             "which does not occur in the template (give its 'symbols' entry)")
        variables.append(Variable(name, symbol, role, meaning.strip(), _domain(check, spec, name, latex)))
    domains = spec.get("domains", {})
    if not isinstance(domains, dict) or set(domains) - set(raw_vars):
        raise check.fail(f"formula {latex!r}: 'domains' must be a table of declared variables")
    return tuple(variables)


def _domain(check: _Checker, spec: Mapping[str, Any], name: str, latex: str) -> tuple[str, ...]:
    """The phrases of a variable's domain: ``domains = { p = "probability vector" }``, or a list
    of them, ``{ g = ["in (0, 1)", "1 axis"] }``; for the name "", the template's ``result``."""
    raw = spec.get("domains", {})
    given = raw.get(name, []) if isinstance(raw, dict) else []
    if name == "":
        given = spec.get("result", [])
    given = [given] if isinstance(given, str) else given
    if not isinstance(given, list) or not all(isinstance(p, str) for p in given):
        raise check.fail(f"formula {latex!r}: the domain of {name!r} must be a phrase or a list of phrases")
    phrases = tuple(" ".join(p.split()) for p in given if p.strip())
    for phrase in phrases:
        if phrase not in DOMAINS and not AXES_PATTERN.match(phrase):
            close = _close_matches(phrase, sorted(DOMAINS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise check.fail(f"formula {latex!r}: {name!r} has unknown domain {phrase!r}{hint}; domains: "
                             f"{', '.join(DOMAINS)}, or 'N axes', 'at least N axes'")
    return phrases


def _reference(check: _Checker, name: str, variables: tuple[Variable, ...], latex: str) -> None:
    fn: Callable[..., Any] | None = getattr(references_module, name, None)
    if not callable(fn) or name.startswith("_"):
        raise check.fail(f"formula {latex!r}: reference {name!r} is not a function in "
                         "thirdroad/concepts/references/")
    params = inspect.signature(fn).parameters
    wanted = {v.name for v in variables if v.passed_to_reference}
    missing = wanted - params.keys()
    required = {p for p, spec in params.items() if spec.default is inspect.Parameter.empty}
    extra = required - wanted
    if missing or extra:
        raise check.fail(
            f"formula {latex!r}: reference {name}() does not take the template's variables "
            f"(missing parameters: {sorted(missing)}, parameters with no variable: {sorted(extra)})"
        )


def _part(check: _Checker, spec: Mapping[str, Any], latex: str) -> tuple[str, str]:
    """A line that is one part of its concept: its name (read as "RMSProp's <part>") and what
    the line does (read instead of the whole concept's action)."""
    part = check.text(spec, "part", required=False)
    does = " ".join(check.text(spec, "does", required=False).split())
    if does and not part:
        raise check.fail(f"formula {latex!r}: 'does' says what a part does; give its 'part' too")
    if part and (len(part.split()) > 6 or part[:1].isupper() or part.startswith(("the ", "a ", "an "))
                 or formula_like(part)):
        raise check.fail(f"formula {latex!r}: 'part' must be a short lower-case noun phrase without "
                         f"an article or math (it is read as \"Adam's <part>\"), not {part!r}")
    if does and (sentence_count(does) not in (1, 2) or not does.endswith(".")):
        raise check.fail(f"formula {latex!r}: 'does' must be one or two full sentences")
    return part, does


def _normalised(check: _Checker, spec: Mapping[str, Any], variables: tuple[Variable, ...],
                latex: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The variables that must hold weights adding up to one, with the other names such weights
    are written with (a list, empty when only the template's own symbol is usual)."""
    raw = spec.get("normalised", {})
    if not isinstance(raw, dict):
        raise check.fail(f"formula {latex!r}: 'normalised' must be a table {{ var = [names] }}")
    roles = {v.name: v.role for v in variables}
    out = []
    for name, names in raw.items():
        if roles.get(name) not in ("scalar", "vector", "tensor"):
            raise check.fail(f"formula {latex!r}: 'normalised' names {name!r}, which is not a "
                             "scalar, vector or tensor variable of the template")
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise check.fail(f"formula {latex!r}: 'normalised' {name!r} must be a list of names")
        for written in names:
            problem = unbalanced(written)
            if problem:
                raise check.fail(f"formula {latex!r}: weight name {written!r} is not balanced: {problem}")
        out.append((name, tuple(n.strip() for n in names)))
    return tuple(out)


def _derived(check: _Checker, spec: Mapping[str, Any], variables: tuple[Variable, ...],
             latex: str) -> tuple[tuple[str, str, str], ...]:
    """Names the template writes that are statistics of one of its variables (the mean μ of a
    variance): ``(written, statistic, variable)``, so that a worked example computes them from
    the example's values instead of drawing them."""
    raw = spec.get("derived", {})
    if not isinstance(raw, dict):
        raise check.fail(f"formula {latex!r}: 'derived' must be a table {{ 'symbol' = \"mean of x\" }}")
    names = {v.name for v in variables if v.passed_to_reference}
    out = []
    for written, text in raw.items():
        m = _DERIVED.fullmatch(str(text).strip())
        if not m or m.group(2) not in names:
            raise check.fail(f"formula {latex!r}: 'derived' {written!r} must say \"<statistic> of <var>\" "
                             f"with a statistic among {', '.join(STATISTICS)} and a value variable of "
                             f"the template, not {text!r}")
        if _squash(written) not in _squash(latex):
            raise check.fail(f"formula {latex!r}: 'derived' names {written!r}, which does not occur "
                             "in the template")
        out.append((written, m.group(1), m.group(2)))
    return tuple(out)


STATISTICS = ("mean", "variance", "standard deviation")
_DERIVED = re.compile(rf"({'|'.join(STATISTICS)}) of ([A-Za-z_][A-Za-z0-9_]*)")


def _squash(latex: str) -> str:
    return re.sub(r"\s+|[{}]", "", latex)


def _formula(check: _Checker, spec: Any, concept: str) -> Template:
    if not isinstance(spec, dict):
        raise check.fail("each [[concept.formula]] must be a table")
    latex = check.text(spec, "latex")
    problem = unbalanced(latex)
    if problem:
        raise check.fail(f"formula {latex!r} is not balanced: {problem}")
    variables = _variables(check, spec, concept)
    reference = check.text(spec, "reference")
    _reference(check, reference, variables, latex)
    part, does = _part(check, spec, latex)
    return Template(
        concept=concept,
        latex=latex,
        variables=variables,
        reference=reference,
        output=check.text(spec, "output", required=False),
        says=check.text(spec, "says", required=False),
        notation=check.text(spec, "notation", required=False),
        note=" ".join(check.text(spec, "note", required=False).split()),
        part=part,
        does=does,
        normalised=_normalised(check, spec, variables, latex),
        derived=_derived(check, spec, variables, latex),
        result=_domain(check, spec, "", latex),
    )


def _edges(check: _Checker, raw: Any, concept: str) -> tuple[Edge, ...]:
    if not isinstance(raw, list):
        raise check.fail("'builds_on' must be a list of { id = ..., how = ... }")
    edges = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise check.fail("each 'builds_on' entry must be { id = ..., how = ... }")
        check.keys(entry, EDGE_KEYS, "a builds_on entry")
        source = check.text(entry, "id")
        how = check.text(entry, "how")
        if source == concept:
            raise check.fail("a concept cannot build on itself")
        edges.append(Edge(source, concept, how))
    return tuple(edges)


def _concept(check: _Checker, raw: Any, family: str) -> Concept:
    if not isinstance(raw, dict):
        raise check.fail("each [[concept]] must be a table")
    check.concept = str(raw.get("id", "?"))
    check.keys(raw, CONCEPT_KEYS, "a concept")
    for key in REQUIRED_CONCEPT_KEYS:
        if key not in raw:
            raise check.fail(f"missing required key {key!r}")
    cid = check.text(raw, "id")
    if not ID_PATTERN.match(cid):
        raise check.fail(f"id {cid!r} is not snake_case")
    summary = check.text(raw, "summary")
    if sentence_count(summary) > 2:
        raise check.fail(f"summary has {sentence_count(summary)} sentences; at most two")
    if sentence_count(summary) == 0:
        raise check.fail("summary must be one or two full sentences ending with a full stop")
    math = formula_like(summary)
    if math:
        raise check.fail(f"summary must be plain words, but contains {math!r}")
    formulas = raw["formula"]
    if not isinstance(formulas, list) or not formulas:
        raise check.fail("needs at least one [[concept.formula]]")
    refs = check.strings(raw, "references")
    if not refs:
        raise check.fail("needs at least one entry in 'references'")
    return Concept(
        id=cid,
        name=check.text(raw, "name"),
        family=family,
        summary=summary,
        action=check.text(raw, "action"),
        formulas=tuple(_formula(check, f, cid) for f in formulas),
        builds_on=_edges(check, raw.get("builds_on", []), cid),
        related=check.strings(raw, "related"),
        references=refs,
        aliases=check.strings(raw, "aliases"),
        conventions=check.strings(raw, "conventions"),
        pitfalls=check.strings(raw, "pitfalls"),
        sums_to_one=_flag(check, raw, "sums_to_one"),
        mass_noun=_flag(check, raw, "mass_noun"),
        definite=_flag(check, raw, "definite"),
        near_misses=_near_misses(check, raw),
        written=check.strings(raw, "written"),
        misstatements=_misstatements(check, raw, cid),
        engine=_engine(check, raw),
        source_file=check.file,
    )


def _near_misses(check: _Checker, raw: Mapping[str, Any]) -> tuple[str, ...]:
    kinds = check.strings(raw, "near_misses")
    unknown = [k for k in kinds if k not in NEAR_MISS_KINDS]
    if unknown:
        raise check.fail(f"unknown near-miss kind {unknown[0]!r}; kinds: {', '.join(NEAR_MISS_KINDS)}")
    return kinds


def _misstatements(check: _Checker, raw: Mapping[str, Any], cid: str) -> tuple[Misstatement, ...]:
    tables = raw.get("misstatement", [])
    if not isinstance(tables, list):
        raise check.fail("'misstatement' must be [[concept.misstatement]] tables")
    try:
        return tuple(misstatement(cid, table) for table in tables)
    except ValueError as exc:
        raise check.fail(str(exc)) from None


_ENGINE = re.compile(r"^(?:nn(?:\.[A-Za-z_][A-Za-z0-9_]*)+|thirdroad [a-z]+(?: [a-z0-9-]+)*)$")


def _engine(check: _Checker, raw: Mapping[str, Any]) -> tuple[str, ...]:
    names = check.strings(raw, "engine")
    for name in names:
        if not _ENGINE.match(name):
            raise check.fail(f"'engine' entry {name!r} must be a thirdroad.nn name (nn.RBM) or a command "
                             "(thirdroad train rbm)")
    return names


def _flag(check: _Checker, table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise check.fail(f"{key!r} must be true or false, not {value!r}")
    return value


def _close_matches(word: str, possibilities: Iterable[str], n: int) -> list[str]:
    """The names most like ``word``, for a hint in an error (difflib loads only then)."""
    import difflib

    return difflib.get_close_matches(word, list(possibilities), n=n)


def load_file(path: Path) -> tuple[str, str, list[Concept]]:
    """Read one family file: (family, title, concepts). Checks everything local to the file."""
    import tomllib  # only when the catalog is built: the copy on disk is read without it

    check = _Checker(path.name)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise check.fail(f"not valid TOML: {exc}") from exc
    check.keys(data, FILE_KEYS, "the file header")
    family = check.text(data, "family")
    if family != path.stem.split(".")[0]:
        raise check.fail(f"family {family!r} does not match the file name {path.stem!r}")
    title = check.text(data, "title", required=path.stem == family)
    raw_concepts = data.get("concept", [])
    if not isinstance(raw_concepts, list) or not raw_concepts:
        raise check.fail("defines no [[concept]]")
    return family, title, [_concept(check, raw, family) for raw in raw_concepts]


def check_links(concepts: Mapping[str, Concept]) -> None:
    """Every builds_on and related id resolves, and builds_on has no cycle."""
    known = sorted(concepts)
    for concept in concepts.values():
        check = _Checker(concept.source_file)
        check.concept = concept.id
        for kind, ids in (("builds_on", concept.prerequisites), ("related", concept.related)):
            for other in ids:
                if other not in concepts:
                    close = _close_matches(other, known, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    raise check.fail(f"{kind} names unknown concept {other!r}{hint}")
    state: dict[str, int] = {}

    def visit(cid: str, trail: list[str]) -> None:
        if state.get(cid) == 2:
            return
        if state.get(cid) == 1:
            cycle = " -> ".join([*trail[trail.index(cid):], cid])
            raise CatalogError(f"{concepts[cid].source_file}, concept {cid!r}: "
                               f"builds_on has a cycle: {cycle}")
        state[cid] = 1
        for pre in concepts[cid].prerequisites:
            visit(pre, [*trail, cid])
        state[cid] = 2

    for cid in concepts:
        visit(cid, [])


def load_dir(directory: Path = DATA_DIR) -> tuple[dict[str, Concept], dict[str, str]]:
    """All concepts by id (in file order) and family titles, fully validated."""
    concepts: dict[str, Concept] = {}
    titles: dict[str, str] = {}
    # a family's own file first, then the files that continue it
    files = sorted(directory.glob("*.toml"), key=lambda p: (p.stem.split(".")[0], "." in p.stem, p.name))
    if not files:
        raise CatalogError(f"{directory}: no concept files (*.toml)")
    for path in files:
        family, title, found = load_file(path)
        if family not in titles and "." in path.stem:
            raise CatalogError(f"{path.name}: continues family {family!r}, which has no file {family}.toml")
        titles.setdefault(family, title)
        for concept in found:
            if concept.id in concepts:
                raise CatalogError(f"{path.name}, concept {concept.id!r}: id already defined in "
                                   f"{concepts[concept.id].source_file}")
            concepts[concept.id] = concept
    check_links(concepts)
    return concepts, titles
