"""``thirdroad explain "<formula>"``: what it prints, without the command line's machinery.

The click application (:mod:`thirdroad.cli`) and the quick start of ``thirdroad explain``
(:mod:`thirdroad.__main__`, which needs no click) both print :func:`explain_command`."""

from __future__ import annotations

import os
import sys


def one_blas_thread() -> None:
    """A command that computes on a few tiny arrays needs no BLAS worker threads, and starting
    them is a good part of NumPy's import (40-60 ms of CPU on two cores): ask for one, unless
    the user says otherwise or NumPy is loaded already (then it would change nothing)."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def explain_command(text: str, *, as_json: bool = False, code: bool = False, fade: tuple[str, ...] = (),
                    plot: str | None = None) -> str:
    """What ``thirdroad explain "<formula>" [--json] [--code] [--fade W] [--plot out.png]`` prints.
    With ``--json`` a formula that cannot be read is ``{"input", "error"}``; otherwise its
    FormulaError is raised."""
    import json

    from thirdroad.formula import FormulaError
    from thirdroad.formula import explain as explain_formula

    try:
        e = explain_formula(text)
    except FormulaError as exc:
        if as_json:
            return json.dumps({"input": text, "error": str(exc)}, ensure_ascii=False)
        raise
    if fade:
        e = e.fade(*fade)
    saved = ""
    if plot:
        from thirdroad.formula.explanation.pictures import save_png

        picture = e.picture
        if picture is None:
            raise ValueError("this formula's concept has no picture to draw")
        save_png(picture, plot)
        saved = f"picture saved to {plot}"
    if as_json:
        data = e.to_dict(code=code)
        if e.faded:
            data["faded"] = {"what": e.faded, "says": e.fade_says}
        return json.dumps(data, ensure_ascii=False, indent=2)
    out = (e.fade_says[:1].upper() + e.fade_says[1:] + "\n" if e.faded else "") + e.to_text()
    if code:
        out += "\n" + (e.code or "(compile cannot turn this formula into code)") + "\n"
    return out + (f"\n{saved}" if saved else "")
