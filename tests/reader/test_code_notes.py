"""A training loop a document shows as code, noted with the same loop in thirdroad.nn."""

from __future__ import annotations

import contextlib
import io

import numpy as np

import thirdroad as tr
from thirdroad.reader._code_notes import NN_LOOP

R_LOOP = """Here is the loop.

with(tf$GradientTape() %as% tape, {
  preds <- model(x)
  loss <- mse_loss(y, preds, x)
})
gradients <- tape$gradient(loss, model$variables)
optimizer$apply_gradients(purrr::transpose(list(gradients, model$variables)))

That is all there is to it.
"""

PY_LOOP = """The step, in Python:

    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
"""


def test_the_thirdroad_loop_shown_runs_and_learns() -> None:
    out = io.StringIO()
    scope: dict[str, object] = {}
    with contextlib.redirect_stdout(out):
        exec(compile(NN_LOOP, "<the loop a code note shows>", "exec"), scope)  # test-only: run the shown code
    baseline = float(np.mean(np.asarray(scope["y"]) ** 2))  # the loss of predicting 0
    final = float(out.getvalue().rsplit(": ", 1)[1])
    assert final < 0.05 * baseline  # 200 Adam steps fit the linear target


def test_a_loop_in_r_or_python_is_noted_where_it_stands() -> None:
    for text, language, lines in ((R_LOOP, "R", (3, 8)), (PY_LOOP, "Python", (3, 6))):
        reading = tr.read(text, format="text")
        notes = [n for n in reading.notes if n.kind == "code"]
        assert len(notes) == 1, text
        note = notes[0]
        assert f"GradientTape in {language}" in note.message
        assert "Adam, for one, will keep a moving average" in note.message
        assert (note.line, text[:note.end].count("\n") + 1) == lines
        assert note.code == NN_LOOP and note.links == ("nn.GradientTape", "thirdroad nn describe adam")
        assert "optimizer.apply_gradients(zip(gradients, model.variables))" in reading.to_html()


def test_a_tape_named_in_prose_without_its_gradient_call_is_no_loop() -> None:
    text = "TensorFlow records operations with tf.GradientTape() and we say no more about it here.\n"
    assert [n for n in tr.read(text, format="text").notes if n.kind == "code"] == []
