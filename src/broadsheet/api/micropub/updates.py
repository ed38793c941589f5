"""Micropub's update: `replace`, `add` and `delete` on an h-entry's properties, applied to
the post as `q=source` shows it, then written back as one edit of the editor."""

from __future__ import annotations

from typing import Any

from broadsheet.api.errors import ApiError
from broadsheet.api.micropub.entries import Props, checked

# What an update may change; the rest (`url`, `published` on a live post) is the post's own.
CHANGEABLE = {"name", "content", "category", "post-status", "published", "photo"}


def applied(current: Props, data: dict[str, Any]) -> Props:
    """`current` with the request's replace, add and delete done, in that order."""
    found = {key: list(value) for key, value in current.items()}
    for name, values in _operation(data, "replace").items():
        found[name] = values
    for name, values in _operation(data, "add").items():
        found[name] = found.get(name, []) + values
    return _deleted(found, data.get("delete", []))


def _operation(data: dict[str, Any], key: str) -> Props:
    props = checked(data.get(key, {}))
    unknown = set(props) - CHANGEABLE
    if unknown:
        raise ApiError("invalid", f"Cannot change {', '.join(sorted(unknown))}.")
    return props


def _deleted(found: Props, asked: Any) -> Props:
    if isinstance(asked, list) and all(isinstance(name, str) for name in asked):
        return {key: value for key, value in found.items() if key not in asked}
    for name, values in checked(asked).items():
        found[name] = [value for value in found.get(name, []) if value not in values]
    return found
