"""The spam filter's memory: what moderators' spam / not-spam decisions taught it.

Counts are kept per blog (SpamFilter totals, SpamToken per feature). A blog is scored on its
own counts once its moderators have taught it enough of both kinds (`OWN_MODEL_AFTER`
comments each); until then it borrows the whole install's counts, summed over every blog. So a
new blog is protected from its first comment by what the install has learnt, and an
established blog follows its own readers (a knitting blog's "pattern" is not a casino's),
while no single blog's admin can poison another blog's filter once it has a model of its own.

Only decisions teach: a comment the filter itself put in the spam list is not learnt from
until a moderator confirms or reverses it, so the filter never feeds on its own mistakes.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import Greatest

from broadsheet.blogs.actions import lock_blog
from broadsheet.blogs.models import Blog
from broadsheet.comments import spamfilter
from broadsheet.comments.models import Comment, SpamFilter, SpamToken

OWN_MODEL_AFTER = 20
SPAM_THRESHOLD = spamfilter.SPAM_THRESHOLD


def comment_features(comment: Comment) -> list[str]:
    return spamfilter.features(comment.body, author_url=comment.author_url)


def spam_probability(comment: Comment) -> float | None:
    """The filter's verdict on a comment not stored yet (None: not trained enough to say)."""
    found = comment_features(comment)
    return spamfilter.spam_probability(found, counts_for(comment.post.blog, found))


def counts_for(blog: Blog, found: list[str]) -> spamfilter.Counts:
    own = SpamFilter.objects.filter(blog=blog).first()
    if own is not None and min(own.spam_docs, own.ham_docs) >= OWN_MODEL_AFTER:
        totals = {name: getattr(own, name) for name in _TOTALS}
        return _counts(SpamToken.objects.filter(blog=blog), totals, found)
    summed = SpamFilter.objects.aggregate(**{name: Sum(name) for name in _TOTALS})
    return _counts(SpamToken.objects.all(), summed, found)


_TOTALS = ("spam_docs", "ham_docs", "spam_features", "ham_features")


def _counts(
    tokens: QuerySet[SpamToken], totals: Mapping[str, int | None], found: list[str]
) -> spamfilter.Counts:
    rows = (
        tokens.filter(token__in=found)
        .values("token")
        .annotate(s=Sum("spam"), h=Sum("ham"))
        .values_list("token", "s", "h")
    )
    return spamfilter.Counts(
        **{name: int(totals.get(name) or 0) for name in _TOTALS},
        tokens={token: (s, h) for token, s, h in rows},
        vocabulary=tokens.values("token").distinct().count(),
    )


def teach(comment: Comment, trained_as: str) -> None:
    """Learn the moderator's decision (spam or ham), unlearning an earlier, different one.

    Runs inside the moderation action's transaction; counts move by atomic increments, so two
    moderators deciding at once on different comments do not lose each other's updates. The
    blog's row first (`blogs.actions.lock_blog`): two decisions teaching the same new words in
    other orders each made a word the other then waited for (a deadlock on PostgreSQL).
    """
    if comment.trained_as == trained_as:
        return
    blog = comment.post.blog
    lock_blog(blog.pk)
    found = comment_features(comment)
    if comment.trained_as:
        _add(blog, found, comment.trained_as, -1)
    _add(blog, found, trained_as, +1)
    Comment.objects.filter(pk=comment.pk).update(trained_as=trained_as)
    comment.trained_as = trained_as


def _add(blog: Blog, found: list[str], kind: str, step: int) -> None:
    column = "spam" if kind == Comment.Trained.SPAM else "ham"
    SpamFilter.objects.bulk_create([SpamFilter(blog=blog)], ignore_conflicts=True)
    SpamFilter.objects.filter(blog=blog).update(
        **{
            f"{column}_docs": _moved(f"{column}_docs", step),
            f"{column}_features": _moved(f"{column}_features", step * len(found)),
        }
    )
    SpamToken.objects.bulk_create(
        [SpamToken(blog=blog, token=token) for token in found], ignore_conflicts=True
    )
    SpamToken.objects.filter(blog=blog, token__in=found).update(**{column: _moved(column, step)})


def _moved(column: str, step: int) -> Greatest:
    # Never below zero: unlearning a comment whose features a newer version of this module
    # extracts differently must not break the moderator's action.
    return Greatest(F(column) + step, Value(0))
