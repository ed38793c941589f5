"""A function named by its dotted path and imported on its first call.

Apps register hooks in `AppConfig.ready`, which every process runs, the one-shot commands
too: importing the module behind each hook there (federation's signing brings in
cryptography, for one) cost a command like `broadsheet export static` a tenth of a second
or more before it did anything, for hooks it never calls. A `Later` stands in for the
function until a write calls it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any


class Later:
    """`module.name` as a callable, imported when first called; equal to another `Later` of
    the same path, so that hook lists which skip a hook registered twice still do."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._function: Any = None

    def load(self) -> Any:
        """The function itself, its module imported now if it was not yet."""
        if self._function is None:
            module, _, name = self.path.rpartition(".")
            self._function = getattr(import_module(module), name)
        return self._function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.load()(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Later) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return f"Later({self.path!r})"
