"""The disk cache changes nothing: every labelled formula explained the same with it and without.

    python benchmarks/cache_identical.py [--limit N]

Explains every formula of ``tests/data/recognition`` and ``tests/data/realtext`` (with its
sentence, where the corpus keeps one) in three fresh processes: with the cache turned off
(``THIRDROAD_CACHE=0``), with an empty cache (the catalog and the template library are built
and written) and with that cache (both read back). Compares the JSON of every explanation
(``Explanation.to_dict()`` and the terminal text), or the error, between the three.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def formulas() -> list[tuple[str, str]]:
    """(text, sentence) of every labelled formula, in file order."""
    found: list[tuple[str, str]] = []
    for path in sorted((DATA / "recognition").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entries in data.values():
            found.extend((e.get("latex") or e["text"], "") for e in entries)
    for path in sorted((DATA / "realtext").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entries in (data.get("formula", []), data.get("slip", [])):
            found.extend((e["text"], e.get("context", "")) for e in entries)
    return found


def child(out: Path, limit: int | None) -> None:
    """Explain every formula; one JSON line each."""
    from thirdroad.formula import FormulaError, explain

    with out.open("w", encoding="utf-8") as fh:
        for text, context in formulas()[:limit]:
            try:
                e = explain(text, context=context)
                line = {"dict": e.to_dict(code=True), "text": e.to_text()}
            except FormulaError as err:
                line = {"error": str(err)}
            except Exception as err:  # a bug outside the cache: kept, compared and counted
                line = {"crash": f"{type(err).__name__}: {err}", "input": text}
            fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def run(mode: str, cache: Path, out: Path, limit: int | None) -> list[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT / "src")}
    env.pop("THIRDROAD_CACHE", None)
    if mode == "off":
        env["THIRDROAD_CACHE"] = "0"
    argv = [sys.executable, __file__, "--child", str(out)] + ([f"--limit={limit}"] if limit else [])
    subprocess.run(argv, env=env, check=True)
    written = sorted(p.name.split("-")[0] for p in (cache / "thirdroad").glob("*.pickle")) \
        if (cache / "thirdroad").exists() else []
    print(f"{mode:>5}: {len(out.read_text(encoding='utf-8').splitlines())} explanations; cache holds {written}")
    return out.read_text(encoding="utf-8").splitlines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.limit)
        return 0
    with tempfile.TemporaryDirectory(prefix="thirdroad-cache-check-") as tmp:
        work = Path(tmp)
        off = run("off", work / "none", work / "off.jsonl", args.limit)
        cold = run("cold", work / "cache", work / "cold.jsonl", args.limit)
        warm = run("warm", work / "cache", work / "warm.jsonl", args.limit)
    texts = formulas()
    differ = [i for i in range(len(off)) if not off[i] == cold[i] == warm[i]]
    for i in differ[:5]:
        print(f"differs: {texts[i][0][:80]!r}")
    crashes = [json.loads(line)["input"] for line in off if '"crash"' in line]
    for text in crashes:
        print(f"crashed (a bug outside the cache; compared like the rest): {text[:80]!r}")
    print(f"{len(off)} formulas, {len(differ)} explained differently with the cache; {len(crashes)} crash")
    return 1 if differ or not len(off) == len(cold) == len(warm) else 0


if __name__ == "__main__":
    sys.exit(main())
