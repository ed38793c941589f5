from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from broadsheet.core.env import env_bool, env_int, env_list


@pytest.mark.parametrize("raw", ["1", "true", "YES", "on"])
def test_true_spellings(raw: str) -> None:
    assert env_bool("X", False, {"X": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_false_spellings(raw: str) -> None:
    assert env_bool("X", True, {"X": raw}) is False


def test_a_misspelt_boolean_stops_start_up() -> None:
    with pytest.raises(ImproperlyConfigured, match="X='ture'"):
        env_bool("X", False, {"X": "ture"})


def test_a_non_number_stops_start_up() -> None:
    with pytest.raises(ImproperlyConfigured):
        env_int("PORT", 8000, {"PORT": "80a"})


def test_lists_are_comma_separated() -> None:
    assert env_list("H", [], {"H": "a.example, b.example,,"}) == ["a.example", "b.example"]
    assert env_list("H", ["x"], {}) == ["x"]
