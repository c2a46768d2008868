"""The examples in the agents' docstrings still do what they say."""

from __future__ import annotations

import doctest

import pytest

import thirdroad.agents.activation
import thirdroad.agents.matrix


@pytest.mark.parametrize("module", [thirdroad.agents.matrix, thirdroad.agents.activation])
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
