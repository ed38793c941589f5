"""Features and the naive Bayes arithmetic (comments/spamfilter.py), without the database."""

from __future__ import annotations

from broadsheet.comments import spamfilter


def test_features_hold_words_pairs_domains_and_shape() -> None:
    found = spamfilter.features(
        "Check out my channel http://www.Spam.example.com/x and subscribe!",
        author_url="https://promo.example/",
    )
    assert {"check", "out", "check_out", "channel", "subscribe"} <= set(found)
    assert "domain:spam.example.com" in found and "site:example.com" in found
    assert "authorurl:promo.example" in found and "links:1" in found
    assert len(found) == len(set(found))


def test_bare_domains_count_as_links() -> None:
    assert spamfilter.links("visit kidsmedia.com/page now") == ["kidsmedia.com/page"]
    assert spamfilter.link_domain("WWW.Example.COM/path") == "example.com"


def test_any_unicode_is_tokenised() -> None:
    found = spamfilter.features("Ça pousse très bien — 素晴らしい 🌱")
    assert "ça" in found and "très" in found and "素晴らしい" in found


def test_untrained_filter_has_no_opinion() -> None:
    assert spamfilter.spam_probability(["x"], spamfilter.Counts()) is None


def test_learns_to_tell_spam_from_ham() -> None:
    model = spamfilter.Model()
    for text in ["check out my channel", "subscribe to my channel please", "free money here"]:
        model.learn(spamfilter.features(text), spam=True)
    for text in ["lovely rhubarb this year", "my beans failed too", "the frost came late"]:
        model.learn(spamfilter.features(text), spam=False)
    counts = model.counts()
    spam = spamfilter.spam_probability(spamfilter.features("please check my channel"), counts)
    ham = spamfilter.spam_probability(spamfilter.features("rhubarb and beans"), counts)
    assert spam is not None and ham is not None and spam > 0.9 and ham < 0.5
