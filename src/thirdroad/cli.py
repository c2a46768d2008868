"""The ``thirdroad`` command line: a thin layer over the library.

Every command calls one library function and prints its result with rich (or JSON
with ``--json`` where a script may want it). Errors the user can fix are printed as
one clear message and exit with status 2, never as a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from thirdroad.explain_cli import explain_command, one_blas_thread

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


# rich is imported by the commands that draw with it (``thirdroad explain`` prints plain text and
# starts faster without it): ``console`` and ``err_console`` are made on first use.
def __getattr__(name: str) -> Any:
    if name not in ("console", "err_console"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    made = globals()[name] = Console(stderr=name == "err_console")
    return made


def _console(name: str = "console") -> Console:
    """``console`` (or ``err_console``), looked up on the module so that a test may replace it."""
    out: Console = getattr(sys.modules[__name__], name)
    return out


def friendly_errors(fn: F) -> F:
    """Turn the library's own errors into a short message and exit code 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ValueError, FileNotFoundError, IsADirectoryError) as err:
            # FormulaError and the engine's EngineError are ValueErrors; the text carries the
            # caret and the hint
            from rich.markup import escape

            _console("err_console").print(f"[bold red]error:[/] {escape(str(err))}")
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="thirdroad")
def main() -> None:
    """thirdroad: the math of deep learning, through concepts."""


@main.command()
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default="companion.html", show_default=True, help="Where the companion page goes.")
@friendly_errors
def demo(path: str | None, output: str) -> None:
    """The main job on the bundled example post (what `make demo` runs): read it, explain every
    formula, flag the near-miss, and write a companion page."""
    from thirdroad.reader import EXAMPLE

    if path is None and not EXAMPLE.is_file():
        raise click.UsageError(f"the bundled example is not here ({EXAMPLE}): this install has no checkout "
                               "of the repository; give a document: thirdroad demo FILE")
    demo_command(path or EXAMPLE, output=output, console=_console())


def demo_command(path: str | Path, output: str = "companion.html", console: Console | None = None) -> None:
    """``make demo``: read the example post, print the summary table, write the companion page."""
    from rich.console import Console

    from thirdroad.reader import read as read_document

    out = console or Console()
    reading = read_document(str(path), progress=out if out.is_terminal else False)
    out.rule(f"[bold]thirdroad read {path}")
    out.print(reading.summary())
    Path(output).write_text(reading.to_html(), encoding="utf-8")
    out.print(f"The companion page is in [bold]{output}[/]: open it in a browser, beside the post.")


# ---------------------------------------------------------------- formulas and documents


@main.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.option("--code", is_flag=True, help="Also print NumPy code for the formula.")
@click.option("--fade", "fade", multiple=True, help="Fade out a symbol (W) and explain what is left (repeatable).")
@click.option("--plot", "plot_path", default=None, help="Save the action lens's picture as PNG.")
@friendly_errors
def explain(text: str, as_json: bool, code: bool, fade: tuple[str, ...], plot_path: str | None) -> None:
    """Explain a formula written in LaTeX, Unicode, ASCII or a mangled copy."""
    one_blas_thread()
    click.echo(explain_command(text, as_json=as_json, code=code, fade=fade, plot=plot_path))


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default=None, help="Write the companion page (HTML) here.")
@click.option("--json", "as_json", is_flag=True, help="Print the reading as JSON.")
@friendly_errors
def read(path: str, output: str | None, as_json: bool) -> None:
    """Read a whole post or paper (Markdown, LaTeX, HTML or plain text) and explain its math."""
    from thirdroad.reader import read_command

    click.echo(read_command(path, output=output, as_json=as_json, console=_console("err_console")))


@main.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(port: int, host: str) -> None:
    """The local web app: type formulas, read documents, play with matrices and optimizers."""
    from thirdroad.web import serve as run

    run(port=port, host=host)


# ---------------------------------------------------------------- nn


@main.group(name="nn")
def nn_group() -> None:
    """The engine: autodiff, layers, optimizers."""


@nn_group.command(name="rules")
def nn_rules() -> None:
    """Print the table of derivative rules: the chain rule, one primitive a row."""
    from rich.markup import escape
    from rich.table import Table

    from thirdroad.nn import rules

    table = Table(title="How each primitive passes its gradient back (g = the gradient arriving from above)")
    table.add_column("primitive", style="bold cyan")
    table.add_column("rule")
    table.add_column("at the awkward points", style="dim")
    for name, math, note in rules.rule_rows():
        # the rules hold brackets ([x > 0]·dx) that rich would read as markup and drop
        table.add_row(escape(name), escape(math), escape(note))
    _console().print(table)
    _console().print(
        "Everything else (softmax, layer norm, attention, the losses) is built from these rows; "
        "the tape applies them backwards, from the loss to every variable."
    )


NAMED_OPTIMIZERS = {
    "sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}),
    "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "rmsprop": ("RMSProp", {}), "adam": ("Adam", {}), "adamw": ("AdamW", {}), "adagrad": ("Adagrad", {}),
    "adadelta": ("Adadelta", {}), "adamax": ("Adamax", {}), "nadam": ("NAdam", {}), "radam": ("RAdam", {}),
    "rprop": ("Rprop", {}), "asgd": ("ASGD", {}), "adafactor": ("Adafactor", {}), "muon": ("Muon", {}),
    "lion": ("Lion", {}),
}  # fmt: skip


@nn_group.command(name="describe")
@click.argument("optimizer", type=click.Choice(list(NAMED_OPTIMIZERS), case_sensitive=False))
def nn_describe(optimizer: str) -> None:
    """Say in words what an optimizer does to a gradient, agent by agent."""
    from rich.markup import escape

    from thirdroad.nn import optim

    maker, options = NAMED_OPTIMIZERS[optimizer.lower()]
    _console().print(escape(getattr(optim, maker)(**options).describe()))


# ---------------------------------------------------------------- concepts


@main.command()
@click.argument("concept_id", required=False)
@click.option("--family", "family_name", default=None, help="List one family only.")
@click.option("--plot", "plot_path", default=None, help="Save a picture of the concept's family graph.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def concepts(concept_id: str | None, family_name: str | None, plot_path: str | None, as_json: bool) -> None:
    """The concept catalog: one concept's card and how it builds on the basics, or the list."""
    import json

    from thirdroad import concepts as catalog

    if concept_id is None:
        if plot_path and not family_name:
            raise ValueError("--plot draws one family's graph: name a concept, or a family with --family")
        if as_json:
            chosen = catalog.family(family_name) if family_name else list(catalog.catalog())
            click.echo(json.dumps([c.to_dict() for c in chosen], indent=2, ensure_ascii=False))
        else:
            _console().print(catalog.list_rich(family_name))
        if plot_path and family_name:
            _plot_family(family_name, None, plot_path)
        return
    try:
        concept = catalog.catalog().find(concept_id)  # "Adam" is adam; a near miss gets suggestions
    except catalog.UnknownConceptError as err:
        raise ValueError(f"{err} (`thirdroad concepts` lists them all)") from None
    if as_json:
        click.echo(json.dumps(concept.to_dict(), indent=2, ensure_ascii=False))
    else:
        _console().print(catalog.card_rich(concept.id))
    if plot_path:
        _plot_family(concept.family, concept.id, plot_path)


def _plot_family(family: str, highlight: str | None, plot_path: str) -> None:
    """Draw the family's graph and say where the file is (a name without a suffix gets .png)."""
    from pathlib import Path

    from thirdroad import concepts as catalog

    target = Path(plot_path)
    target = target if target.suffix else target.with_suffix(".png")
    catalog.plot_family(family, str(target), highlight=highlight)
    _console("err_console").print(f"the graph of the {family} family is in {target.resolve()}", highlight=False)


# ---------------------------------------------------------------- agents


@main.command()
@click.argument("matrix", required=False)
@click.option("--activation", default=None, help="An activation's name, e.g. softmax.")
@click.option("--optimizer", default=None, help="An optimizer's name, e.g. adam.")
@click.option("--on", type=click.Choice(["left", "right"]), default="left", show_default=True)
@click.option("--plot", "plot_path", default=None, help="Save a picture (.png or .svg).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def agent(
    matrix: str | None,
    activation: str | None,
    optimizer: str | None,
    on: str,
    plot_path: str | None,
    as_json: bool,
) -> None:
    """What a matrix, an activation or an optimizer does, in words (and a picture)."""
    from thirdroad.agents.commands import agent_command

    text = agent_command(matrix, activation=activation, optimizer=optimizer, plot=plot_path, on=on, as_json=as_json)
    click.echo(text)


@main.command()
@click.option("--surface", default="rosenbrock", show_default=True)
@click.option("--optimizer", "optimizers", multiple=True, help="Race only these (repeatable).")
@click.option("--steps", default=None, type=click.IntRange(1, 100_000))
@click.option("--plot", "plot_path", default=None, help="Save the race over the contour map.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--formula", "formulas", multiple=True,
              help="A block of update lines (e.g. Ng's three Adam lines) to race as the optimizer it computes.")
@friendly_errors
def race(surface: str, optimizers: tuple[str, ...], steps: int | None, plot_path: str | None, as_json: bool,
         formulas: tuple[str, ...]) -> None:
    """Race the engine's optimizers over a 2-D surface from the same start."""
    from thirdroad.agents.commands import race_command

    click.echo(race_command(surface, plot=plot_path, optimizers=optimizers or None, steps=steps, as_json=as_json,
                            formulas=formulas))


# ---------------------------------------------------------------- train


@main.group()
def train() -> None:
    """Train one of the bundled models, with a progress bar."""


@train.command(name="mlp")
@click.option("--epochs", default=40, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--seed", default=0, show_default=True, type=int)
@friendly_errors
def train_mlp(epochs: int, seed: int) -> None:
    """An MLP on scikit-learn's bundled 8x8 digits."""
    from thirdroad.nn import digits

    digits.main(epochs=epochs, seed=seed, progress=_console().is_terminal)


@train.command(name="attention")
@click.option("--epochs", default=12, show_default=True, type=click.IntRange(1, 1000))
@click.option("--out", "out_dir", default="runs/attention", show_default=True, help="Checkpoint and heatmap folder.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--time-limit", default=540.0, show_default=True, type=float, help="Stop after this many seconds.")
@friendly_errors
def train_attention(epochs: int, out_dir: str, seed: int, time_limit: float) -> None:
    """A GRU seq2seq with Luong attention learns to write dates the ISO way (2026-11-23)."""
    from rich.markup import escape

    from thirdroad.nn.seq2seq import train_attention as run

    result = run(epochs=epochs, out_dir=out_dir, seed=seed, time_limit=time_limit, progress=_console().is_terminal)
    _console().print(f"exact match on held-out dates: {result.accuracy:.2%} after {result.seconds:.0f} s")
    for source, truth, prediction in result.examples[:5]:
        mark = "[green]ok[/]" if truth == prediction else "[red]wrong[/]"
        _console().print(f"  {escape(f'{source!r:32}')} -> {escape(prediction)}  {mark}")
    _console().print(escape(f"checkpoint: {result.checkpoint}\nattention heatmap: {result.heatmap}"))


@train.command(name="rbm")
@click.option("--epochs", default=40, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--hidden", "n_hidden", default=100, show_default=True, type=click.IntRange(1, 4096))
@click.option("--k", default=1, show_default=True, type=click.IntRange(1, 100), help="Gibbs steps per update (CD-k).")
@click.option("--persistent", is_flag=True, help="Persistent contrastive divergence.")
@click.option("--out", "out_dir", default="runs/rbm", show_default=True, help="Where the checkpoint and plots go.")
@click.option("--seed", default=0, show_default=True, type=int)
@friendly_errors
def train_rbm(epochs: int, n_hidden: int, k: int, persistent: bool, out_dir: str, seed: int) -> None:
    """A restricted Boltzmann machine on the binarised digits: filters and samples as pictures."""
    from rich.markup import escape

    from thirdroad.nn.energy import train_rbm as run

    result = run(
        epochs=epochs, out_dir=out_dir, n_hidden=n_hidden, k=k, persistent=persistent, seed=seed,
        progress=_console().is_terminal,
    )  # fmt: skip
    _console().print(
        f"held-out pseudo-log-likelihood per digit: {result.heldout_pl_before:.2f} before training, "
        f"{result.heldout_pl_after:.2f} after (higher is better)"
    )
    for label, path in (
        ("checkpoint", result.checkpoint),
        ("learned filters", result.filters_png),
        ("samples", result.samples_png),
        ("learning curves", result.curves_png),
    ):
        _console().print(escape(f"{label}: {path}"))


if __name__ == "__main__":  # pragma: no cover
    main()
