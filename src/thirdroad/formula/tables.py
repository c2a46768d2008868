"""The vocabulary of the reader: Greek letters, functions, operators, Unicode look-alikes.

Data, not logic: the tokenizer, the parser, the renderers and the repairer all read these.
"""

from __future__ import annotations

DELTA = "Δ"  # ΔW, the change in W, is one name: "Δ" + "W" (rule delta-change)


def words(text: str) -> list[str]:
    return text.split()

GREEK = words(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu digamma "
    "xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
GREEK_SET = frozenset(GREEK)

UNICODE_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "ϱ": "varrho", "σ": "sigma", "ς": "varsigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon",
    "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "ℓ": "ell",
}

# Words typed for Greek letters in ASCII (and lost-backslash copies).
WORD_ALIASES = {"eps": "epsilon", "lr": "eta", "lamda": "lambda", "lam": "lambda"}
WORD_ALIASES_ASCII = {"eps": "epsilon", "lamda": "lambda"}

# Functions written as LaTeX operators (\exp) and recognised as bare words (exp).
LATEX_FUNCTIONS = frozenset(
    words("exp log ln lg sin cos tan sec csc cot sinh cosh tanh coth arcsin arccos arctan "
    "det dim ker deg gcd Pr tr")
)
WORD_FUNCTIONS = frozenset(
    words("exp log ln sin cos tan sinh cosh tanh sqrt abs sign sgn softmax softmin softplus softsign "
    "sigmoid relu ReLU ReLU6 relu6 gelu GELU elu ELU selu SELU celu CELU silu SiLU mish Mish "
    "swish Swish erf Phi tr trace diag det rank norm mean var Var std Std Cov cov E "
    "score attn Attention attention MultiHead head concat Concat LayerNorm BatchNorm "
    "GroupNorm InstanceNorm RMSNorm Dropout dropout clip clamp round floor ceil "
    "LeakyReLU PReLU Hardtanh HardTanh Hardsigmoid Hardswish GLU logsumexp LogSumExp "
    "KL CE MSE BCE NLL Linear linear align FFN MLP RNN GRU LSTM Softmax Sigmoid Tanh Pr "
    "argmax argmin max min square maximum minimum")
)
# Names that stay one word when written bare (besides the functions).
WORD_NAMES = frozenset(
    words("loss Loss grad lr eps score weight bias input output "
    "query key value hidden cell gate logits target pred prob mask scale step decay "
    "momentum velocity batch head heads model src tgt enc dec ctx attn avg const "
    "true false else stride padding dilation groups kernel margin threshold lrate pos "
    "gain std fan state sum_sq")
)

# Single letters usually naming a function in deep-learning texts: f(x) is f applied to x.
FUNCTION_LETTERS = frozenset(words("f g p q P Q L J E F Z sigma phi varphi psi ell"))

BIG_OPERATORS = {
    "sum": "sum", "prod": "prod", "max": "max", "min": "min", "sup": "sup", "inf": "inf",
    "lim": "lim", "int": "int", "bigcup": "union", "bigcap": "intersection",
    "argmax": "argmax", "argmin": "argmin", "limsup": "limsup", "liminf": "liminf",
    "coprod": "coprod", "oint": "oint",
}

FONTS = {
    "mathbf": "bf", "boldsymbol": "bf", "bm": "bf", "pmb": "bf", "mathbfit": "bf",
    "mathcal": "cal", "mathscr": "cal", "mathbb": "bb", "mathrm": "rm", "mathsf": "sf",
    "mathtt": "tt", "mathfrak": "frak", "mathit": "it", "textbf": "bf", "textit": "it",
    "bf": "bf", "rm": "rm", "cal": "cal", "mathds": "bb", "mathbbm": "bb",  # 𝟙 of dsfont, bbm
}
ACCENTS = {
    "hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
    "widetilde": "tilde", "dot": "dot", "ddot": "ddot", "vec": "vec", "check": "check",
    "breve": "breve", "acute": "acute", "grave": "grave", "mathring": "ring",
    "overrightarrow": "vec", "underline": "underline",
}
TEXT_COMMANDS = frozenset(words("text textrm textnormal mbox operatorname mathrm textsf texttt"))

PRODUCT_OPS = {
    "cdot": "cdot", "times": "times", "odot": "odot", "otimes": "otimes", "circ": "circ",
    "ast": "", "star": "star", "bullet": "cdot", "oplus": "oplus", "div": "div",
    "cap": "cap", "cup": "cup", "setminus": "setminus", "wedge": "wedge", "vee": "vee",
    "bmod": "mod", "land": "wedge", "lor": "vee",
}
SUM_OPS = {"pm": "pm", "mp": "mp"}

RELATIONS = {
    "=": "eq", "approx": "approx", "propto": "propto", "sim": "sim", "in": "in",
    "notin": "notin", "le": "le", "leq": "le", "leqslant": "le", "ge": "ge", "geq": "ge",
    "geqslant": "ge", "<": "lt", ">": "gt", "lt": "lt", "gt": "gt", "ne": "ne", "neq": "ne",
    "equiv": "equiv", "sim_": "sim", "simeq": "simeq", "cong": "cong", "to": "to",
    "rightarrow": "to", "mapsto": "mapsto", "subset": "subset", "subseteq": "subseteq",
    "ll": "ll", "gg": "gg", "triangleq": "def", "coloneqq": "assign", "doteq": "def",
    "Rightarrow": "implies", "implies": "implies", "iff": "iff", "Leftrightarrow": "iff",
    "perp": "perp", "parallel": "parallel", "models": "models", "vdash": "vdash", "ni": "ni",
    "succ": "succ", "prec": "prec", "succeq": "succeq", "preceq": "preceq", "supset": "supset",
    "supseteq": "supseteq", "longrightarrow": "to", "Longrightarrow": "implies",
    "Longleftrightarrow": "iff", "longmapsto": "mapsto",
}
ASSIGN_RELATIONS = {"leftarrow": "leftarrow", "gets": "leftarrow", "longleftarrow": "leftarrow"}

RELATION_LATEX = {
    "eq": "=", "approx": "\\approx", "propto": "\\propto", "sim": "\\sim", "in": "\\in",
    "notin": "\\notin", "le": "\\le", "ge": "\\ge", "lt": "<", "gt": ">", "ne": "\\ne",
    "equiv": "\\equiv", "simeq": "\\simeq", "cong": "\\cong", "to": "\\to",
    "mapsto": "\\mapsto", "subset": "\\subset", "subseteq": "\\subseteq", "ll": "\\ll",
    "gg": "\\gg", "def": "\\triangleq", "implies": "\\Rightarrow", "iff": "\\iff",
    "perp": "\\perp", "parallel": "\\parallel", "models": "\\models", "vdash": "\\vdash",
    "assign": ":=", "leftarrow": "\\leftarrow", "ni": "\\ni", "succ": "\\succ", "prec": "\\prec",
    "succeq": "\\succeq", "preceq": "\\preceq", "supset": "\\supset", "supseteq": "\\supseteq",
}
# relations that state a condition on their sides, true or false, rather than give a value
CONDITION_RELATIONS = frozenset({"le", "lt", "ge", "gt", "ne", "ll", "gg"})

RELATION_WORDS = {
    "eq": "equals", "approx": "is about", "propto": "is proportional to",
    "sim": "is drawn from", "in": "is in", "notin": "is not in", "le": "is at most",
    "ge": "is at least", "lt": "is less than", "gt": "is greater than", "ne": "is not",
    "equiv": "is identical to", "simeq": "is about", "cong": "is congruent to", "to": "goes to",
    "mapsto": "maps to", "subset": "is inside", "subseteq": "is inside", "ll": "is much less than",
    "gg": "is much greater than", "def": "is defined as", "implies": "implies",
    "iff": "exactly when", "perp": "is perpendicular to", "parallel": "is parallel to",
    "models": "satisfies", "vdash": "proves", "assign": "is set to", "leftarrow": "gets",
    "ni": "contains", "succ": "is preferred to", "prec": "is ranked below", "succeq": "is at least as good as",
    "preceq": "is at most as good as", "supset": "contains", "supseteq": "contains",
}

SYMBOL_COMMANDS = {
    "infty": "infty", "partial": "partial", "ell": "ell", "emptyset": "emptyset",
    "varnothing": "emptyset", "hbar": "hbar", "imath": "i", "jmath": "j",
    "uparrow": "uparrow", "downarrow": "downarrow",
    "dots": "dots", "ldots": "dots", "cdots": "dots", "vdots": "dots", "ddots": "dots",
    "dotsc": "dots", "dotsb": "dots", "dotsm": "dots", "dotsi": "dots", "dotso": "dots",  # amsmath's
    "forall": "forall", "exists": "exists", "cdotp": "cdot",
}

SPACING = frozenset(
    words(", ; : ! > space quad qquad enspace thinspace medspace thickspace negthinspace "
    "nobreak allowbreak displaystyle textstyle scriptstyle limits nolimits "
    "nonumber notag label hfill vphantom phantom hphantom strut mathstrut")
)
SIZES = frozenset(
    words("left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr middle")
)
ENVIRONMENTS = frozenset(
    words("pmatrix bmatrix Bmatrix vmatrix Vmatrix matrix smallmatrix array cases dcases aligned "
    "align align* alignat alignedat equation equation* gather gather* gathered split "
    "eqnarray eqnarray* multline multline* subequations algorithmic")
)
MATRIX_ENVS = frozenset(
    words("pmatrix bmatrix Bmatrix vmatrix Vmatrix matrix smallmatrix array")
)

# Every command the reader knows, for "did you mean" hints.
KNOWN_COMMANDS = frozenset(
    set(GREEK)
    | set(LATEX_FUNCTIONS)
    | set(BIG_OPERATORS)
    | set(FONTS)
    | set(ACCENTS)
    | set(TEXT_COMMANDS)
    | set(PRODUCT_OPS)
    | set(SUM_OPS)
    | {k for k in RELATIONS if k.isalpha()}
    | set(ASSIGN_RELATIONS)
    | set(SYMBOL_COMMANDS)
    | {s for s in SPACING if s.isalpha()}
    | set(SIZES)
    | {
        "frac", "dfrac", "tfrac", "cfrac", "sqrt", "nabla", "begin", "end", "arg",
        "operatorname", "lVert", "rVert", "lvert", "rvert", "Vert", "vert", "mid",
        "langle", "rangle", "lfloor", "rfloor", "lceil", "rceil", "lbrace", "rbrace",
        "lbrack", "rbrack", "neg", "lnot", "land", "lor", "wedge", "vee", "setminus",
        "cup", "cap", "backslash", "mathbb", "textbf", "underbrace", "overbrace",
        "binom", "choose", "over", "boxed", "color", "textcolor", "operatornamewithlimits",
        "mathop", "sum", "hline", "intercal", "T", "tag",
        "quad", "qquad", "dagger", "star", "bmod", "pmod", "mod", "cdots", "textstyle", "displaystyle", "Pr", "E",
    }
)

# Unicode characters that stand for a LaTeX command.
UNICODE_COMMANDS = {
    "∑": "sum", "∏": "prod", "∫": "int", "√": "sqrt", "∂": "partial", "∇": "nabla",
    "←": "leftarrow", "⟵": "leftarrow", "→": "to", "⟶": "to", "↦": "mapsto",
    "≈": "approx", "∝": "propto", "∼": "sim", "∈": "in", "∉": "notin", "≤": "le", "≥": "ge",
    "≠": "ne", "≡": "equiv", "≔": "coloneqq", "≜": "triangleq", "⊙": "odot", "⊗": "otimes",
    "∘": "circ", "·": "cdot", "⋅": "cdot", "×": "times", "÷": "div", "∞": "infty",
    "±": "pm", "∓": "mp", "⊤": "top", "ᵀ": "top", "…": "dots", "⋯": "dots", "∀": "forall",
    "∃": "exists", "⊕": "oplus", "≪": "ll", "≫": "gg", "⊂": "subset", "⊆": "subseteq",
    "⟨": "langle", "⟩": "rangle", "⌊": "lfloor", "⌋": "rfloor", "⌈": "lceil", "⌉": "rceil",
    "∅": "emptyset", "∗": "ast", "⇒": "Rightarrow", "⟹": "Rightarrow", "⇔": "iff",
    "≻": "succ", "≺": "prec", "⪰": "succeq", "⪯": "preceq", "⊃": "supset", "⊇": "supseteq",
    "↑": "uparrow", "↓": "downarrow",
    "∪": "cup", "∩": "cap", "∧": "wedge", "∨": "vee", "¬": "neg", "ℏ": "hbar",
}
DASHES = frozenset("−–—‒﹣－")  # U+2212, en dash, em dash, figure dash, small/full-width minus

SUPERSCRIPTS = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
    "⁹": "9", "⁺": "+", "⁻": "-", "⁼": "=", "⁽": "(", "⁾": ")", "ⁿ": "n", "ⁱ": "i",
    "ᵀ": "T", "ᵗ": "t", "ᵏ": "k", "ʲ": "j", "ˣ": "x", "ᵈ": "d", "ᵐ": "m", "ˡ": "l",
}
SUBSCRIPTS = {
    "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8",
    "₉": "9", "₊": "+", "₋": "-", "₌": "=", "₍": "(", "₎": ")", "ₐ": "a", "ₑ": "e", "ₒ": "o",
    "ₓ": "x", "ₕ": "h", "ₖ": "k", "ₗ": "l", "ₘ": "m", "ₙ": "n", "ₚ": "p", "ₛ": "s", "ₜ": "t",
    "ᵢ": "i", "ⱼ": "j", "ᵣ": "r", "ᵤ": "u", "ᵥ": "v", "ᵦ": "beta", "ᵧ": "gamma",
    "ᵨ": "rho", "ᵩ": "phi", "ᵪ": "chi",
}

DELIMITER_COMMANDS = {
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖", "lvert": "|", "rvert": "|",
    "vert": "|", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
    "rceil": "⌉", "lbrace": "{", "rbrace": "}", "{": "{", "}": "}", "lbrack": "[",
    "rbrack": "]",
}

# Words that, alone in \text{...}, are pseudo-code rather than a name.
CONTROL_WORDS = frozenset(
    words("for do if then else end while until repeat return otherwise where to and or")
)

# Words that start or end a pseudo-code line in optimizer algorithm boxes.
PSEUDO_WORDS = frozenset(
    words("for do if then else end while until repeat return require input output to each "
    "where with and or not otherwise initialize init compute update let given until "
    "endfor endwhile endif while converged not")
)
