"""WSGI entry point for production servers (`broadsheet serve` runs gunicorn on it)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
application = get_wsgi_application()
