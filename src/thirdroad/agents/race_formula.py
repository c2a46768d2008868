"""A formula in the race: ``thirdroad race --formula "<block>"``.

The block is read (``thirdroad.formula.blocks``), built as the engine's chain of agents
(:mod:`thirdroad.agents.read_optimizer`) and raced beside the named optimizers it is made of,
labelled by its own lines. Where the block gives no learning rate, it borrows the one the race
tunes for the named racer of the same family on that surface (so the two race at the same
speed), and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from thirdroad.agents._errors import AgentInputError
from thirdroad.agents.read_optimizer import hyperparameters, optimizer_from
from thirdroad.agents.surfaces import Surface
from thirdroad.formula.blocks import BlockReading, read_block
from thirdroad.nn import optim

# the racer of each family, and the racers to race a formula against by default
RACER = {"gradient_descent": "sgd", "sgd_momentum": "momentum", "nesterov": "nesterov", "rmsprop": "rmsprop",
         "adam": "adam", "adamw": "adamw", "adagrad": "adagrad", "amsgrad": "adam", "adamax": "adam",
         "nadam": "adam", "radam": "adam"}
RIVALS = {
    "gradient_descent": ["sgd", "momentum"], "sgd_momentum": ["momentum", "sgd", "nesterov"],
    "nesterov": ["nesterov", "momentum"], "rmsprop": ["rmsprop", "adagrad", "sgd"], "adagrad": ["adagrad", "rmsprop"],
    "adam": ["adam", "rmsprop", "momentum"], "adamw": ["adamw", "adam"], "amsgrad": ["adam", "rmsprop"],
    "adamax": ["adam", "rmsprop"], "nadam": ["adam", "nesterov"], "radam": ["adam", "rmsprop"],
}  # fmt: skip


@dataclass(frozen=True)
class FormulaEntrant:
    """A block ready to race: its label (its own lines), the optimizer built from it, what it
    was read as, and where its learning rate came from."""

    label: str
    optimizer: optim.Optimizer
    reading: BlockReading
    note: str

    @property
    def rivals(self) -> list[str]:
        return RIVALS.get(self.reading.concept or "", ["adam", "sgd"])


def formula_entrant(text: str, land: Surface) -> FormulaEntrant:
    """Read ``text`` as a block and build the optimizer it computes, for a race on ``land``."""
    reading = read_block(text)
    if not reading.runnable:
        raise AgentInputError(f"cannot race this block: {reading.summary()}",
                              hint="give the update lines of an optimizer, e.g. 'v = βv + (1-β)dW; W = W - αv'")
    values, note = _rate(reading, land)
    label = _label(reading)
    opt = optimizer_from(reading, label, **values)
    return FormulaEntrant(label, opt, reading, note)


def _label(reading: BlockReading) -> str:
    """The block's own lines; an algorithm box by what it is."""
    if reading.program.box:
        return f"{reading.name}, read from its algorithm box"
    used = [line.text for line in reading.lines if not line.role.startswith("not used")]
    return "; ".join(used)


def _rate(reading: BlockReading, land: Surface) -> tuple[dict[str, float], str]:
    """The learning rate: the block's number, or the one the race tunes for the racer of the
    same family (Ng's average carries a factor 1 - β that PyTorch's buffer does not: α is that
    racer's rate over 1 - β)."""
    settings = hyperparameters(reading)
    lr = next((s for s in settings.values() if s.role == "lr"), None)
    name = reading.name
    if lr is None or lr.source == "block":
        return {}, f"{name}, with the numbers the formula gives"
    racer = RACER.get(reading.concept or "")
    if racer is None or racer not in land.lr:
        return {}, f"{name}, with PyTorch's learning rate {lr.value:g}"
    rate = land.lr[racer]
    momentum = next((s for s in settings.values() if s.role == "momentum"), None)
    if reading.match is not None and reading.match.form == "Ng" and momentum is not None:
        rate = rate / (1.0 - momentum.value)
    shown = reading.hypers[lr.symbol].shown if lr.symbol in reading.hypers else lr.symbol
    return {lr.symbol: rate}, f"{name}; its learning rate {shown} = {rate:g} is the {racer} racer's on this surface"


__all__ = ["RACER", "RIVALS", "FormulaEntrant", "formula_entrant"]
