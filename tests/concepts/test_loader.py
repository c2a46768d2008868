"""A broken data file must fail on load, naming the file and the concept."""

from __future__ import annotations

from pathlib import Path

import pytest

from thirdroad.concepts import Catalog, CatalogError
from thirdroad.concepts._load import occurs, sentence_count, unbalanced

GOOD = '''
family = "{family}"
title = "A family"

[[concept]]
id = "{id}"
name = "Thing"
summary = "A thing does something useful. It is short."
action = "Takes a vector and squashes it."
builds_on = {builds_on}
references = ["Someone (2020). A paper."]
[[concept.formula]]
output = 'y'
latex = '{latex}'
vars = {{ x = "{role}: the input" }}
reference = "{reference}"
'''


def write(tmp_path: Path, family: str = "toys", **fields: str) -> Path:
    values = {"family": family, "id": "thing", "builds_on": "[]",
              "latex": r"\frac{1}{1 + e^{-x}}", "role": "vector", "reference": "sigmoid"}
    values.update(fields)
    path = tmp_path / f"{family}.toml"
    path.write_text(GOOD.format(**values), encoding="utf-8")
    return path


def load(tmp_path: Path) -> Catalog:
    return Catalog.load(tmp_path)


def test_a_good_file_loads(tmp_path: Path) -> None:
    write(tmp_path)
    cat = load(tmp_path)
    thing = cat["thing"]
    assert thing.family == "toys" and thing.formulas[0].variables[0].meaning == "the input"
    assert thing.formulas[0].evaluate(x=0.0) == pytest.approx(0.5)


def test_unknown_key_is_named_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text(path.read_text().replace("summary =", "sumary ="))
    with pytest.raises(CatalogError) as err:
        load(tmp_path)
    message = str(err.value)
    assert message.startswith("toys.toml, concept 'thing': unknown key 'sumary'")
    assert "did you mean 'summary'" in message


def test_unknown_formula_key(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text(path.read_text().replace("reference =", "notation = 'x'\nrefrence ="))
    with pytest.raises(CatalogError, match="unknown key 'refrence' in a formula"):
        load(tmp_path)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, family="one")
    write(tmp_path, family="two")
    with pytest.raises(CatalogError, match=r"two.toml, concept 'thing': id already defined "
                                           r"in one.toml"):
        load(tmp_path)


def test_unresolved_builds_on(tmp_path: Path) -> None:
    write(tmp_path, builds_on='[{ id = "thang", how = "it grows from it" }]')
    with pytest.raises(CatalogError, match="builds_on names unknown concept 'thang'"):
        load(tmp_path)


def test_builds_on_cycle(tmp_path: Path) -> None:
    write(tmp_path, family="one", id="alpha", builds_on='[{ id = "beta", how = "a" }]')
    write(tmp_path, family="two", id="beta", builds_on='[{ id = "alpha", how = "b" }]')
    with pytest.raises(CatalogError, match="cycle"):
        load(tmp_path)


def test_unresolved_reference(tmp_path: Path) -> None:
    write(tmp_path, reference="sigmoidd")
    with pytest.raises(CatalogError, match="reference 'sigmoidd' is not a function"):
        load(tmp_path)


def test_reference_that_does_not_take_the_variables(tmp_path: Path) -> None:
    write(tmp_path, reference="swish")
    with pytest.raises(CatalogError, match=r"parameters with no variable: \['beta'\]"):
        load(tmp_path)


def test_unknown_role(tmp_path: Path) -> None:
    write(tmp_path, role="vectr")
    with pytest.raises(CatalogError, match=r"unknown role 'vectr' .*did you mean 'vector'"):
        load(tmp_path)


def test_variable_not_written_in_the_template(tmp_path: Path) -> None:
    write(tmp_path, latex=r"\frac{1}{1 + e^{-z}}")
    with pytest.raises(CatalogError, match="variable 'x' is written 'x', which does not occur"):
        load(tmp_path)


@pytest.mark.parametrize("latex, problem", [
    (r"\frac{1}{1 + e^{-x}", "unclosed '{'"),
    (r"\max(0, x))", "unexpected ')'"),
    (r"\left( x \right", None),
    (r"\begin{cases} x \end{matrix}", "without its"),
])
def test_unbalanced_template(tmp_path: Path, latex: str, problem: str | None) -> None:
    write(tmp_path, latex=latex)
    with pytest.raises(CatalogError, match="is not balanced"):
        load(tmp_path)
    if problem:
        assert problem in (unbalanced(latex) or "")


def test_empty_template(tmp_path: Path) -> None:
    write(tmp_path, latex=" ")
    with pytest.raises(CatalogError, match="'latex' is missing or empty"):
        load(tmp_path)


def test_summary_of_three_sentences(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text(path.read_text().replace("It is short.", "It is short. It is also fun."))
    with pytest.raises(CatalogError, match="summary has 3 sentences; at most two"):
        load(tmp_path)


def test_summary_with_a_formula(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text(path.read_text().replace("It is short.", "It computes y = 1/x."))
    with pytest.raises(CatalogError, match="summary must be plain words, but contains '='"):
        load(tmp_path)


def test_family_must_match_file_name(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.rename(tmp_path / "other.toml")
    with pytest.raises(CatalogError, match="family 'toys' does not match the file name 'other'"):
        load(tmp_path)


def test_a_family_file_may_be_continued(tmp_path: Path) -> None:
    write(tmp_path)
    more = tmp_path / "toys.more.toml"
    more.write_text(GOOD.format(family="toys", id="other_thing", builds_on='[{ id = "thing", how = "it wraps it" }]',
                                latex=r"\frac{1}{1 + e^{-x}}", role="vector", reference="sigmoid")
                    .replace('title = "A family"\n', ""), encoding="utf-8")
    cat = load(tmp_path)
    assert [c.id for c in cat.family("toys")] == ["thing", "other_thing"]  # the family's own file first
    assert cat.titles["toys"] == "A family"
    (tmp_path / "toys.toml").unlink()
    with pytest.raises(CatalogError, match=r"toys\.more\.toml: continues family 'toys', which has no file toys\.toml"):
        load(tmp_path)
    more.rename(tmp_path / "games.more.toml")
    with pytest.raises(CatalogError, match=r"family 'toys' does not match the file name 'games\.more'"):
        load(tmp_path)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text('family = "broken\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"broken\.toml: not valid TOML"):
        load(tmp_path)


def test_missing_required_key(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text(path.read_text().replace('references = ["Someone (2020). A paper."]\n', ""))
    with pytest.raises(CatalogError, match="concept 'thing': missing required key 'references'"):
        load(tmp_path)


def test_sentence_counting_ignores_abbreviations() -> None:
    assert sentence_count("Adam, e.g. as in Kingma et al. works. It is fine.") == 2
    assert sentence_count("One sentence without a full stop") == 0


def test_symbols_are_whole_tokens() -> None:
    assert occurs("x", r"\max(0, x)")
    assert not occurs("x", r"\exp(y)")
    assert not occurs("eps", r"\sqrt{v} + \epsilon")
    assert occurs("j", r"A_{ij}")
    assert occurs(r"\hat m_t", r"\frac{\hat m_t}{2}")


def test_a_part_and_what_it_does(tmp_path: Path) -> None:
    path = write(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("reference =", 'part = "squashed input"\ndoes = "Squashes the input."\nreference ='))
    template = load(tmp_path)["thing"].formulas[0]
    assert (template.part, template.does) == ("squashed input", "Squashes the input.")
    path.write_text(text.replace("reference =", 'does = "Squashes the input."\nreference ='))
    with pytest.raises(CatalogError, match="give its 'part' too"):
        load(tmp_path)
    path.write_text(text.replace("reference =", 'part = "the squashed input"\nreference ='))
    with pytest.raises(CatalogError, match="'part' must be a short lower-case noun phrase"):
        load(tmp_path)


def test_normalised_weights_and_concepts_that_sum_to_one(tmp_path: Path) -> None:
    path = write(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("reference =", "normalised = { x = ['\\pi', 'p'] }\nreference =")
                    .replace("references =", "sums_to_one = true\nreferences ="))
    thing = load(tmp_path)["thing"]
    assert thing.sums_to_one and thing.formulas[0].normalised == (("x", (r"\pi", "p")),)
    assert thing.to_dict()["formulas"][0]["normalised"] == {"x": [r"\pi", "p"]}
    path.write_text(text.replace("reference =", "normalised = { y = [] }\nreference ="))
    with pytest.raises(CatalogError, match="'normalised' names 'y'"):
        load(tmp_path)
    path.write_text(text.replace("reference =", "normalised = { x = '\\pi' }\nreference ="))
    with pytest.raises(CatalogError, match="must be a list of names"):
        load(tmp_path)
    path.write_text(text.replace("references =", "sums_to_one = 'yes'\nreferences ="))
    with pytest.raises(CatalogError, match="'sums_to_one' must be true or false"):
        load(tmp_path)


@pytest.mark.parametrize("flag", ["mass_noun", "definite"])
def test_article_flags(tmp_path: Path, flag: str) -> None:
    path = write(tmp_path)
    text = path.read_text()
    assert not getattr(load(tmp_path)["thing"], flag)
    path.write_text(text.replace("references =", f"{flag} = true\nreferences ="))
    thing = load(tmp_path)["thing"]
    assert getattr(thing, flag) and thing.to_dict()[flag] is True
    path.write_text(text.replace("references =", f"{flag} = 1\nreferences ="))
    with pytest.raises(CatalogError, match=f"'{flag}' must be true or false"):
        load(tmp_path)


def test_derived_names_are_statistics_of_a_variable_written_in_the_template(tmp_path: Path) -> None:
    path = write(tmp_path, latex=r"\frac{1}{1 + e^{-(x - \mu)}}")
    text = path.read_text()
    path.write_text(text.replace("reference =", "derived = { '\\mu' = \"mean of x\" }\nreference ="))
    thing = load(tmp_path)["thing"]
    assert thing.formulas[0].derived == ((r"\mu", "mean", "x"),)
    assert thing.to_dict()["formulas"][0]["derived"] == {r"\mu": "mean of x"}
    for bad, message in [("'\\mu' = \"median of x\"", "must say"), ("'\\mu' = \"mean of y\"", "must say"),
                         ("'\\nu' = \"mean of x\"", "does not occur")]:
        path.write_text(text.replace("reference =", f"derived = {{ {bad} }}\nreference ="))
        with pytest.raises(CatalogError, match=message):
            load(tmp_path)


def test_near_miss_kinds_are_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("references =", 'near_misses = ["lost_exp", "flipped_sign"]\nreferences ='))
    thing = load(tmp_path)["thing"]
    assert thing.near_misses == ("lost_exp", "flipped_sign")
    assert thing.to_dict()["near_misses"] == ["lost_exp", "flipped_sign"]
    path.write_text(text.replace("references =", 'near_misses = ["lost_sine"]\nreferences ='))
    with pytest.raises(CatalogError, match="unknown near-miss kind 'lost_sine'"):
        load(tmp_path)


def test_domains_say_what_values_a_variable_takes_and_how_many_axes(tmp_path: Path) -> None:
    path = write(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("reference =", 'domains = { x = ["in (0, 1)", "at least 1 axis"] }\nreference ='))
    x = load(tmp_path)["thing"].formulas[0].variable("x")
    assert x.domain == ("in (0, 1)", "at least 1 axis") and x.axes == (1, True)
    path.write_text(text.replace("reference =", 'domains = { x = "3 axes" }\nreference ='))
    assert load(tmp_path)["thing"].formulas[0].variable("x").axes == (3, False)
    path.write_text(text.replace("reference =", 'domains = { x = "postive" }\nreference ='))
    with pytest.raises(CatalogError, match="unknown domain 'postive' \\(did you mean 'positive'\\?\\)"):
        load(tmp_path)
    path.write_text(text.replace("reference =", 'domains = { y = "positive" }\nreference ='))
    with pytest.raises(CatalogError, match="'domains' must be a table of declared variables"):
        load(tmp_path)
