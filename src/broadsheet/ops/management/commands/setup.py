"""`broadsheet setup`: everything a fresh install needs before it can serve."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from broadsheet.blogs.models import Blog
from broadsheet.stats import tasks as stats_tasks
from broadsheet.subscribers import digest


class Command(BaseCommand):
    help = (
        "Migrate, collect static files, load the demo blog into an empty database, make an admin."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not Blog.objects.exists():
            from broadsheet.demo.loader import load_demo

            blog = load_demo()
            self.stdout.write(f"Loaded the demo blog “{blog.title}”.")
        self.ensure_admin()
        # Counting reads needs the aggregation's chain of tasks: start it (once).
        stats_tasks.schedule(dt.timedelta(seconds=settings.STATS_EVERY_SECONDS))
        digest.ensure_scheduled()  # and the weekly digest's, mended if a crash broke it

    def ensure_admin(self) -> None:
        users = get_user_model()._default_manager
        email = os.environ.get("BROADSHEET_ADMIN_EMAIL", "")
        password = os.environ.get("BROADSHEET_ADMIN_PASSWORD", "")
        if email and password:
            user, _ = users.get_or_create(username=email, defaults={"email": email})
            user.email, user.is_staff, user.is_superuser = email, True, True
            user.set_password(password)
            user.save()
            self.stdout.write(f"Admin {email} is ready: sign in at /studio/login/.")
        elif not users.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            users.create_superuser("admin", "admin@localhost", password)
            self.stdout.write(
                f"Created the admin account. Sign in at /studio/login/ as “admin” with password "
                f"{password}  (shown only this once)."
            )
        else:
            self.stdout.write("Sign in at /studio/login/ with your admin account.")
