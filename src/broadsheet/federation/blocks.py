"""Domain and actor blocks: a blocked server or account is neither heard nor delivered to."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db.models import Q

from broadsheet.blogs.models import Blog
from broadsheet.federation.models import Block, Follower


def is_blocked(blog: Blog, uri: str) -> bool:
    """Whether an actor URI (or a key id, whose fragment is dropped) falls under a block:
    of the account itself, or of its server or any server above it (`example.social`
    blocks `eu.example.social`)."""
    actor = uri.split("#", 1)[0]
    return Block.objects.filter(Q(blog=blog) & Q(target__in=[actor, *_domains(actor)])).exists()


def _domains(uri: str) -> list[str]:
    host = (urlsplit(uri).hostname or "").lower()
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] or [host]


def add(blog: Blog, target: str) -> Block:
    """Block a domain (`bad.example`) or an actor (its https:// URI), dropping the follows
    it had; idempotent."""
    value = target.strip()
    value = value if "/" in value else value.lower().lstrip("@").split("@")[-1]
    block, _ = Block.objects.get_or_create(blog=blog, target=value)
    Follower.objects.filter(actor__blog=blog).filter(
        Q(remote__uri=value) | Q(remote__domain=value) | Q(remote__domain__endswith=f".{value}")
    ).delete()
    return block


def remove(block: Block) -> None:
    """Lift a block; the follows it dropped stay dropped (their owners may follow again)."""
    block.delete()
