"""The reader's memory of one document: a formula met again is read once, never read wrong.

The oracle is the formula explained on its own, with its own sentence (``explain``): the
reading of a whole document must give every formula exactly that.
"""

from __future__ import annotations

from thirdroad.formula import FormulaError, explain
from thirdroad.reader import read

# the step without its ε: a near-miss of whichever optimizer the sentence names
ADAM_STEP = r"\theta_t = \theta_{t-1} - \eta \frac{m_t}{\sqrt{v_t}}"

# One update rule in five sentences: one says Adam, one says RMSProp, three name nothing.
DOCUMENT = f"""\
Adam takes the step ${ADAM_STEP}$ with its two moments.

The step is ${ADAM_STEP}$ in this note.

RMSProp with momentum would take the step ${ADAM_STEP}$ as well.

Once more, the step is ${ADAM_STEP}$ as before, with $\\eta = 0.001$.

Written once more, ${ADAM_STEP}$ ends the note; a broken one, $\\frac{{a}}{{$, and again $\\frac{{a}}{{$.
"""


def test_each_formula_reads_as_it_does_alone_with_its_own_sentence() -> None:
    reading = read(DOCUMENT, format="markdown", progress=False)
    assert [f.text for f in reading.formulas].count(ADAM_STEP) == 5
    for found in reading.formulas:
        try:
            alone = explain(found.text, context=found.context)
        except FormulaError as err:
            assert found.explanation is None and found.error is not None
            assert (found.error.message, found.error.column) == (err.message, err.column)
            continue
        assert found.explanation is not None
        assert found.explanation.to_dict(code=False) == alone.to_dict(code=False)
        assert [(c.path, c.concept, c.part) for c in found.explanation.chunks] == \
            [(c.path, c.concept, c.part) for c in alone.chunks]


def test_the_sentence_still_counts_where_it_names_a_concept() -> None:
    steps = [f for f in read(DOCUMENT, format="markdown", progress=False).formulas if f.text == ADAM_STEP]
    # the sentence that says "Adam" holds the step to Adam, the one that says RMSProp to RMSProp
    named = [[w.get("concept") for w in f.warnings] for f in steps]
    assert named[0] == ["adam"] and named[2] == ["rmsprop"]
    assert named[1] == named[3] == named[4] and named[1] not in (named[0], named[2])


def test_sentences_that_name_the_same_concepts_share_one_explanation() -> None:
    reading = read(DOCUMENT, format="markdown", progress=False)
    steps = [f for f in reading.formulas if f.text == ADAM_STEP]
    plain = [f for f in steps if "Adam" not in f.context and "RMSProp" not in f.context]
    assert len(plain) == 3 and all(f.explained is plain[0].explained for f in plain)
    # Adam, RMSProp and no name: three explanations for five copies of the step
    assert len({id(f.explained) for f in steps}) == 3
    assert steps[0].explained is not plain[0].explained


def test_an_unreadable_formula_keeps_its_error_at_every_occurrence() -> None:
    reading = read(DOCUMENT, format="markdown", progress=False)
    broken = [f for f in reading.formulas if f.error is not None]
    assert len(broken) == 2 and all(f.explanation is None for f in broken)
    assert broken[0].error is broken[1].error
    assert len(reading.errors) == 2
