"""Damage clean LaTeX the ways copy-paste, OCR and machine translation do.

Each mangler takes clean LaTeX and a random generator and returns a damaged copy. Used by
the repair tests and by the long fuzz script.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

CLEAN = [
    r"s = \beta s + (1 - \beta) dW^2",
    r"W = W - \alpha \frac{dW}{\sqrt{s + \epsilon}}",
    r"v = \beta v + (1 - \beta) dW",
    r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t",
    r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}",
    r"\theta_t = \theta_{t-1} - \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
    r"\sigma(x) = \frac{1}{1 + e^{-x}}",
    r"y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} \gamma + \beta",
    r"h_t = \tanh(W_h h_{t-1} + W_x x_t + b)",
    r"z_t = \sigma(W_z x_t + U_z h_{t-1})",
    r"\alpha_{ts} = \frac{\exp(e_{ts})}{\sum_j \exp(e_{tj})}",
    r"c_t = \sum_s \alpha_{ts} h_s",
    r"L = -\sum_i y_i \log p_i",
    r"\theta = \theta - \eta \nabla_\theta L",
    r"E = -\sum_i a_i v_i - \sum_j b_j h_j",
    r"x_{t+1} = x_t - \eta \frac{g_t}{\sqrt{G_t + \epsilon}}",
    r"G_t = G_{t-1} + g_t^2",
    r"y = \max(0, x)",
    r"f(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}",
    r"p = \frac{1}{Z} \exp(-E)",
]
# Commands whose backslash copies lose; Greek letters of two letters (mu, pi) stay out,
# because without the backslash they are indistinguishable from two variables.
_LOSABLE = re.compile(r"\\(frac|sqrt|beta|alpha|epsilon|gamma|theta|sigma|eta|nabla|exp|log|tanh|sum|hat)\b")
_TRANSLATED = {"frac": ["fraud", "fracture", "fraction"], "sqrt": ["squirt", "sqr"],
               "beta": ["beat", "betta"], "alpha": ["alfa"], "lambda": ["lamda"]}
_MISSPELT = {"frac": ["frca", "farc", "fracc"], "sqrt": ["sqtr", "sqrrt"], "beta": ["bteta"],
             "alpha": ["aplha", "alpah"], "epsilon": ["epsilom", "espilon"]}


def lose_backslashes(text: str, rng: random.Random) -> str:
    return _LOSABLE.sub(lambda m: m.group(1) if rng.random() < 0.7 else m.group(0), text)


def split_commands(text: str, rng: random.Random) -> str:
    return _LOSABLE.sub(lambda m: "\\ " + m.group(1) if rng.random() < 0.5 else m.group(0), text)


def insert_spaces(text: str, rng: random.Random) -> str:
    out = []
    for c in text:
        out.append(c)
        if c in "{}()^_=+" and rng.random() < 0.4:
            out.append(" ")
    return "".join(out)


def swap_brackets(text: str, rng: random.Random) -> str:
    # a closing brace that comes out as ) or ]: OCR and fonts confuse them
    positions = [k for k, c in enumerate(text) if c == "}" and (k == 0 or text[k - 1] != "\\")]
    if not positions:
        return text
    k = rng.choice(positions)
    return text[:k] + rng.choice(")]") + text[k + 1 :]


def misspell(text: str, rng: random.Random) -> str:
    def sub(m: re.Match[str]) -> str:
        options = _MISSPELT.get(m.group(1))
        return "\\" + rng.choice(options) if options and rng.random() < 0.7 else m.group(0)

    return re.sub(r"\\(frac|sqrt|beta|alpha|epsilon)\b", sub, text)


def translate(text: str, rng: random.Random) -> str:
    def sub(m: re.Match[str]) -> str:
        options = _TRANSLATED.get(m.group(1))
        return rng.choice(options) if options else m.group(0)

    return re.sub(r"\\(frac|sqrt|beta|alpha|lambda)\b", sub, text)


def dashes(text: str, rng: random.Random) -> str:
    return "".join(rng.choice("–—−") if c == "-" else c for c in text)


MANGLERS: dict[str, Callable[[str, random.Random], str]] = {
    "lost backslash": lose_backslashes,
    "split command": split_commands,
    "inserted spaces": insert_spaces,
    "swapped bracket": swap_brackets,
    "misspelt command": misspell,
    "translated command": translate,
    "dashes": dashes,
}


def run_on(first: str, second: str) -> str:
    """Two equations pasted onto one line with nothing between them."""
    return f"{first} {second}"


def mangled_set(seed: int = 7) -> list[tuple[str, str, str]]:
    """(kind, clean, mangled) for every clean formula and every mangler, plus run-ons."""
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    for clean in CLEAN:
        for kind, mangler in MANGLERS.items():
            damaged = mangler(clean, rng)
            if damaged != clean:
                out.append((kind, clean, damaged))
    pairs = [(CLEAN[0], CLEAN[1]), (CLEAN[2], CLEAN[1]), (CLEAN[16], CLEAN[15])]
    for a, b in pairs:
        out.append(("run-on equations", f"{a} \\\\ {b}", run_on(lose_backslashes(a, rng),
                                                                 lose_backslashes(b, rng))))
    return out
