"""Static files' addresses, each worked out once per process.

`{% static %}` asks the storage for a file's hashed address: with the manifest storage that
is a manifest lookup, URL splitting, quoting and joining, some 30 us on the benchmark
machine, and a post page asks seven times on every miss (a quarter of a millisecond, on
every page of the site). The answer depends only on the name, the manifest and the base
address the storage read when it was made (a settings change makes a new storage) and
whether DEBUG is on: so it is kept here, by name, for the storage's lifetime.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Names come from templates and installed themes, a few hundred at most; past this, start
# again rather than grow (a name nobody has is an error, never kept).
KEPT = 2048


class KeptUrls(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with each address worked out once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept: dict[tuple[str | None, bool, bool], str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        key = (name, force, settings.DEBUG)
        found = self.kept.get(key)
        if found is None:
            found = super().url(name, force)  # raises for a name the manifest lacks
            if len(self.kept) >= KEPT:
                self.kept.clear()
            self.kept[key] = found
        return found

    def post_process(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        # collectstatic writes a new manifest: what was kept named the old one's files.
        self.kept.clear()
        yield from super().post_process(*args, **kwargs)
        self.kept.clear()
