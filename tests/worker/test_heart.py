"""The heartbeat thread keeps a worker's row fresh while it runs and removes it at the end."""

from __future__ import annotations

import os
import time

import pytest

from broadsheet.worker.heart import Heart
from broadsheet.worker.models import Heartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_row_is_touched_every_beat_until_the_heart_stops() -> None:
    heart = Heart(every=0.05)
    heart.start()
    try:
        first = Heartbeat.objects.get(pid=os.getpid())
        deadline = time.monotonic() + 10
        while Heartbeat.objects.get(pk=first.pk).last_seen == first.last_seen:
            assert time.monotonic() < deadline, "no second beat within 10 s"
            time.sleep(0.02)
    finally:
        heart.stop()
    assert not heart.is_alive()
    assert not Heartbeat.objects.filter(pid=os.getpid()).exists()
