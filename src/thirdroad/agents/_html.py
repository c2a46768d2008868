"""How an agent or a race shows itself in a notebook: its words, then its picture (a PNG inline,
so the notebook needs nothing else to show it)."""

from __future__ import annotations

import base64
import io
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def picture_html(fig: Figure, alt: str) -> str:
    """A figure as an ``<img>`` with a PNG data URI and ``alt`` as its text alternative."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}" style="max-width:100%">'


def agent_html(words: str, fig: Figure, alt: str) -> str:
    """The words as paragraphs (one per blank-line-separated block), then the picture."""
    paragraphs = "".join(f"<p>{escape(block).replace(chr(10), '<br>')}</p>" for block in words.split("\n\n") if block)
    return f'<div class="thirdroad-agent">{paragraphs}{picture_html(fig, alt)}</div>'
