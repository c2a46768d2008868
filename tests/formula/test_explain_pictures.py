"""The action lens's pictures are drawn from the worked example, and fading out part of a
formula explains what is left."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from thirdroad.cli import main
from thirdroad.formula import NothingToFade, evaluate, explain, parse
from thirdroad.formula.explanation.pictures import Bars, Line, Points, svg, text

SOFTMAX = r"\frac{e^{z_k}}{\sum_m e^{z_m}}"
LUONG = r"\operatorname{score}(h_t, \bar h_s) = h_t^\top W_a \bar h_s"


def test_softmax_bars_are_the_examples_scores_and_weights() -> None:
    e = explain(SOFTMAX)
    fig = e.picture
    assert fig is not None and fig.kind == "bars"
    scores, weights = (p.marks[0] for p in fig.panels)
    assert isinstance(scores, Bars) and isinstance(weights, Bars)
    assert e.example is not None
    np.testing.assert_allclose(scores.values, e.example.inputs["z"])
    np.testing.assert_allclose(weights.values, evaluate(parse(SOFTMAX), z=np.array(scores.values)))
    assert "<svg" in svg(fig) and 'role="img"' in svg(fig) and "aria-label" in svg(fig)
    assert "▃█▂" in text(fig)


def test_an_activations_curve_passes_through_the_examples_points() -> None:
    fig = explain(r"\sigma(x) = \frac{1}{1+e^{-x}}").picture
    assert fig is not None and fig.kind == "curve"
    curve = next(m for m in fig.panels[0].marks if isinstance(m, Line))
    points = next(m for m in fig.panels[0].marks if isinstance(m, Points))
    np.testing.assert_allclose(curve.ys, 1 / (1 + np.exp(-np.array(curve.xs))), rtol=1e-9)
    np.testing.assert_allclose(points.ys, 1 / (1 + np.exp(-np.array(points.xs))), rtol=1e-9)


def test_a_moving_average_follows_its_series_with_the_examples_decay() -> None:
    e = explain(r"v = \beta v + (1-\beta) dW")
    fig = e.picture
    assert fig is not None and fig.kind == "average"
    series = next(m for m in fig.panels[0].marks if isinstance(m, Points))
    average = next(m for m in fig.panels[0].marks if isinstance(m, Line))
    beta, v, expected = 0.9, 0.0, []
    for g in series.ys:
        v = beta * v + (1 - beta) * g
        expected.append(v)
    np.testing.assert_allclose(average.ys, expected, rtol=1e-9)


@pytest.mark.parametrize("text_", [
    r"\theta \leftarrow \theta - \eta \nabla_\theta L(\theta)",
    r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
    r"\hat m_t = \frac{m_t}{1-\beta_1^t} \\ \hat v_t = \frac{v_t}{1-\beta_2^t} \\ "
    r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
])
def test_an_optimizer_walks_down_the_bowl(text_: str) -> None:
    fig = explain(text_).picture
    assert fig is not None and fig.kind == "path"
    path = next(m for m in fig.panels[0].marks if isinstance(m, Line) and not m.faint)
    start = 0.5 * (path.xs[0] ** 2 + 5 * path.ys[0] ** 2)
    end = 0.5 * (path.xs[-1] ** 2 + 5 * path.ys[-1] ** 2)
    assert end < start / 100


def test_a_rotation_turns_the_grid() -> None:
    fig = explain(r"R = \begin{pmatrix} \cos\theta & -\sin\theta \\ \sin\theta & \cos\theta \end{pmatrix}").picture
    assert fig is not None and fig.kind == "grid" and "areas are multiplied by 1.00" in fig.caption


def test_no_picture_where_the_concept_has_none() -> None:
    assert explain(r"y = W x + b").picture is None
    assert explain(r"\eta").picture is None


def test_a_lone_name_has_no_worked_example_and_totals_are_said_only_when_they_mean_something() -> None:
    assert explain(r"s_t").lenses["action"] == ""
    assert "add up to" not in explain(r"y = W x + b").lenses["action"]
    assert "(these add up to 1)" in explain(SOFTMAX).lenses["action"]


def test_fading_out_the_weight_matrix_leaves_a_dot_product() -> None:
    left = explain(LUONG).fade("W")
    assert left.faded == "W_a" and "dot_product" in left.concepts
    assert left.fade_says.startswith("fade out W_a: score(h_t, h̄_s) = h_tᵀ h̄_s,") and "dot product" in left.fade_says
    assert left.lenses["names"].startswith("With W_a faded out, what is left is score(h_t, h̄_s) = h_tᵀ h̄_s.")
    # by place in the tree: the same W_a
    assert explain(LUONG).fade("0.1.1").formula == left.formula
    assert explain(r"y = W x + b").fade("b").concepts >= {"matrix_vector_product"}
    with pytest.raises(NothingToFade):
        explain(LUONG).fade("Q")


def test_moving_an_input_recomputes_the_example() -> None:
    e = explain(SOFTMAX).with_values({"z": [0.0, 0.0, 3.0]})
    assert e.example is not None
    np.testing.assert_allclose(e.example.result, evaluate(parse(SOFTMAX), z=np.array([0.0, 0.0, 3.0])))
    assert "z = [0, 0, 3]" in e.lenses["action"]
    with pytest.raises(KeyError):
        explain(SOFTMAX).with_values({"q": 1.0})
    with pytest.raises(ValueError, match="shape"):
        explain(SOFTMAX).with_values({"z": [1.0]})


def test_the_command_line_fades_and_plots(tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["explain", LUONG, "--fade", "W"]).output
    assert out.startswith("Fade out W_a: score(h_t, h̄_s) = h_tᵀ h̄_s") and "dot product" in out
    png = tmp_path / "softmax.png"
    result = runner.invoke(main, ["explain", SOFTMAX, "--plot", str(png)])
    assert result.exit_code == 0 and png.read_bytes()[:4] == b"\x89PNG"
    assert re.search(r"the weights: \S+", result.output)


def test_steps_that_run_away_draw_no_path_and_raise_no_overflow() -> None:
    """A step a million times too large leaves the bowl at once: no path is drawn, and no overflow
    warning escapes from the loss computed along it (it did, on a companion page)."""
    fig = explain(r"\theta = \theta - 1000000 \nabla_\theta J(\theta)").picture
    assert fig is None or fig.kind != "path"
