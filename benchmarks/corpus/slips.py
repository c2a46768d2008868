"""Build the slip set: correct corpus formulas, each with one known slip put in.

    python benchmarks/corpus/slips.py [--check]

Reads every labelled source of ``tests/data/realtext/`` and, for each formula whose core concept
a kind of slip applies to, edits its LaTeX once:

``lost_exp``          the last ``\\exp(..)``/``e^{..}`` loses its exponential (softmax's denominator)
``lost_sqrt``         the square root over the second moment / variance / fan goes (Adam, norms, init)
``lost_square``       the first square goes (the squared gradient of RMSProp, the squared error)
``swapped_beta``      in an exponential moving average, β and 1-β change places
``flipped_sign``      the descent step climbs, a loss loses its minus, a sigmoid's exp(-x) becomes exp(x)
``wrong_normaliser``  softmax's denominator loses its sum; a bias correction loses its power t;
                      a mean loses its 1/n
``missing_eps``       the ε that keeps a division safe goes

Each slip records the source formula (``of``), the concept the formula was (its first core id),
the kind and the mutated text, with ``change`` saying what was edited. Identical mutated texts
are kept once. The edits are plain text operations on the LaTeX, so the result is deterministic;
``--check`` compares with the committed ``slips.toml`` instead of writing it.

Only mutations that are slips of the concept are made: conventions that differ between
libraries (a batch-norm ``momentum`` that weights the new value, 1/(N-1) against 1/N in a
variance, Adan's reversed βs, AdaMax without ε, optax's ε̄ left alone inside the root once its
outer ε goes, α and 1 - α swapped in the only average that uses α: α weighs the new value in
statistics' convention) are left alone.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tomlio import REALTEXT, load, sources, string

Mutation = tuple[str, str]  # (mutated text, what changed)

ADAPTIVE = {"adam", "adamw", "adamax", "nadam", "radam", "rmsprop", "adagrad", "adadelta", "adabelief",
            "optimistic_adam", "acprop", "ademamix"}
NORMS = {"batch_norm", "layer_norm", "instance_norm", "group_norm", "rms_norm", "standardization"}
SOFTMAX_LIKE = {"softmax", "log_softmax", "cross_entropy", "softmin"}
DESCENT = ADAPTIVE | {"gradient_descent", "sgd_momentum", "adafactor", "lion", "sm3"}


def _close(text: str, start: int, opening: str, closing: str) -> int:
    """The index of the bracket closing the one at ``start`` (-1 if unbalanced)."""
    depth = 0
    for k in range(start, len(text)):
        if text[k] == opening:
            depth += 1
        elif text[k] == closing:
            depth -= 1
            if depth == 0:
                return k
    return -1


def _exp_calls(text: str) -> list[tuple[int, int, str]]:
    """(start, end, what it becomes without the exp) of every exp written in ``text``."""
    calls = []
    for command, opening, closing, wrap in (("\\exp\\left", "(", ")", "\\left({})"), ("\\exp", "(", ")", "({})"),
                                            ("e^", "{", "}", "({})")):
        for m in re.finditer(re.escape(command + opening), text):
            end = _close(text, m.end() - 1, opening, closing)
            if end > 0 and not any(s <= m.start() < e for s, e, _ in calls):
                calls.append((m.start(), end + 1, wrap.format(text[m.end():end])))
    return sorted(calls)


def lost_exp(text: str) -> Mutation | None:
    """The last exp loses its exponential: softmax's denominator, the sigmoid's only one."""
    calls = _exp_calls(text)
    if not calls:
        return None
    start, end, plain = calls[-1]
    return text[:start] + plain + text[end:], f"exp dropped: {text[start:end]}"


_MOMENT = re.compile(r"v|Var|state\\_sum|s}|s_|n_t|fan|d_k|\\sum|RMS|\\epsilon|u_")


def lost_sqrt(text: str) -> Mutation | None:
    """The square root whose content is the moment or variance, else the first one."""
    target = next((m for m in re.finditer(r"\\sqrt\{", text) if _MOMENT.search(_group(text, m.end() - 1))), None)
    target = target or re.search(r"\\sqrt\{", text)
    if target is None:
        return None
    inner = _group(text, target.end() - 1)
    wrapped = f"({inner})" if re.search(r"[+-]", inner.strip()) else inner
    end = target.end() + len(inner) + 1
    return text[:target.start()] + wrapped + text[end:], f"square root dropped: \\sqrt{{{inner}}}"


def _group(text: str, brace: int) -> str:
    end = _close(text, brace, "{", "}")
    return text[brace + 1:end] if end > 0 else ""


_SQUARE = re.compile(r"\^(\{2\}|2)(?![0-9])")
_RELATION = re.compile(r"=|\\leftarrow|\\gets")


def lost_square(text: str) -> Mutation | None:
    """The first square on a right-hand side (not a name such as σ² or E[g²] being defined or
    read back): the squared gradient, the squared error."""
    relation = _RELATION.search(text)
    start = relation.end() if relation else 0
    for m in _SQUARE.finditer(text, start):
        before = text[:m.start()]
        if before.count("[") > before.count("]") or re.search(r"\\sigma\s*$", before):
            continue
        return text[:m.start()] + text[m.end():], f"square dropped at '{text[max(0, m.start() - 12):m.end()]}'"
    return None


_COEFFICIENTS = (r"\beta_1", r"\beta_2", r"\beta_3", r"\beta", r"\rho", r"\alpha", r"\text{decay}")


def swapped_beta(text: str) -> Mutation | None:
    """In the first row that weighs two terms by B and (1 - B), swap the weights."""
    rows = text.split("\\\\")
    for k, row in enumerate(rows):
        for coef in _COEFFICIENTS:
            one_minus = re.search(r"\(\s*1\s*-\s*" + re.escape(coef) + r"\s*\)", row)
            if one_minus is None:
                continue
            if coef == r"\alpha" and len(re.findall(r"\(\s*1\s*-\s*\\alpha\s*\)", text)) < 2:
                continue  # α may weigh the new value (statistics): only a second average says which
            bare = [m for m in re.finditer(re.escape(coef) + r"(?![\w^_{])", row)
                    if not one_minus.start() <= m.start() < one_minus.end()]
            if len(bare) != 1:
                continue
            b = bare[0]
            pieces = sorted([(one_minus.start(), one_minus.end(), coef), (b.start(), b.end(), f"(1 - {coef})")])
            new, last = [], 0
            for start, end, repl in pieces:
                new.append(row[last:start] + repl)
                last = end
            new.append(row[last:])
            rows[k] = "".join(new)
            return "\\\\".join(rows), f"{coef} and (1 - {coef}) swapped in: {row.strip()[:60]}"
    return None


_STEP = re.compile(r"(\\theta_\{?t-1\}?|\\theta_t|\\theta_\{t\}|w_\{?t\}?|p_\{t\}|x_\{t\}|\\theta\^\{\(t-1\)\})"
                   r"(\s*)-(\s*)")


def flipped_sign(text: str, concept: str) -> Mutation | None:
    if concept in DESCENT:
        steps = list(_STEP.finditer(text))
        if not steps:
            return None
        m = steps[-1]  # the last update of the parameters is the step
        return (text[:m.start()] + m.group(1) + m.group(2) + "+" + m.group(3) + text[m.end():],
                f"descent became ascent at '{m.group(0).strip()}'")
    if concept in {"sigmoid", "log_sigmoid", "silu"}:
        m = re.search(r"(\\exp\s*\(\s*|e\^\{\s*)-", text)
        if m is None:
            return None
        return text[:m.end() - 1] + text[m.end():], "exp(-x) became exp(x)"
    if concept in {"bce", "cross_entropy", "nll", "bce_with_logits", "multilabel_soft_margin"}:
        m = re.search(r"=\s*-\s*", text)
        if m is None:
            return None
        return text[:m.start()] + "= " + text[m.end():], "the loss lost its leading minus"
    return None


def wrong_normaliser(text: str, concept: str) -> Mutation | None:
    if concept in SOFTMAX_LIKE:
        m = re.search(r"\{\s*(\\sum(_\{[^}]*\}|_\w)(\^\{?\w+\}?)?\s*)(?=\\exp)", text)
        if m is None:
            return None
        return text[:m.start(1)] + text[m.end(1):], "the sum left the denominator: " + m.group(1).strip()
    if concept in ADAPTIVE:
        m = re.search(r"(\\beta_?\{?[12]\}?)\^\{?t\}?|\\beta\^\{?t\}?_\{?([12])\}?", text)
        if m is None:
            return None
        plain = m.group(1) if m.group(1) else f"\\beta_{m.group(2)}"
        return text[:m.start()] + plain + text[m.end():], f"bias correction lost its power t: {m.group(0)}"
    if concept in {"rms_norm", "avg_pool", "mse", "mean"}:
        m = re.search(r"\\frac\{1\}\{[^{}]+\}\s*\*?\s*", text)
        if m is None:
            return None
        return text[:m.start()] + text[m.end():], f"the mean lost its normaliser {m.group(0).strip()}"
    return None


# an ε added to something, not one multiplying a name (diag(G + εI) keeps its εI)
_EPS = re.compile(r"\s*\+\s*(\\epsilon|\\varepsilon|\\text\{eps\})(?![\w])(?!\s*[A-Za-z0-9(])"
                  r"|(\\epsilon|\\varepsilon)\s*\+\s*")


_ANY_EPS = re.compile(r"\\epsilon|\\varepsilon|\\text\{eps\}")


def _opening(text: str, at: int) -> int:
    """The index of the brace that opens the group holding ``at`` (-1 at the top level)."""
    depth = 0
    for k in range(at - 1, -1, -1):
        if text[k] == "}":
            depth += 1
        elif text[k] == "{":
            if depth == 0:
                return k
            depth -= 1
    return -1


def missing_eps(text: str) -> Mutation | None:
    """The first ε added to something goes, unless another ε stays in the same group: optax's
    {√(v̂ + ε̄) + ε} without its ε is Adam with ε inside the root, a convention, not a slip."""
    m = _EPS.search(text)
    if m is None:
        return None
    mutated = text[:m.start()] + text[m.end():]
    opening = _opening(text, m.start())
    if opening >= 0:
        closing = _close(mutated, opening, "{", "}")
        if _ANY_EPS.search(mutated[opening:closing if closing > 0 else len(mutated)]):
            return None
    return mutated, f"epsilon dropped: '{m.group(0).strip()}'"


RULES: dict[str, tuple[set[str], Callable[[str, str], Mutation | None]]] = {
    "lost_exp": ({"softmax", "log_softmax", "softmin", "sigmoid", "log_sigmoid", "cross_entropy", "softplus",
                  "elu", "celu", "selu", "silu", "gaussian_pdf"}, lambda t, c: lost_exp(t)),
    "lost_sqrt": (ADAPTIVE | NORMS | {"xavier_init", "kaiming_init", "scaled_dot_product_attention",
                                      "standard_deviation"}, lambda t, c: lost_sqrt(t)),
    "lost_square": ({"adam", "adamw", "rmsprop", "adagrad", "adadelta", "nadam", "radam", "mse", "variance",
                     "rms_norm", "gaussian_nll", "standard_deviation", "brier_score"}, lambda t, c: lost_square(t)),
    "swapped_beta": ({"adam", "adamw", "adamax", "nadam", "radam", "rmsprop", "adadelta", "ema", "lion",
                      "adabelief", "ademamix", "optimistic_adam", "acprop", "signum"}, lambda t, c: swapped_beta(t)),
    "flipped_sign": (DESCENT | {"sigmoid", "log_sigmoid", "silu", "bce", "cross_entropy", "nll", "bce_with_logits",
                                "multilabel_soft_margin"}, flipped_sign),
    "wrong_normaliser": (SOFTMAX_LIKE | ADAPTIVE | {"rms_norm", "avg_pool"}, wrong_normaliser),
    # AdaMax's max(β u, |g|) needs no ε (Kingma & Ba write none): an ε dropped there is a convention
    "missing_eps": ((ADAPTIVE - {"adamax"}) | NORMS | {"lp_normalize", "grad_norm_clipping"},
                    lambda t, c: missing_eps(t)),
}


def build() -> list[dict[str, Any]]:
    slips: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for path in sources(REALTEXT):
        data = load(path)
        for f in data["formula"]:
            if f["fragment"] or not f["core"]:
                continue
            concept = f["core"][0]
            for kind, (concepts, rule) in RULES.items():
                if concept not in concepts:
                    continue
                made = rule(f["text"], concept)
                if made is None or made[0] == f["text"] or (kind, made[0]) in seen:
                    continue
                seen.add((kind, made[0]))
                slips.append({"id": f"{kind}:{path.stem}/{f['id']}", "of": f"{path.stem}/{f['id']}",
                              "concept": concept, "kind": kind, "change": made[1], "text": made[0],
                              "context": f.get("context", "")})
    return slips


def dump(slips: list[dict[str, Any]]) -> str:
    lines = ["# The slip set: correct corpus formulas with one known slip each.",
             "# Written by benchmarks/corpus/slips.py; see tests/data/realtext/README.md.", ""]
    for s in slips:
        lines.append("[[slip]]")
        for key in ("id", "of", "concept", "kind", "change", "context", "text"):
            lines.append(f"{key} = {string(s[key], multiline=key == 'text')}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file, do not write")
    args = parser.parse_args(argv)
    slips = build()
    out = REALTEXT / "slips.toml"
    text = dump(slips)
    if args.check:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{out}: {'up to date' if same else 'DIFFERS from what slips.py builds'}")
        return 0 if same else 1
    out.write_text(text, encoding="utf-8")
    kinds: dict[str, int] = {}
    for s in slips:
        kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
    print(f"{out}: {len(slips)} slips: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
