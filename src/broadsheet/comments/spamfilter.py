"""The learning spam filter: naive Bayes over a comment's words, word pairs and link domains.

A plain library (no models, no settings) so that the benchmark in bench/spam/ measures exactly
the code the site runs. `training.py` keeps the counts in the database; this module turns text
into features and counts into a probability.

The model is a multinomial naive Bayes over *binarised* features (each feature counted once per
comment), which suits short texts better than raw counts: a spammer repeating "subscribe" five
times says no more than saying it once. Features that training never saw are left out rather
than smoothed in, so an unusual word in a reader's comment cannot push it either way.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Bare domains count as links too: spam often writes "example.com/x" without a scheme.
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|"
    r"biz|ru|co|ly|gl|me|io|us|tk|xyz|tv|link|site|online|top)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# Words, keeping an apostrophe (straight or typographic) inside one: "don't", "don\u2019t".
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
# At or above this probability a comment goes to the spam list. Chosen for precision (a
# reader's comment should almost never land there); measured in bench/spam/ (RESULTS.md).
SPAM_THRESHOLD = 0.8
_MAX_FEATURES = 600
_MAX_TOKEN = 60


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def links(text: str) -> list[str]:
    return [match.group(0) for match in _LINK.finditer(text)]


def link_domain(link: str) -> str:
    """`https://www.Example.com/x` → `example.com` (bare domains get a scheme to parse)."""
    if not re.match(r"^[a-z]+://", link, re.IGNORECASE):
        link = "http://" + link
    host = (urlsplit(link).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def features(text: str, *, author_url: str = "") -> list[str]:
    """The distinct features of a comment, in first-seen order."""
    found = links(text)
    prose = _LINK.sub(" ", normalise(text))
    words = [w for w in _WORD.findall(prose) if len(w) > 1 or not w.isascii()]
    out: list[str] = [w[:_MAX_TOKEN] for w in words]
    out += [f"{a}_{b}"[:_MAX_TOKEN] for a, b in itertools.pairwise(words)]
    out += _link_features(found)
    if author_url:
        out.append("authorurl:" + link_domain(author_url)[:_MAX_TOKEN])
    out += _shape_features(text, words, len(found))
    return list(dict.fromkeys(out))[:_MAX_FEATURES]


def _link_features(found: Iterable[str]) -> list[str]:
    out = []
    for link in found:
        domain = link_domain(link)
        out.append("domain:" + domain[:_MAX_TOKEN])
        # The registrable part as well, so that sub-domains of one spam host count together.
        out.append("site:" + ".".join(domain.split(".")[-2:])[:_MAX_TOKEN])
    return out


def _shape_features(text: str, words: list[str], link_count: int) -> list[str]:
    shape = [f"links:{min(link_count, 3)}"]
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.5:
        shape.append("shape:shouting")
    shape.append(f"length:{min(len(words) // 10, 5)}")
    return shape


@dataclass
class Counts:
    """What the filter was taught: documents and feature occurrences per class, and per feature
    how many spam and not-spam documents held it."""

    spam_docs: int = 0
    ham_docs: int = 0
    spam_features: int = 0
    ham_features: int = 0
    tokens: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    vocabulary: int = 0

    @property
    def trained(self) -> bool:
        return self.spam_docs > 0 and self.ham_docs > 0


def spam_probability(found: Iterable[str], counts: Counts, alpha: float = 1.0) -> float | None:
    """P(spam | features), or None while the filter has not seen both kinds of comment."""
    if not counts.trained:
        return None
    vocabulary = max(counts.vocabulary, 1)
    spam_total = counts.spam_features + alpha * vocabulary
    ham_total = counts.ham_features + alpha * vocabulary
    log_odds = math.log(counts.spam_docs / counts.ham_docs)
    for feature in set(found):
        spam, ham = counts.tokens.get(feature, (0, 0))
        if spam or ham:
            log_odds += math.log((spam + alpha) / spam_total) - math.log((ham + alpha) / ham_total)
    return 1.0 / (1.0 + math.exp(-max(min(log_odds, 700.0), -700.0)))


@dataclass
class Model:
    """Counts held in memory: the benchmark's model, and the shape `training.py` stores."""

    spam_docs: int = 0
    ham_docs: int = 0
    spam_features: int = 0
    ham_features: int = 0
    tokens: dict[str, list[int]] = field(default_factory=dict)

    def learn(self, found: list[str], *, spam: bool) -> None:
        column = 0 if spam else 1
        if spam:
            self.spam_docs += 1
            self.spam_features += len(found)
        else:
            self.ham_docs += 1
            self.ham_features += len(found)
        for feature in found:
            self.tokens.setdefault(feature, [0, 0])[column] += 1

    def counts(self) -> Counts:
        return Counts(
            spam_docs=self.spam_docs,
            ham_docs=self.ham_docs,
            spam_features=self.spam_features,
            ham_features=self.ham_features,
            tokens={token: (s, h) for token, (s, h) in self.tokens.items()},
            vocabulary=len(self.tokens),
        )
