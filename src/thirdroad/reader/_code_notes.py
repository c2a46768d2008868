"""A training loop a document shows as code (TensorFlow's ``GradientTape``, in Python or in R),
noted with the same loop written with ``thirdroad.nn`` and what the optimizer does with the
gradients it is handed.

A loop is a ``GradientTape`` followed, within :data:`LOOP_REACH` characters, by the tape's
``gradient`` call (``tape.gradient(`` or R's ``tape$gradient(``); the note covers the lines from
the tape to the last of ``gradient`` and ``apply_gradients``.
"""

from __future__ import annotations

import re

from thirdroad.reader._notes import DocumentNote
from thirdroad.reader._spans import Source

#: How far after the tape its gradient call may come, in characters.
LOOP_REACH = 1500
_TAPE = re.compile(r"\bGradientTape\s*\(")
_GRADIENT = re.compile(r"\w+\s*(?:\$|\.)\s*gradient\s*\(")
_APPLY = re.compile(r"(?:\$|\.)\s*apply_gradients\s*\(")

#: The loop with thirdroad.nn: runnable as it stands (a small regression on random data).
NN_LOOP = '''import numpy as np
from thirdroad import nn

rng = np.random.default_rng(0)
x = rng.normal(size=(64, 3)).astype(np.float32)
y = x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)
model = nn.Sequential(nn.Dense(3, 16, activation="relu", seed=0),
                      nn.Dense(16, 1, seed=1))
optimizer = nn.optim.Adam(lr=1e-2)
for step in range(200):
    with nn.GradientTape() as tape:
        preds = model(x)                  # run the model on the batch
        loss = nn.losses.mse(preds, y)    # compute the loss
    # the gradients of the loss with respect to the weights
    gradients = tape.gradient(loss, model.variables)
    # the optimizer turns each gradient into a step
    optimizer.apply_gradients(zip(gradients, model.variables))
print(f"loss after {step + 1} steps: {loss.item():.4f}")
'''


def _does() -> str:
    from thirdroad import nn  # the engine loads only for a document with a training loop

    said = nn.optim.Adam().describe()
    return said.split(": ", 1)[1] if ": " in said else said


def code_notes(document: str, source: Source) -> list[DocumentNote]:
    """One note per training loop the document shows."""
    notes: list[DocumentNote] = []
    pos = 0
    while (tape := _TAPE.search(document, pos)) is not None:
        reach = document[tape.end():tape.end() + LOOP_REACH]
        gradient = _GRADIENT.search(reach)
        if gradient is None:
            pos = tape.end()
            continue
        last = max(m.end() for m in (gradient, _APPLY.search(reach)) if m is not None)
        start = document.rfind("\n", 0, tape.start()) + 1
        end = document.find("\n", tape.end() + last)
        end = len(document) if end < 0 else end
        language = "R" if "$" in document[tape.start() - 4:tape.start()] or "$gradient" in reach else "Python"
        line, column = source.line_col(start)
        message = (f"This is a training loop, written with TensorFlow's GradientTape in {language}: the tape "
                   "records the forward pass, its gradient call gives the gradient of the loss with respect "
                   "to every weight, and the optimizer's apply_gradients turns each gradient into a step. "
                   f"What a step is depends on the optimizer; Adam, for one, will {_does()}")
        notes.append(DocumentNote("code", "", message, start, end, line, column, says="A training loop",
                                  code=NN_LOOP, links=("nn.GradientTape", "thirdroad nn describe adam")))
        pos = end
    return notes
