"""The blog's own comment challenge: a small sum asked in words, for blogs that want one more
hurdle than the honeypot and the form token, with no outside service.

The question is text (a screen reader reads it like any label), needs no script, no image and
no cookie. It travels in a signed token naming the post, the two numbers, the issue time and a
nonce: the numbers are no secret (they are on the page), the signature stops them being
changed, `max_age` makes the token expire, and the nonce, recorded in the cache when an
answer is checked, makes it single-use, so a wrong guess costs the question and a script
cannot try every answer to one question.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.core.cache import cache

from broadsheet.blogs.models import Blog
from broadsheet.comments.defences import TOKEN_MAX_AGE

SALT = "broadsheet.comments.challenge"
# Words people type for the sums asked (every answer lies between 2 and 20).
WORDS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
)


class Verdict(enum.Enum):
    OK = "ok"
    MISSING = "missing"  # no question was handed out yet (a reader without script)
    WRONG = "wrong"
    STALE = "stale"  # forged, for another post, expired or already answered


MESSAGES = {
    Verdict.MISSING: "Please answer the question to post your comment.",
    Verdict.WRONG: "That is not the answer: please try this new question.",
    Verdict.STALE: "That question has expired: please answer this new one.",
}


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def required(blog: Blog, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this visitor must answer on this blog (the blog's setting)."""
    rule = blog.comment_challenge
    if rule == Blog.CommentChallenge.EVERYONE:
        return True
    return rule == Blog.CommentChallenge.ANONYMOUS and not user.is_authenticated


def issue(post_id: int) -> Challenge:
    """A fresh question for a comment on this post, with its token."""
    first, second = 1 + secrets.randbelow(10), 1 + secrets.randbelow(10)
    payload = {"p": post_id, "a": [first, second], "n": secrets.token_urlsafe(9)}
    question = f"What is {WORDS[first]} plus {WORDS[second]}? (Answer in digits or words.)"
    return Challenge(question, signing.dumps(payload, salt=SALT, compress=False))


def check(token: str, answer: str, post_id: int) -> Verdict:
    """Whether `answer` answers the token's question; spends the token either way."""
    if not token:
        return Verdict.MISSING
    try:
        payload = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
        numbers = [int(number) for number in payload["a"]]
        valid = payload["p"] == post_id and len(numbers) == 2
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Verdict.STALE
    if not valid or not cache.add(f"comments:challenge:{payload['n']}", 1, TOKEN_MAX_AGE + 60):
        return Verdict.STALE
    return Verdict.OK if read_number(answer) == sum(numbers) else Verdict.WRONG


def read_number(answer: str) -> int | None:
    """ "12", " Twelve. " → 12; anything else → None."""
    word = answer.strip().strip(".!").strip().lower()
    if word.isascii() and word.isdigit() and len(word) < 4:
        return int(word)
    return WORDS.index(word) if word in WORDS else None
