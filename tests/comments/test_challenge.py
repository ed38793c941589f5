"""The comment challenge's token: the right answer passes once; anything else does not."""

from __future__ import annotations

import re

import pytest
import time_machine

from broadsheet.comments import challenge
from broadsheet.comments.challenge import Verdict

pytestmark = pytest.mark.django_db


def answer(asked: challenge.Challenge) -> int:
    words = re.search(r"What is (\w+) plus (\w+)\?", asked.question)
    assert words is not None
    return sum(challenge.WORDS.index(word) for word in words.groups())


def test_the_right_answer_passes_once() -> None:
    asked = challenge.issue(7)
    assert challenge.check(asked.token, str(answer(asked)), 7) is Verdict.OK
    assert challenge.check(asked.token, str(answer(asked)), 7) is Verdict.STALE


def test_a_wrong_guess_spends_the_question() -> None:
    asked = challenge.issue(7)
    assert challenge.check(asked.token, str(answer(asked) + 1), 7) is Verdict.WRONG
    assert challenge.check(asked.token, str(answer(asked)), 7) is Verdict.STALE


def test_words_count_as_answers() -> None:
    asked = challenge.issue(7)
    spoken = f"  {challenge.WORDS[answer(asked)].title()}. "
    assert challenge.check(asked.token, spoken, 7) is Verdict.OK


@pytest.mark.parametrize("typed", ["", "lots", "١٢", "9" * 50, "-3"])
def test_nonsense_is_a_wrong_answer(typed: str) -> None:
    assert challenge.check(challenge.issue(7).token, typed, 7) is Verdict.WRONG


def test_a_token_for_another_post_a_forged_or_an_old_one_is_stale() -> None:
    assert challenge.check(challenge.issue(8).token, "2", 7) is Verdict.STALE
    assert challenge.check("forged:token", "2", 7) is Verdict.STALE
    with time_machine.travel("2024-01-01T00:00Z", tick=False):
        old = challenge.issue(7)
    assert challenge.check(old.token, str(answer(old)), 7) is Verdict.STALE
    assert challenge.check("", "2", 7) is Verdict.MISSING


def test_the_question_is_plain_text_that_names_no_answer() -> None:
    asked = challenge.issue(7)
    assert re.fullmatch(
        r"What is [a-z]+ plus [a-z]+\? \(Answer in digits or words\.\)", asked.question
    )
