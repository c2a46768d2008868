"""The catalog as shipped: complete, consistent, and usable the way the API promises."""

from __future__ import annotations

import inspect
import re

import pytest

import thirdroad.concepts as concepts
from thirdroad.concepts import Concept, UnknownConceptError, references
from thirdroad.concepts._load import formula_like, sentence_count, unbalanced

# The ids DESIGN.md promises ("Concept ids"): a stable contract with recognizer and JSON.
DESIGN_IDS = {
    "calculus": "gradient partial_derivative chain_rule jacobian",
    "optimizers": "gradient_descent ema sgd_momentum nesterov rmsprop adam adamw adamax nadam "
    "radam adagrad adadelta rprop adafactor lion grad_norm_clipping step_decay "
    "exponential_decay polynomial_decay cosine_annealing linear_warmup",
    "activations": "softmax softmin log_softmax sigmoid log_sigmoid tanh relu relu6 leaky_relu "
    "prelu elu selu celu gelu softplus softsign silu mish hardtanh hardsigmoid hardswish glu "
    "softshrink hardshrink tanhshrink threshold",
    "losses": "mse l1 huber smooth_l1 cross_entropy nll bce bce_with_logits kl_divergence "
    "poisson_nll gaussian_nll hinge_embedding margin_ranking triplet_margin cosine_embedding "
    "multi_margin soft_margin multilabel_soft_margin",
    "linear_algebra": "dot_product bilinear_form matrix_vector_product affine outer_product "
    "l2_norm lp_norm lp_normalize cosine_similarity pairwise_distance weighted_average mean "
    "variance standardization concatenation transpose permutation_matrix rotation_matrix "
    "reflection_matrix projection_matrix lu qr eigendecomposition svd determinant",
    "attention": "attention_weights context_vector luong_dot luong_general luong_concat "
    "bahdanau_additive scaled_dot_product_attention multi_head_attention attentional_hidden",
    "energy_models": "energy boltzmann_distribution rbm_energy free_energy rbm_conditional "
    "contrastive_divergence",
    "layers": "linear_layer bilinear_layer convolution max_pool avg_pool lp_pool rnn_cell gru "
    "lstm layer_norm batch_norm instance_norm group_norm rms_norm local_response_norm "
    "weight_norm spectral_norm dropout embedding",
    "initialisation": "xavier_init kaiming_init",
}


@pytest.mark.parametrize("family", sorted(DESIGN_IDS))
def test_every_design_id_is_in_its_family(family: str) -> None:
    members = {c.id for c in concepts.family(family)}
    missing = set(DESIGN_IDS[family].split()) - members
    assert not missing, f"{family} lacks {sorted(missing)}"


def test_lookup_membership_iteration() -> None:
    adam = concepts["adam"]
    assert isinstance(adam, Concept)
    assert adam.family == "optimizers"
    assert "adam" in concepts and "adamm" not in concepts
    ids = [c.id for c in concepts]
    assert len(ids) == len(set(ids)) == len(concepts)
    assert concepts.get("softmax") is concepts.catalog()["softmax"]


def test_unknown_id_suggests_the_closest() -> None:
    with pytest.raises(UnknownConceptError, match=r"did you mean .*'adam'"):
        concepts["adma"]
    with pytest.raises(UnknownConceptError, match="'silu'"):
        concepts["swish"]  # an alias leads to its concept
    with pytest.raises(KeyError, match=r"no family 'optimiser'.*'optimizers'"):
        concepts.family("optimiser")


def test_catalog_is_loaded_once() -> None:
    assert concepts.catalog() is concepts.catalog()


def test_search_ranks_names_above_mentions() -> None:
    hits = [c.id for c in concepts.search("moving average")]
    assert hits[0] == "ema"
    assert "batch_norm" in [c.id for c in concepts.search("running average")]
    assert concepts.search("") == []
    assert concepts.search("zebra crossing") == []


def test_families_partition_the_catalog() -> None:
    cat = concepts.catalog()
    assert sum(len(cat.family(f)) for f in cat.families) == len(cat)
    assert set(DESIGN_IDS) <= set(cat.families)  # DESIGN.md's families, and families beyond them
    assert {c.family for c in cat} == set(cat.families)


@pytest.mark.parametrize("concept", list(concepts.catalog()), ids=lambda c: c.id)
def test_concept_words_are_plain_and_short(concept: Concept) -> None:
    assert 1 <= sentence_count(concept.summary) <= 2
    assert formula_like(concept.summary) is None
    assert concept.action and concept.references and concept.formulas
    assert not re.search(r"\bTODO\b|\bXXX\b", concept.summary + concept.action)


def test_every_template_can_call_its_reference() -> None:
    for template in concepts.catalog().templates():
        params = inspect.signature(template.reference_function()).parameters
        assert set(template.inputs) <= set(params), template.equation
        assert unbalanced(template.latex) is None


def test_every_reference_function_serves_a_template() -> None:
    used = {t.reference for t in concepts.catalog().templates()}
    public = set(references.functions())
    assert len(public) > 200, "the families' reference functions are all found"
    assert public - used == set(), "reference functions no template uses"


def test_each_family_has_its_module_of_references() -> None:
    assert set(references.FAMILIES) == set(concepts.catalog().families)
    for name, module in references.FAMILIES.items():
        assert module.__name__.endswith(f".{name}")


def test_shared_normalisation_formula_names_all_four() -> None:
    shared = r"\frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta"
    owners = {t.concept for t in concepts.catalog().templates() if t.latex == shared}
    assert owners == {"batch_norm", "layer_norm", "instance_norm", "group_norm"}
    assert "axes" in " ".join(concepts["layer_norm"].conventions)


def test_words_that_are_often_wrong_are_right() -> None:
    rbm = concepts["rbm_energy"]
    assert "bipartite undirected" in rbm.summary and "visible" in rbm.summary
    assert any("not input and output" in p for p in rbm.pitfalls)
    assert "radial basis function" in concepts["rbf_kernel"].summary
    assert any("exp" in p for p in concepts["softmax"].pitfalls)
    ce = " ".join(concepts["cross_entropy"].conventions)
    assert "logits" in ce and "probabilities" in ce
    assert any("inside" in c and "outside" in c for c in concepts["rmsprop"].conventions)


def test_momentum_and_sigmoid_come_in_several_notations() -> None:
    momentum = {t.latex for t in concepts["sgd_momentum"].formulas}
    assert r"\gamma v_{t-1} + \eta \nabla_\theta J(\theta)" in momentum
    assert r"\beta v_{dW} + (1-\beta) dW" in momentum
    sigmoid = {t.latex for t in concepts["sigmoid"].formulas}
    assert {r"\frac{1}{1 + e^{-x}}", r"\frac{e^x}{1 + e^x}"} <= sigmoid
    assert len(concepts["adam"].formulas) >= 4
    rms = [t.reference for t in concepts["rmsprop"].formulas]
    assert "rmsprop_step" in rms and "rmsprop_step_eps_inside" in rms


def test_template_variables_know_their_roles() -> None:
    softmax = concepts["softmax"].formulas[0]
    roles = {v.name: v.role for v in softmax.variables}
    assert roles == {"x": "vector", "i": "index", "j": "bound_index"}
    assert softmax.inputs == ("x",)
    momentum = concepts["sgd_momentum"].formulas[0]
    assert momentum.variable("grad").symbol == r"\nabla_\theta J(\theta)"
    assert momentum.variable("lr").symbol == r"\eta"
    with pytest.raises(KeyError):
        momentum.variable("nope")


def test_to_dict_is_plain_json() -> None:
    import json

    data = concepts["adam"].to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["builds_on"][0] == {"id": "sgd_momentum",
                                    "how": "Adam's first moment is momentum's EMA of gradients"}


def test_templates_that_share_a_reference_name_all_their_concepts() -> None:
    owners = {t.concept for t in concepts.catalog().by_reference("ema")}
    assert {"ema", "sgd_momentum", "adam", "lion"} <= owners
    assert {t.concept for t in concepts.catalog().by_reference("softmax")} >= {
        "softmax", "attention_weights"}
