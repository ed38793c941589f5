"""The demo blog: sample content that `make run` loads and the test suite reads pages from."""

from __future__ import annotations
