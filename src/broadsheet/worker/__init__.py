"""The task worker: runs the database task queue and says whether anyone is running it.

A domain app below the surfaces: it imports only `broadsheet.core`, Django and django-tasks,
so the studio (which shows the "no worker" notice) and `ops` (which supervises the worker
under `broadsheet serve`) may both lean on it.
"""
