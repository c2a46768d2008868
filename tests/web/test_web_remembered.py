"""The worker pool's answers are kept in a segmented LRU (``web._workers.Remembered``): answers
asked for again survive a stream of answers asked for once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from thirdroad.web._workers import Remembered


def test_an_answer_asked_for_twice_survives_many_answers_asked_for_once() -> None:
    kept = Remembered(8, 6)
    kept.put("softmax", "picture of softmax")
    assert kept.get("softmax") == "picture of softmax"  # asked again: protected
    for k in range(1000):  # matrices typed once each
        kept.put(f"matrix {k}", k)
    assert "softmax" in kept and kept.get("softmax") == "picture of softmax"
    assert len(kept) == 8 and "matrix 999" in kept and "matrix 990" not in kept


def test_a_plain_stream_is_least_recently_used_first() -> None:
    kept = Remembered(3, 2)
    for key in "abc":
        kept.put(key, key)
    kept.put("d", "d")
    assert "a" not in kept and all(k in kept for k in "bcd")


def test_protected_answers_past_their_share_go_back_on_probation_not_away() -> None:
    kept = Remembered(4, 2)
    for key in "abc":
        kept.put(key, key)
        kept.get(key)
    assert "a" in kept.probation and list(kept.protected) == ["b", "c"]
    kept.get("a")  # asked again: protected once more, b goes on probation
    assert list(kept.protected) == ["c", "a"] and "b" in kept.probation


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 30)), max_size=300),
       st.integers(1, 10), st.integers(0, 10))
def test_never_more_than_its_size_and_every_answer_is_the_one_put(ops: list[tuple[bool, int]], size: int,
                                                                  protected: int) -> None:
    protected = min(protected, size - 1) if size > 1 else 0
    kept = Remembered(size, protected)
    for is_put, n in ops:
        key = f"k{n}"
        if is_put:
            kept.put(key, n)
        elif key in kept:
            assert kept.get(key) == n
        assert len(kept) <= size and len(kept.protected) <= protected
