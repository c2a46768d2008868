"""How a symbol is shown (``β₁``, ``m̂_t``) and how it is named in code (``beta_1``, ``m_hat``)."""

from __future__ import annotations

import keyword
import re
import unicodedata

from thirdroad.formula.ast import Apply, Neg, Node, Number, Sum, Symbol
from thirdroad.formula.tables import DELTA, UNICODE_GREEK

GREEK_CHAR = {name: char for char, name in UNICODE_GREEK.items() if char not in "ϵµϕς"}
GREEK_CHAR.update({"epsilon": "ε", "varepsilon": "ε", "phi": "φ", "varphi": "φ",
                   "vartheta": "ϑ", "varsigma": "ς", "varrho": "ϱ", "varpi": "ϖ"})
SPECIAL_CHAR = {"infty": "∞", "partial": "∂", "ell": "ℓ", "dots": "…", "emptyset": "∅",
                "hbar": "ℏ", "star": "*", "nabla": "∇", "prime": "′", "top": "⊤",
                "perp": "⊥", "parallel": "∥", "uparrow": "↑", "downarrow": "↓",
                "rightarrow": "→", "leftarrow": "←", "leftrightarrow": "↔"}
_COMBINING = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307",
              "ddot": "\u0308", "vec": "\u20d7", "check": "\u030c", "breve": "\u0306",
              "acute": "\u0301", "grave": "\u0300", "ring": "\u030a", "underline": "\u0332"}
_STYLE = {"bf": "BOLD", "bb": "DOUBLE-STRUCK", "cal": "SCRIPT", "frak": "FRAKTUR",
          "sf": "SANS-SERIF", "tt": "MONOSPACE"}


def styled_char(char: str, font: str) -> str:
    """``W`` in bold is ``𝐖``; characters without a styled form stay as they are."""
    style = _STYLE.get(font)
    if not style or len(char) != 1:
        return char
    if char.isalpha() and char.isascii():
        case = "CAPITAL" if char.isupper() else "SMALL"
        try:
            return unicodedata.lookup(f"MATHEMATICAL {style} {case} {char.upper()}")
        except KeyError:
            fallback = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ"}
            return fallback.get(char, char) if font == "bb" else char
    return char


def base_text(sym: Symbol) -> str:
    """The symbol's letter(s) with font and accent, no scripts: ``m̂``, ``𝐖``, ``softmax``."""
    name = sym.name
    if name.startswith(DELTA) and len(name) > 1:
        name = name[1:]
        core = DELTA + (GREEK_CHAR.get(name) or name)
    else:
        core = GREEK_CHAR.get(name) or SPECIAL_CHAR.get(name) or name
    core = "".join(styled_char(c, sym.font) for c in core) if sym.font else core
    if sym.accent in _COMBINING:
        core += _COMBINING[sym.accent]
    return core


def display(node: Node) -> str:
    """A compact Unicode spelling of small nodes (indices and names)."""
    if isinstance(node, Symbol):
        out = base_text(node)
        if node.sub:
            parts = [display(s) for s in node.sub]
            joined = ",".join(parts)
            simple = len(node.sub) == 1 and isinstance(node.sub[0], Symbol | Number)
            out += "_" + (joined if simple else f"({joined})")
        if node.sup is not None:
            out += f"^({display(node.sup)})"
        return out + "′" * node.prime
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Neg):
        return "−" + display(node.arg)
    if isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name == "setminus" \
            and len(node.args) == 1:
        return "∖" + display(node.args[0])  # x_{∖i}: x without i
    if isinstance(node, Sum):
        out = display(node.terms[0])
        for t in node.terms[1:]:
            out += "−" + display(t.arg) if isinstance(t, Neg) else "+" + display(t)
        return out
    from thirdroad.formula.latex import to_latex

    return to_latex(node)


_NOT_IDENT = re.compile(r"[^0-9A-Za-z_]+")


def index_code(node: Node) -> str:
    """An index as part of an identifier: ``t`` -> ``t``, ``t-1`` -> ``t_minus_1``."""
    if isinstance(node, Symbol):
        return code_name(node)
    if isinstance(node, Number):
        return node.value.replace(".", "_").replace("-", "minus_")
    if isinstance(node, Neg):
        return "minus_" + index_code(node.arg)
    if isinstance(node, Sum):
        parts = [index_code(node.terms[0])]
        for t in node.terms[1:]:
            parts.append("minus_" + index_code(t.arg) if isinstance(t, Neg) else
                         "plus_" + index_code(t))
        return "_".join(parts)
    from thirdroad.formula.latex import to_latex

    return _NOT_IDENT.sub("_", to_latex(node)).strip("_") or "x"


def code_name(sym: Symbol, drop_sub: bool = False) -> str:
    """A plain Python identifier: Greek spelled (``beta``), subscripts joined by ``_``
    (``beta_1``, ``h_t``), accents as a suffix (``h_bar``), fonts dropped, ``dW`` kept."""
    spelled = "Delta_" + sym.name[1:] if sym.name.startswith(DELTA) else sym.name
    name = _NOT_IDENT.sub("_", spelled).strip("_") or "x"
    if sym.name == "star":
        name = "star"
    parts = [name]
    if sym.accent:
        parts.append(sym.accent)
    if sym.sub and not drop_sub:
        parts.extend(index_code(s) for s in sym.sub)
    if sym.sup is not None:
        parts.append(index_code(sym.sup))
    if sym.prime:
        parts.append("prime" * sym.prime)
    out = "_".join(parts)
    if out[0].isdigit():
        out = "x_" + out
    if keyword.iskeyword(out) or out in ("np", "fn", "values", "out"):
        out += "_"
    return out
