"""A post page's reaction counts, written out as SQL in `federation.queries` and
`webmention.queries`: the same as the ORM's grouped counts they replace."""

from __future__ import annotations

import pytest
from django.db.models import Count

from broadsheet.federation import queries as federation_queries
from broadsheet.federation.models import Reaction, RemoteActor
from broadsheet.webmention import queries as webmention_queries
from broadsheet.webmention.models import Mention
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db


def orm_counts(rows: object) -> dict[str, int]:
    grouped = rows.values("kind").annotate(n=Count("id"))  # type: ignore[attr-defined]
    return {row["kind"]: row["n"] for row in grouped}


def test_reactions_by_kind_agree_with_the_orm(make_post: MakePost) -> None:
    post, other = make_post("Rhubarb, forced"), make_post("Leeks")
    assert federation_queries.reactions(post) == {} == webmention_queries.reactions(post)
    remote = RemoteActor.objects.create(
        uri="https://peer.example/u/a", key_id="https://peer.example/u/a#key",
        public_key_pem="-", inbox="https://peer.example/inbox", domain="peer.example",
    )  # fmt: skip
    for n, (target, kind) in enumerate(
        [(post, "like"), (post, "like"), (post, "announce"), (other, "like")]
    ):
        Reaction.objects.create(
            post=target, kind=kind, activity_id=f"https://peer.example/a/{n}", remote=remote
        )
    for n, (target, kind) in enumerate(
        [(post, "like"), (post, "repost"), (post, "repost"), (post, "reply"), (other, "like")]
    ):
        Mention.objects.create(post=target, source=f"https://site.example/{n}", kind=kind)
    for one in (post, other):
        fediverse = federation_queries.reactions(one)
        assert fediverse == orm_counts(Reaction.objects.filter(post=one))
        shown = Mention.objects.filter(post=one, kind__in=webmention_queries.SHOWN)
        assert webmention_queries.reactions(one) == orm_counts(shown)
    assert federation_queries.reactions(post) == {"like": 2, "announce": 1}
    assert webmention_queries.reactions(post) == {"like": 1, "repost": 2}  # replies are comments
