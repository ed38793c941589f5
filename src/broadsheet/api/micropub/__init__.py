"""Micropub (https://www.w3.org/TR/micropub/) for phone and web editors: h-entry posts made,
changed, trashed and restored (`entries`, `updates`), a media endpoint and the queries, and an
IndieAuth-style token endpoint over app passwords (`views`)."""
