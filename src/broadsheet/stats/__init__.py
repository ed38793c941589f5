"""Reads counted without cookies (docs/stats.md).

The cache's front tells `recorder` of each page it answers; the recorder keeps what may be a
human read as one line in a spool (`spool`: a file per process, or a Redis list); the task
worker folds the spool into daily tables (`actions.aggregate`, run by `tasks.aggregate`), and
the studio and the reader's Popular Posts read those (`queries`).
"""
