"""Blogger's image addresses: which picture an address names, whatever size it asks for, and
the address of that picture's largest size.

Blogger has kept its pictures on Google's image servers under several names, and every one
asks for a size in the address itself, so one upload appears in a post under several
addresses (a 320-pixel `<img>` inside a link to the 1600-pixel one):

- `http://photos1.blogger.com/blogger/7997/3420/320/name.jpg` (2004-2007): the size is a bare
  number before the file name, 1600 being the largest Blogger kept;
- `https://1.bp.blogspot.com/-abc/XYZ/AAAA/def/s320/name.jpg`, `bp0.blogger.com/_abc/...`
  and the same paths on `lh3`-`lh6.googleusercontent.com` and `lhN.ggpht.com` (2007-2021):
  the segments before the size name the picture, the size options follow (`s320`, `s72-c`,
  `w640-h480`, `s1600-h`, `s1600-rw`), and the file name after them is only a label;
- `https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsE.../s320/name.jpg` (2020 on):
  the same shape on Blogger's own host;
- `https://blogger.googleusercontent.com/img/a/AVvXsE...=w640-h480` and
  `https://lh3.googleusercontent.com/TOKEN=s1600`: the options follow an `=`.

`s0` asks Google for the picture at its full stored size (`s1600` stops at 1600 pixels). The
scheme (`http:`, `https:`, or none), the numbered host (`1.bp`, `4.bp`, `lh3`, `lh6`) and any
query string do not change which picture is meant, so they are not part of its key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Hosts that serve Google's resizable images, by the name-space their paths live in: the
# numbered bp/lh/ggpht hosts are one store under several names.
_HOSTS = (
    (re.compile(r"\d+\.bp\.blogspot\.com|bp\d*\.blogger\.com"), "lh"),
    (re.compile(r"lh\d+\.(?:googleusercontent|ggpht)\.com"), "lh"),
    (re.compile(r"blogger\.googleusercontent\.com"), "blogger"),
    (re.compile(r"photos\d*\.blogger\.com"), "photos"),
)
# Size options: a size (s, w or h and pixels) or `d` (the download), then options joined by
# hyphens (`s72-c`, `w640-h480`, `s1600-h`, `s1600-rw`, `w400-h300-p-k-no-nu`).
_OPTIONS = re.compile(r"(?:[swh]\d+|d)(?:-[a-z0-9]+)*", re.IGNORECASE)
_EQUALS_OPTIONS = re.compile(r"[a-z0-9-]*", re.IGNORECASE)
LARGEST = "s0"
# photos1.blogger.com kept each upload at 1600 pixels at most, and that copy is the original.
LARGEST_OLD = "1600"


@dataclass(frozen=True)
class BloggerImage:
    """One picture on Blogger's image hosts: `key` is the same for every size of it, and
    `largest` is the address of its largest size."""

    key: str
    largest: str


def blogger_image(url: str) -> BloggerImage | None:
    """The picture a Blogger image address names, or None for any other address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https", ""):  # "" for `//1.bp.blogspot.com/...`
        return None
    host = (parts.hostname or "").rstrip(".")
    space = next((name for pattern, name in _HOSTS if pattern.fullmatch(host)), None)
    if space is None:
        return None
    if space == "photos":
        return _photos(host, parts.path)
    if _options_after_equals(parts.path):
        return _after_equals(space, host, parts.path)
    return _in_path(space, host, parts.path)


def _options_after_equals(path: str) -> bool:
    """The newer form: `img/a/ID=s320`, `TOKEN=w640-h480`, or the same with no options yet."""
    segments = path.lstrip("/").split("/")
    return "=" in segments[-1] or len(segments) == 1 or segments[:2] == ["img", "a"]


def _in_path(space: str, host: str, path: str) -> BloggerImage | None:
    *folders, name = path.split("/")[1:] or [""]
    if folders and _OPTIONS.fullmatch(folders[-1]):
        folders.pop()
    elif _OPTIONS.fullmatch(name) and folders:  # `.../s1600` with no file name after it
        name = ""
    if len(folders) < 2:
        return None
    picture = "/".join(folders)
    return BloggerImage(f"{space}:{picture}", f"https://{host}/{picture}/{LARGEST}/{name}")


def _after_equals(space: str, host: str, path: str) -> BloggerImage | None:
    picture, _, options = path.lstrip("/").partition("=")
    if picture.endswith("/") or picture in ("", "img/a") or not _EQUALS_OPTIONS.fullmatch(options):
        return None
    return BloggerImage(f"{space}:{picture}", f"https://{host}/{picture}={LARGEST}")


def _photos(host: str, path: str) -> BloggerImage | None:
    *folders, name = path.split("/")[1:] or [""]
    if len(folders) < 2 or not folders[-1].isdigit() or not name:
        return None
    picture = "/".join([*folders[:-1], name])
    largest = "/".join([*folders[:-1], LARGEST_OLD, name])
    return BloggerImage(f"photos:{picture}", f"https://{host}/{largest}")
