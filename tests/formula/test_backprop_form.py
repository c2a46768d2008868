"""Backpropagation's own form (formula/backprop_form.py): the derivative of a loss sent back
through one layer is backpropagation; a chain of derivatives alone stays the chain rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from thirdroad import explain


@pytest.mark.parametrize("text", [
    # through the weights, either side of the upstream derivative
    r"\frac{\partial L}{\partial \mathbf{x}} = \mathbf{W}^\top \frac{\partial L}{\partial \mathbf{y}}",
    r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial y} \, x^T",
    # one layer down, with its function's Jacobian
    r"\frac{\partial \ell}{\partial h_{l}} = \frac{\partial \ell}{\partial h_{l+1}}"
    r" \frac{\partial g_l(h_l)}{\partial h_l}",
    # a quantity that feeds two branches
    r"\frac{dJ}{du} = \frac{dJ}{dv_1} + \frac{dJ}{dv_2}",
    # a gate lets the derivative through
    r"\frac{\partial L}{\partial z} = \begin{cases} \frac{\partial L}{\partial a} & z > 0 \\"
    r" 0 & \text{else} \end{cases}",
    # the residual times the activation's slope, in primes
    r"J'(Z_2) = (a_2 - t) \cdot G'(Z_2) \cdot A_1",
    # the error recursion
    r"\delta_1 = \delta_2 \cdot V \cdot g'(s_1)",
    r"\begin{aligned} \frac{\partial L}{\partial b} &= \frac{\partial L}{\partial z} \\"
    r" \frac{\partial L}{\partial W} &= \frac{\partial L}{\partial z} \mathbf{h}^\top \end{aligned}",
])
def test_a_loss_derivative_sent_back_through_a_layer_is_backpropagation(text: str) -> None:
    assert "backpropagation" in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\frac{\partial y}{\partial x}",  # the chain alone
    r"\frac{df}{dx} = \frac{df}{dg} \cdot w",  # f: no loss's name
    r"f'(x) = g'(h(x)) \cdot h'(x)",
    r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial h_T}"
    r" \left(\prod_{t=2}^{T} \frac{\partial h_t}{\partial h_{t-1}}\right)"
    r" \frac{\partial h_1}{\partial W}",  # through time: a concept of its own
    r"\frac{\partial E}{\partial W} = \frac{\partial E}{\partial W} + \lambda W",  # the same derivative
    r"h_t = h_{t-1} \cdot W",  # a recursion without a slope
])
def test_no_backpropagation_without_a_layer_in_the_step(text: str) -> None:
    assert "backpropagation" not in explain(text).concepts


def test_the_forms_hold_on_a_layer_as_torch_computes_it() -> None:
    # the oracle: dL/dx = W^T dL/dy and dL/dW = dL/dy x^T for y = W x, as autograd gives them
    rng = np.random.default_rng(0)
    w = torch.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    x = torch.tensor(rng.normal(size=4), requires_grad=True)
    y = w @ x
    upstream = torch.tensor(rng.normal(size=3))
    y.backward(upstream)
    assert x.grad is not None and w.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), w.detach().numpy().T @ upstream.numpy())
    np.testing.assert_allclose(w.grad.numpy(), np.outer(upstream.numpy(), x.detach().numpy()))


@pytest.mark.parametrize("text", [
    r"\boldsymbol\theta_{t+1} \longleftarrow \boldsymbol\theta_t - \eta \sum_{n \in \mathcal{M}_t}"
    r" \frac{\partial \ell_n[\boldsymbol\theta_t]}{\partial \boldsymbol\theta}",
    r"\theta_{t+1} = \theta_t - \eta \sum_{i \in B} \nabla_\theta \ell_i(\theta_t)",
])
def test_a_step_by_a_batch_of_gradients_is_gradient_descent(text: str) -> None:
    # the sum over a minibatch of each example's derivative is the derivative of the summed loss
    assert "gradient_descent" in explain(text).concepts


def test_a_sum_of_derivatives_that_updates_nothing_is_no_descent() -> None:
    assert "gradient_descent" not in explain(r"y = x - a \sum_i \frac{\partial f}{\partial x_i}").concepts


def test_the_batch_gradient_is_the_gradient_of_the_summed_loss() -> None:
    # the oracle behind batch_gradient: autograd of the summed loss equals the sum of per-example grads
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=5)
    w = torch.tensor(rng.normal(size=3), requires_grad=True)
    per_example = []
    for i in range(5):
        loss_i = (torch.tensor(x[i]) @ w - y[i]) ** 2
        (g,) = torch.autograd.grad(loss_i, w)
        per_example.append(g.numpy())
    total = ((torch.tensor(x) @ w - torch.tensor(y)) ** 2).sum()
    (g_total,) = torch.autograd.grad(total, w)
    np.testing.assert_allclose(g_total.numpy(), np.sum(per_example, axis=0), rtol=1e-12)
