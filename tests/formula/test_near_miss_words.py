"""Near-misses and the words around a formula (issue 11): what the documented object names
decides whose slip it is, and a formula that is no concept's slip stays quiet."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain

# An AdaBelief box in optax's notation whose first bias correction lost its power t.
ADABELIEF_NO_POWER = r"""\begin{align*}
  m_t &\leftarrow \beta_1 \cdot m_{t-1} + (1-\beta_1) \cdot g_t \\
  s_t &\leftarrow \beta_2 \cdot s_{t-1} + (1-\beta_2) \cdot (g_t - m_t)^2 + \bar{\varepsilon} \\
  \hat{m}_t &\leftarrow m_t / {(1-\beta_1)} \\
  \hat{s}_t &\leftarrow s_t / {(1-\beta_2^t)} \\
  u_t &\leftarrow -\alpha_t \cdot \hat{m}_t / \left(\sqrt{\hat{s}_t} + \varepsilon \right)
\end{align*}"""


def test_a_slip_in_a_part_is_said_of_the_whole_the_words_name() -> None:
    # the block reader reads the whole box as AdaBelief (its update u_t, its belief s_t), so the
    # slip is AdaBelief's with or without the words; the part that slipped is still said
    for context in ("", "optax.adabelief"):
        (w,) = explain(ADABELIEF_NO_POWER, context=context).warnings
        assert w.concept == "adabelief" and w.slip == "wrong_normaliser"
        assert "bias correction" in w.message and "β_1^t" in w.message


def test_a_slip_in_a_part_is_said_of_the_part_where_nothing_names_the_whole() -> None:
    # the bias correction alone, in a formula no block reading names
    alone = explain(r"\hat{m}_t = \frac{m_t}{1 - \beta_1}").warnings
    assert [w.concept for w in alone] == ["bias_correction"]


@pytest.mark.parametrize("context", ["optax.softmax_cross_entropy", "torch.nn.CrossEntropyLoss"])
def test_a_loss_its_object_names_without_its_leading_minus_is_flagged(context: str) -> None:
    text = r"\sigma_i = \sum_j y_{i j} \log\left(\frac{\exp(x_{i j})}{\sum_k \exp(x_{i k})}\right)"
    assert explain(text).warnings == []  # a log-likelihood, as far as the formula alone says
    (w,) = explain(text, context=context).warnings
    assert w.concept == "cross_entropy" and w.slip == "flipped_sign" and "minus" in w.message


def test_a_sum_of_logs_is_no_partition_function_that_lost_its_exp() -> None:
    # a binary cross-entropy summed over examples: its logs are not the partition function's
    text = (r"L[\boldsymbol\phi] = \sum_{i=1}^{I}-(1-y_{i})\log\Bigl[1-\mbox{sig}[\mbox{f}[\mathbf{x}_i,"
            r"\boldsymbol\phi]]\Bigr] - y_{i}\log\Bigl[\mbox{sig}[\mbox{f}[\mathbf{x}_i,\boldsymbol\phi]]\Bigr]")
    assert explain(text, context="Loss functions").warnings == []
