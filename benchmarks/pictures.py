"""The web app's pictures now and at a baseline commit, timed side by side in one process.

    .venv/bin/python benchmarks/pictures.py [--baseline REF] [--blocks 7] [--calls 3] [--kind race]
    .venv/bin/python benchmarks/pictures.py [--baseline REF] --mix 2000

What a drawing worker of the web app does for ``/api/agent`` (``thirdroad.web._api``: the agent,
its words and its picture as a PNG data URI), for each kind of picture the page asks for: a 2x2,
3x3 and 4x4 matrix never drawn before (each call a new one), the page's permutation preset, an
activation drawn as a curve (ReLU, GELU), softmax (a curve computed by moving one score), GLU,
and races on three surfaces. The baseline's ``src/`` is taken out with ``git archive`` and
imported in the same process as this tree's (each side's ``thirdroad`` modules kept apart, as in
``parse_baseline.py``). For each kind, the two sides take turns in blocks of ``--calls`` calls
(each going first half of the time), after a warm-up that fills what a long-lived worker keeps
(fonts, imports, what a side computes once per process, the figure kept for each kind of picture
when the side keeps them: ``agents.figures_reused``). Times are CPU times of this process
(``time.process_time``: the machine is shared, waiting for a core is not counted). Printed: each
side's median ms a picture and the median over blocks of the ratio now/baseline (below 1: now is
cheaper).

``--mix N``: the pictures that the mixed load run of ``N`` requests asks for
(``tests/web/test_web_load.py``, ``mixed_call``), in its order, after its 16 warm-up requests: each
side draws what its answer cache (``web._workers.Remembered``, as a worker pool keeps it) does not
hold, the two sides taking turns picture by picture. Printed: each side's CPU seconds for the
drawing the run needs, by kind of request, as one worker would do it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_baseline import ROOT, source_tree


def _ours(name: str) -> bool:
    return name == "thirdroad" or name.startswith("thirdroad.")


class Side:
    """One side's ``thirdroad``: its source folder and the modules it has imported so far, kept
    out of ``sys.modules`` except during its turn (so its lazy imports find its own code)."""

    def __init__(self, src: Path) -> None:
        self.src = src
        self.modules: dict[str, ModuleType] = {}
        with self:
            importlib.import_module("thirdroad.web._api")

    def __enter__(self) -> ModuleType:
        for name in [n for n in sys.modules if _ours(n)]:
            del sys.modules[name]
        sys.modules.update(self.modules)
        sys.path.insert(0, str(self.src))
        return self.modules.get("thirdroad.web._api") or importlib.import_module("thirdroad.web._api")

    def __exit__(self, *exc: object) -> None:
        sys.path.remove(str(self.src))
        self.modules = {n: m for n, m in sys.modules.items() if _ours(n)}
        for name in self.modules:
            del sys.modules[name]


def new_matrix(size: int, k: int) -> list[list[float]]:
    """A size x size matrix that no other k gives: symmetric, diagonal 1 + k/1000."""
    a = 1 + k / 1000
    return [[a if i == j else 0.3 / (1 + i + j) - 0.5 for j in range(size)] for i in range(size)]


def kinds() -> dict[str, Callable[[Any, int], Any]]:
    """Each kind of picture: a call of the web API given a side's module and a call number."""
    return {
        "matrix 2x2, new": lambda api, k: api.matrix_agent(new_matrix(2, k), True),
        "matrix 3x3, new": lambda api, k: api.matrix_agent(new_matrix(3, k), True),
        "matrix 4x4, new": lambda api, k: api.matrix_agent(new_matrix(4, k), True),
        "matrix, permutation": lambda api, k: api.matrix_agent([[0, 0, 1], [1, 0, 0], [0, 1, 0]], True),
        "activation relu": lambda api, k: api.activation_agent("relu", True),
        "activation gelu": lambda api, k: api.activation_agent("gelu", True),
        "activation softmax": lambda api, k: api.activation_agent("softmax", True),
        "activation glu": lambda api, k: api.activation_agent("glu", True),
        "race rosenbrock": lambda api, k: api.optimizer_race("rosenbrock", ["sgd", "momentum", "adam"], None, True),
        "race beale": lambda api, k: api.optimizer_race("beale", ["sgd", "nesterov", "adagrad", "adamw"], None, True),
        "race saddle": lambda api, k: api.optimizer_race("saddle", ["rmsprop", "adam"], None, True),
    }


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--baseline", default="main", help="the commit to compare with")
    args.add_argument("--blocks", type=int, default=7, help="blocks a side, for each kind")
    args.add_argument("--calls", type=int, default=3, help="pictures a block")
    args.add_argument("--kind", default="", help="only the kinds whose name holds this")
    args.add_argument("--mix", type=int, default=0, help="the pictures of the mixed load run of this many requests")
    opts = args.parse_args()
    with source_tree(opts.baseline) as old_src:
        sides = {"baseline": Side(old_src), "now": Side(ROOT / "src")}
        return mix(sides, opts) if opts.mix else compare(sides, opts)


def mix_calls(count: int) -> list[tuple[int, str, str, Callable[[Any], Any]]]:
    """The picture requests among the mixed load run's first ``16 + count`` (16 to warm up):
    (request number, kind, the body as a key, the web API's call)."""
    sys.path.insert(0, str(ROOT))
    from tests.web.test_web_load import mixed_call

    out: list[tuple[int, str, str, Callable[[Any], Any]]] = []
    for k in range(16 + count):
        call = mixed_call(k)
        body = call.body or {}
        if call.path != "/api/agent":
            continue
        out.append((k, call.kind, json.dumps(body, sort_keys=True), api_call(body)))
    return out


def api_call(body: dict[str, Any]) -> Callable[[Any], Any]:
    """What a drawing worker runs for a request's body, given a side's ``web._api``."""
    if "matrix" in body:
        return lambda api: api.matrix_agent(body["matrix"], True)
    if "activation" in body:
        return lambda api: api.activation_agent(body["activation"], True)
    race = body["race"]
    return lambda api: api.optimizer_race(race["surface"], race["optimizers"], race.get("steps"), True)


def mix(sides: dict[str, Side], opts: argparse.Namespace) -> int:
    with sides["now"]:
        from thirdroad.web._workers import PROTECTED, REMEMBERED, Remembered
    kept = {label: Remembered(REMEMBERED, PROTECTED) for label in sides}
    took: dict[str, dict[str, float]] = {label: {} for label in sides}
    drawn: dict[str, int] = {}
    for turn, (k, kind, key, call) in enumerate(mix_calls(opts.mix)):
        for label in (["baseline", "now"] if turn % 2 == 0 else ["now", "baseline"]):
            if key in kept[label]:
                kept[label].get(key)
                continue
            with sides[label] as api:
                start = time.process_time()
                kept[label].put(key, call(api))
                spent = time.process_time() - start
            if k >= 16:  # not the warm-up
                took[label][kind] = took[label].get(kind, 0.0) + spent
                drawn[kind] = drawn.get(kind, 0) + (label == "now")
    print(f"CPU s to draw the pictures of the mixed load run of {opts.mix} requests (after its 16 warm-up "
          f"requests), as one worker draws them; baseline {opts.baseline}")
    print(f"{'kind':24} {'drawn':>6} {'baseline s':>11} {'now s':>7} {'now/baseline':>13}")
    for kind in sorted(drawn):
        old, new = took["baseline"][kind], took["now"][kind]
        print(f"{kind:24} {drawn[kind]:6} {old:11.1f} {new:7.1f} {new / old:13.2f}")
    old, new = sum(took["baseline"].values()), sum(took["now"].values())
    print(f"{'all':24} {sum(drawn.values()):6} {old:11.1f} {new:7.1f} {new / old:13.2f}")
    return 0


def compare(sides: dict[str, Side], opts: argparse.Namespace) -> int:
    counter = 0

    def turn(label: str, call: Callable[[Any, int], Any], count: int) -> float:
        nonlocal counter
        with sides[label] as api:
            start = time.process_time()
            for _ in range(count):
                counter += 1
                data = call(api, counter)
                assert str(data["picture"]).startswith("data:image/png;base64,")
            return (time.process_time() - start) / count

    print(f"CPU ms a picture (agent, words and PNG, as a drawing worker makes it); blocks of {opts.calls}, "
          f"{opts.blocks} blocks a side, alternating; baseline {opts.baseline}")
    print(f"{'kind':22} {'baseline ms':>12} {'now ms':>8} {'now/baseline':>13}")
    for kind, call in kinds().items():
        if opts.kind not in kind:
            continue
        for label in sides:  # warm up: imports, fonts, what each side computes once per process
            turn(label, call, 2)
        took: dict[str, list[float]] = {label: [] for label in sides}
        ratios = []
        for b in range(opts.blocks):
            order = ["baseline", "now"] if b % 2 == 0 else ["now", "baseline"]
            block = {label: turn(label, call, opts.calls) for label in order}
            for label in sides:
                took[label].append(block[label])
            ratios.append(block["now"] / block["baseline"])
        old, new = statistics.median(took["baseline"]) * 1e3, statistics.median(took["now"]) * 1e3
        print(f"{kind:22} {old:12.0f} {new:8.0f} "
              f"{statistics.median(ratios):13.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
