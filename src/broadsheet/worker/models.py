"""One row per running task worker process, touched every few seconds.

The database is the only thing every process of an install shares (the web processes may run on
other machines than the workers), so it is where a worker says it is alive.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

# A row not touched for this long belongs to a worker that is gone (killed, or its machine
# lost): it is deleted by the next beat of any worker, so the table stays a few rows long.
PRUNE_AFTER = dt.timedelta(hours=1)


class Heartbeat(models.Model):
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "pid"], name="worker_heartbeat_process")
        ]

    def __str__(self) -> str:
        return f"worker {self.pid} on {self.host}, last seen {self.last_seen:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, host: str, pid: int, started: dt.datetime) -> Heartbeat:
        """Record that this process is alive now, and forget workers long gone."""
        now = timezone.now()
        cls.objects.filter(last_seen__lt=now - PRUNE_AFTER).delete()
        row, _ = cls.objects.update_or_create(
            host=host, pid=pid, defaults={"started": started, "last_seen": now}
        )
        return row

    @classmethod
    def seen_since(cls, moment: dt.datetime) -> bool:
        return cls.objects.filter(last_seen__gte=moment).exists()
