"""The fan-out: one inbox per server, blocked and dead servers left out, failures counted
and a server that keeps failing given up on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_init
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.blogs.models import Blog
from broadsheet.federation import delivery
from broadsheet.federation.actors import blog_actor
from broadsheet.federation.models import Block, Follower, Instance, RemoteActor

UNREACHABLE = "http://127.0.0.1:9/inbox"  # the discard port: nothing listens there


def follow(blog: Blog, uri: str, shared: str = "") -> RemoteActor:
    domain = uri.split("/")[2].split(":")[0]
    remote = RemoteActor.objects.create(
        uri=uri,
        key_id=uri + "#k",
        public_key_pem="-",
        inbox=uri + "/inbox",
        shared_inbox=shared,
        domain=domain,
    )
    Follower.objects.create(actor=blog_actor(blog), remote=remote, follow_id=uri + "#f")
    return remote


def test_one_post_per_server_less_blocked_and_dead_ones(blog: Blog) -> None:
    follow(blog, "https://a.example/u/1", "https://a.example/inbox")
    follow(blog, "https://a.example/u/2", "https://a.example/inbox")
    follow(blog, "https://b.example/u/1")
    follow(blog, "https://eu.bad.example/u/1", "https://eu.bad.example/inbox")
    follow(blog, "https://c.example/u/troll")
    follow(blog, "https://gone.example/u/1")
    Block.objects.create(blog=blog, target="bad.example")
    Block.objects.create(blog=blog, target="https://c.example/u/troll")
    Instance.objects.create(domain="gone.example", dead_since=timezone.now())
    assert delivery.inboxes(blog_actor(blog)) == [
        "https://a.example/inbox",
        "https://b.example/u/1/inbox",
    ]


def test_a_failed_delivery_is_counted_and_a_server_failing_for_days_given_up(blog: Blog) -> None:
    actor = blog_actor(blog)
    assert delivery.deliver(actor.pk, UNREACHABLE, "{}", 0) == "failed (None), attempt 1"
    server = Instance.objects.get(domain="127.0.0.1")
    assert server.failures == 1 and server.dead_since is None
    Instance.objects.filter(pk=server.pk).update(
        failures=delivery.DEAD_AFTER - 1, first_failure_at=timezone.now() - dt.timedelta(days=3)
    )
    delivery.deliver(actor.pk, UNREACHABLE, "{}", len(delivery.BACKOFF))
    assert Instance.objects.get(pk=server.pk).dead_since is not None


def test_production_refuses_private_inboxes_for_good(blog: Blog, settings: Any) -> None:
    settings.FEDERATION_TEST_LOOPBACK = False
    assert delivery.deliver(blog_actor(blog).pk, UNREACHABLE, "{}", 0) == "418"
    assert not Instance.objects.exists()  # not a failure of that server: it is never tried


def test_finding_the_inboxes_builds_no_object_per_follower(
    blog: Blog, django_assert_num_queries: Any
) -> None:
    # A big blog's announce runs beside the web: thousands of followers must cost a few rows
    # from the database, not a model instance (or a query) each.
    actor = blog_actor(blog)
    for n in range(40):
        follow(blog, f"https://s{n % 4}.example/u/{n}", f"https://s{n % 4}.example/inbox")
    built: list[object] = []

    def count(sender: type, instance: object, **kwargs: Any) -> None:
        built.append(instance)

    for model in (Follower, RemoteActor):
        post_init.connect(count, sender=model, weak=False)
    try:
        with django_assert_num_queries(2):
            found = delivery.inboxes(actor)
    finally:
        for model in (Follower, RemoteActor):
            post_init.disconnect(count, sender=model)
    assert found == [f"https://s{n}.example/inbox" for n in range(4)] and built == []


def test_a_fan_out_queues_a_task_a_second_each_carrying_its_inboxes_and_the_body_once(
    blog: Blog, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for n in range(45):
        follow(blog, f"https://s{n}.example/u/1", f"https://s{n}.example/inbox")
    activity = {"id": "https://blog.example/a", "type": "Create", "object": "x"}
    assert delivery.fan_out(blog_actor(blog), activity) == "Create to 45 inboxes"
    queued = DBTaskResult.objects.order_by("run_after")
    sizes = [len(task.args_kwargs["args"][1]) for task in queued]
    assert sizes == [delivery.PER_SECOND, delivery.PER_SECOND, 5]
    first, last = queued[0].run_after, queued[2].run_after
    assert first is not None and last is not None
    assert (last - first).total_seconds() == 2  # paced: a second's worth per task
