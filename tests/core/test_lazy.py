from __future__ import annotations

import sys

from broadsheet.core.lazy import Later


def test_later_calls_the_named_function_with_its_arguments() -> None:
    assert Later("posixpath.join")("a", "b") == "a/b"


def test_later_imports_its_module_only_when_called() -> None:
    sys.modules.pop("this", None)  # prints the Zen of Python when imported: easy to tell
    later = Later("this.d")
    assert "this" not in sys.modules
    assert later.path == "this.d"


def test_two_laters_of_one_function_count_as_one_hook() -> None:
    hooks: list[Later] = []
    for later in (Later("os.getcwd"), Later("os.getcwd")):
        if later not in hooks:
            hooks.append(later)
    assert hooks == [Later("os.getcwd")] and Later("os.getcwd") != Later("os.getpid")
