"""What ``thirdroad read FILE [-o companion.html] [--json]`` prints: a thin function over
:func:`read` that returns the text to print and writes the companion page when asked. (The
command line itself, ``thirdroad.cli``, does the printing.)"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from thirdroad.reader._reading import read

#: The example post ``make demo`` reads: ``examples/three_ideas.md`` in the checkout this
#: package runs from (src/thirdroad/reader/ -> the repository), wherever the command is run.
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "three_ideas.md"


def read_command(path: str, *, output: str | None = None, as_json: bool = False, fmt: str | None = None,
                 console: Console | None = None) -> str:
    """``thirdroad read FILE``: the summary (or the ``--json`` reading) to print; with ``output``
    the companion page is written there too. A progress bar goes to ``console`` (stderr by
    default) when the document is long and the console is a terminal."""
    reading = read(path, format=fmt, progress=console)
    if output:
        Path(output).write_text(reading.to_html(), encoding="utf-8")
    if as_json:
        return json.dumps(reading.to_dict(), indent=2, ensure_ascii=False)
    text = reading.to_text()
    return f"{text}\nCompanion page: {output}" if output else text
