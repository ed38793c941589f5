"""Embeds from a short list of providers, kept in one canonical, safe form (issue 13).

A writer moving from Blogger has videos in her posts as iframes, as Flash-era
`<object>/<embed>` markup, or as a bare video address on a line of its own. `canonicalise` runs
on the author's HTML before the sanitiser and turns each one it recognises into a figure the
sanitiser keeps:

    <figure class="embed embed-youtube" data-embed="youtube:ID" data-embed-src="FRAME URL">
      <a class="embed-link" href="PROVIDER PAGE">[poster] title · provider</a></figure>

The reader sees that click-to-load facade; nothing on the provider's side is contacted until
she clicks, and without JavaScript the link takes her to the provider's own page.
`reader/embeds.js` swaps the figure for a sandboxed iframe on `data-embed-src`, which is built
here from the recognised provider and id only (on the privacy-preserving host where there is
one), never copied from what the author wrote, and which the sanitiser re-checks
(`is_frame_url`). The CSP's `frame-src` names exactly `FRAME_HOSTS`.

An iframe or object from any other host is replaced by a short note naming the host; the
post's source keeps it, and imports report it (`unknown_hosts`).
"""

from __future__ import annotations

import html as html_lib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from html.parser import HTMLParser
from urllib.parse import SplitResult, parse_qs, urlsplit

from broadsheet.core.tags import Tag, start_tags


# Each provider is one object (`PROVIDERS`): compared and hashed by identity, as reading
# every field (a pattern among them) cost a microsecond per cached embed looked up.
@dataclass(frozen=True, eq=False)
class Provider:
    key: str
    name: str
    frame: str  # the iframe URL, "{id}" filled in
    page: str  # the provider's own page for the item, where readers without JavaScript go
    ident: re.Pattern[str]
    # Where the task fetches a poster: an image URL, or an oEmbed URL answering thumbnail_url.
    poster: str = ""
    oembed: bool = False


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
PROVIDERS = {
    p.key: p
    for p in (
        Provider(
            "youtube",
            "YouTube",
            "https://www.youtube-nocookie.com/embed/{id}",
            "https://www.youtube.com/watch?v={id}",
            _YOUTUBE_ID,
            poster="https://i.ytimg.com/vi/{id}/hqdefault.jpg",
        ),
        Provider(
            "vimeo",
            "Vimeo",
            "https://player.vimeo.com/video/{id}?dnt=1",
            "https://vimeo.com/{id}",
            re.compile(r"[0-9]{1,12}"),
            poster="https://vimeo.com/api/oembed.json?url=https%3A//vimeo.com/{id}",
            oembed=True,
        ),
        Provider(
            "dailymotion",
            "Dailymotion",
            "https://www.dailymotion.com/embed/video/{id}",
            "https://www.dailymotion.com/video/{id}",
            re.compile(r"x[a-z0-9]{2,12}"),
            poster="https://www.dailymotion.com/thumbnail/video/{id}",
        ),
        Provider(
            "blogger",
            "Blogger",
            "https://www.blogger.com/video.g?token={id}",
            "https://www.blogger.com/video.g?token={id}",
            re.compile(r"[A-Za-z0-9_-]{8,400}"),
        ),
        Provider(
            "maps",
            "Google Maps",
            "https://www.google.com/maps/embed?pb={id}",
            "https://www.google.com/maps/embed?pb={id}",
            re.compile(r"[A-Za-z0-9!._:%+-]{4,2000}"),
        ),
        Provider(
            "soundcloud",
            "SoundCloud",
            "https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/{id}",
            "https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/{id}",
            re.compile(r"(?:tracks|playlists|users)/[0-9]{1,15}"),
        ),
        Provider(
            "spotify",
            "Spotify",
            "https://open.spotify.com/embed/{id}",
            "https://open.spotify.com/{id}",
            re.compile(r"(?:track|album|playlist|episode|show|artist)/[A-Za-z0-9]{22}"),
        ),
    )
}
_YOUTUBE = PROVIDERS["youtube"]
# The hosts iframes may load from: the CSP's frame-src, and nothing else.
FRAME_HOSTS = tuple(sorted({urlsplit(p.frame).netloc for p in PROVIDERS.values()}))


@dataclass(frozen=True, slots=True)
class Embed:
    provider: Provider
    ident: str
    title: str = ""

    @property
    def key(self) -> str:
        return f"{self.provider.key}:{self.ident}"

    @property
    def frame_url(self) -> str:
        return self.provider.frame.format(id=self.ident)

    @property
    def page_url(self) -> str:
        return self.provider.page.format(id=self.ident)

    @property
    def label(self) -> str:
        return self.title or f"{self.provider.name} {_KIND.get(self.provider.key, 'item')}"


_KIND = {"youtube": "video", "vimeo": "video", "dailymotion": "video", "blogger": "video"}
_KIND |= {"maps": "map", "soundcloud": "audio", "spotify": "audio"}


def _youtube(url: SplitResult) -> str:
    if url.hostname == "youtu.be":
        return url.path[1:]
    if url.path == "/watch":
        return _query(url, "v")
    # Flash-era players put their options in the path: /v/ID&hl=en&fs=1.
    match = re.fullmatch(r"/(?:embed|shorts|v|live|e)/([^/?&]+)(?:[&;].*)?", url.path)
    return match.group(1) if match else ""


def _vimeo(url: SplitResult) -> str:
    pattern = r"/video/([0-9]+)/?" if url.hostname == "player.vimeo.com" else r"/([0-9]+)/?"
    match = re.fullmatch(pattern, url.path)
    return match.group(1) if match else ""


def _dailymotion(url: SplitResult) -> str:
    if url.hostname == "dai.ly":
        return url.path[1:]
    if url.path == "/player.html":  # geo.dailymotion.com, the current player
        return _query(url, "video")
    # The Flash-era player was /swf/ID (or /swf/video/ID), options after `&` as YouTube's.
    path = url.path.split("&", 1)[0]
    match = re.fullmatch(r"(?:(?:/embed)?/video|/swf(?:/video)?)/(x[a-z0-9]+)(?:_[^/]*)?/?", path)
    return match.group(1) if match else ""


def _blogger(url: SplitResult) -> str:
    return _query(url, "token") if url.path == "/video.g" else ""


def _maps(url: SplitResult) -> str:
    return _query(url, "pb") if url.path == "/maps/embed" else ""


def _soundcloud(url: SplitResult) -> str:
    if url.path.rstrip("/") != "/player":
        return ""
    inner = urlsplit(_query(url, "url"))
    return inner.path[1:] if inner.hostname == "api.soundcloud.com" else ""


def _spotify(url: SplitResult) -> str:
    return url.path.removeprefix("/embed").strip("/")


_Finder = Callable[[SplitResult], str]
_HOSTS: dict[str, tuple[str, _Finder]] = {
    **{h: ("youtube", _youtube) for h in ("youtube.com", "www.youtube.com", "m.youtube.com")},
    **{h: ("youtube", _youtube) for h in ("youtu.be", "www.youtube-nocookie.com")},
    "youtube-nocookie.com": ("youtube", _youtube),
    **{h: ("vimeo", _vimeo) for h in ("vimeo.com", "www.vimeo.com", "player.vimeo.com")},
    **{h: ("dailymotion", _dailymotion) for h in ("dailymotion.com", "www.dailymotion.com")},
    **{h: ("dailymotion", _dailymotion) for h in ("dai.ly", "geo.dailymotion.com")},
    **{h: ("blogger", _blogger) for h in ("www.blogger.com", "draft.blogger.com")},
    **{h: ("maps", _maps) for h in ("www.google.com", "maps.google.com")},
    "w.soundcloud.com": ("soundcloud", _soundcloud),
    "open.spotify.com": ("spotify", _spotify),
}


def _query(url: SplitResult, name: str) -> str:
    values = parse_qs(url.query).get(name, [])
    return values[0] if len(values) == 1 else ""


def recognise(url: str, title: str = "") -> Embed | None:
    """The embed an address stands for, or None when it is not one of ours.

    Only the host decides, matched whole ("youtube.com.evil.com" is not YouTube), and only an
    id of the provider's own shape is taken; everything else in the address is dropped.
    """
    if not title and (plain := _PLAIN_YOUTUBE.fullmatch(url)):
        # A post of many distinct videos missed the cache every time (issue 12).
        return Embed(_YOUTUBE, plain.group(1))
    # A post that shows one video many times asks about one address many times; splitting
    # it costs tens of microseconds (issue 12). Long addresses are not kept in memory.
    if len(url) + len(title) <= _CACHED_LENGTH:
        return _recognise(url, title)
    return _recognise.__wrapped__(url, title)


_CACHED_LENGTH = 2048


@lru_cache(maxsize=4096)
def _recognise(url: str, title: str) -> Embed | None:
    if plain := _PLAIN_YOUTUBE.fullmatch(url):
        # What the general path makes of these, without splitting the address (10-20 us, a
        # post of 3,000 distinct videos asks twice per video, issue 12).
        return Embed(PROVIDERS["youtube"], plain.group(1), " ".join(title.split())[:200])
    return _recognise_split(url, title)


def _recognise_split(url: str, title: str) -> Embed | None:
    parts = _split(url)
    found = _HOSTS.get(parts.hostname or "") if parts else None
    if parts is None or found is None:
        return None
    provider = PROVIDERS[found[0]]
    ident = found[1](parts)
    if not provider.ident.fullmatch(ident):
        return None
    return Embed(provider, ident, " ".join(title.split())[:200])


# The YouTube addresses most posts hold, and the frame address we build: https, a host of
# `_HOSTS`, the path `_youtube` reads, an id of the provider's shape, nothing after it.
_PLAIN_YOUTUBE = re.compile(
    r"https://(?:youtu\.be/|www\.youtube-nocookie\.com/embed/|www\.youtube\.com/embed/)"
    r"([A-Za-z0-9_-]{11})"
)


def _split(url: str) -> SplitResult | None:
    url = url.strip()
    if url.startswith("//"):  # protocol-relative, common in old Blogger embeds
        url = "https:" + url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    # user:pass@ is how "https://www.youtube.com@evil.com/" hides its real host.
    if parts.scheme not in {"http", "https"} or "@" in parts.netloc or parts.port:
        return None
    return parts


def host_of(url: str) -> str:
    """The host an unrecognised embed points at, for the note and the import report."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host if re.fullmatch(r"[a-z0-9.-]{1,253}", host) else ""


@lru_cache(maxsize=4096)
def from_key(key: str) -> Embed | None:
    """The embed a `data-embed` value names, when it names one validly."""
    provider_key, _, ident = key.partition(":")
    provider = PROVIDERS.get(provider_key)
    if provider is None or not provider.ident.fullmatch(ident):
        return None
    return Embed(provider, ident)


def is_frame_url(value: str) -> bool:
    """Whether `value` is exactly the iframe URL we build for some embed (the sanitiser keeps
    `data-embed-src` only then, so a hand-written figure cannot aim the script elsewhere)."""
    if len(value) > _CACHED_LENGTH:
        return _is_frame_url.__wrapped__(value)
    return _is_frame_url(value)


@lru_cache(maxsize=4096)
def _is_frame_url(value: str) -> bool:
    embed = recognise(value)
    return embed is not None and embed.frame_url == value


# (scope, key) -> the local URL of the stored poster, or None. The scope is the blog's id:
# posters are media of one blog, like its other images.
PosterFinder = Callable[[int, str], str | None]
_poster_finders: list[PosterFinder] = []


def on_poster(finder: PosterFinder) -> PosterFinder:
    """Register where stored posters are found (the media app does, at start-up): core knows
    no model, so it asks `finder(scope, key)` for the local URL of an embed's poster."""
    if finder not in _poster_finders:
        _poster_finders.append(finder)
    return finder


def poster_for(scope: int | None, key: str) -> str | None:
    if scope is None or not PROVIDERS[key.partition(":")[0]].poster:
        return None
    for finder in _poster_finders:
        found = finder(scope, key)
        if found:
            return found
    return None


def poster_source(embed: Embed) -> str:
    """Where the poster task fetches from: an image, or (`provider.oembed`) an oEmbed answer
    naming one. Never shown to readers: the poster they see is the stored copy."""
    return embed.provider.poster.format(id=embed.ident)


_KEY_IN_HTML = re.compile(r'<figure class="embed[^"]*" data-embed="([^"]*)"')


def poster_keys(rendered: str) -> list[str]:
    """Keys of the embeds in rendered HTML whose provider has posters to fetch."""
    keys = [html_lib.unescape(key) for key in _KEY_IN_HTML.findall(rendered)]
    return [key for key in dict.fromkeys(keys) if (e := from_key(key)) and e.provider.poster]


def facade(embed: Embed, scope: int | None = None) -> str:
    """The canonical figure for `embed`: a link to the provider's page, its poster if stored."""
    return figure(embed, poster_for(scope, embed.key))


@lru_cache(maxsize=1024)
def figure(embed: Embed, poster: str | None) -> str:
    """The facade for `embed` showing the stored `poster` (a local URL), if any."""
    esc = html_lib.escape
    image = f'<img class="embed-poster" src="{esc(poster)}" alt="">' if poster else ""
    return (
        f'<figure class="embed embed-{embed.provider.key}" data-embed="{esc(embed.key)}"'
        f' data-embed-src="{esc(embed.frame_url)}"><a class="embed-link"'
        f' href="{esc(embed.page_url)}">{image}<span class="embed-title">{esc(embed.label)}</span>'
        f' <span class="embed-provider">Play on {esc(embed.provider.name)}</span></a></figure>'
    )


def iframe(embed: Embed) -> str:
    """The plain iframe form, for exports: what Blogger and WordPress understand."""
    esc = html_lib.escape
    return (
        f'<iframe src="{esc(embed.frame_url)}" title="{esc(embed.label)}" width="560"'
        ' height="315" frameborder="0" allowfullscreen></iframe>'
    )


def unknown_note(host: str) -> str:
    where = f" from {host}" if host else ""
    return f'<p class="embed-unknown">An embedded item{where} is not shown.</p>'


class _Attributes(HTMLParser):
    """The attributes of start tags, with entities decoded as a browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _tags(markup: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Attributes()
    # Python's html.parser (before 3.13) stops with an AssertionError on a marked section
    # ("<object><![>" was a server error); no address we read is in one, so it is text.
    parser.feed(markup.replace("<![", "&lt;!["))
    parser.close()
    return parser.tags


# ASCII only, as the tokenizer lowers tag names: "<\u0131frame" is no iframe (and had no
# entry in _CLOSE: a server error).
_OPEN = re.compile(r"<(iframe|object|embed)(?![a-zA-Z0-9])", re.IGNORECASE | re.ASCII)
_CLOSE = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE | re.ASCII) for name in ("iframe", "object")
}
_LONE_URL = re.compile(
    r"""^[ \t]*(<p>[ \t]*)?(?:<a\ href="([^"<>]*)"[^<>]*>([^<>]*)</a>|(https?://[^\s<>"']+))"""
    r"[ \t]*(</p>|<br\s*/?>)?[ \t]*$",
    re.MULTILINE,
)


# Outside the stand-ins `markup` draws for "&" and "<" (U+E000-U+E007); with the nonce
# beside it, no writer can forge a placeholder. A plain YouTube video's placeholder is the
# nonce and the video's id between three marks of its own.
TEXT_MARK, YOUTUBE_MARK, LINK_MARK = MARKS = ("\ue00a", "\ue00b", "\ue00c")
# A paragraph that is a plain YouTube address alone, as cmark-gfm autolinks it: what
# `_lone_url` makes a text placeholder for `Embed(youtube, id)`, read here without a Python
# call per line (issue 12).
_YOUTUBE_LINE = re.compile(
    r'^<p><a href="(https://(?:youtu\.be/|www\.youtube-nocookie\.com/embed/'
    r'|www\.youtube\.com/embed/)([A-Za-z0-9_-]{11}))">\1</a></p>$',
    re.MULTILINE,
)


@dataclass
class Deferred:
    """Facades held back from the sanitiser (issue 12), a placeholder left where each goes.

    A facade is ours, built from a recognised address with every value escaped, yet it is
    ten times the bytes of the iframe or address it replaces: sanitising a post of videos cost
    ten times a flat post. The placeholder is a figure holding a link, which the tree
    builder places as it places the facade (a figure, then a link opened in it); the link's
    text holds a nonce drawn for this render, so no author can write one. `markup.render` puts the
    sanitised facades back, or sanitises the facades in place if any placeholder moved.
    """

    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    facades: list[tuple[Embed, str | None]] = field(default_factory=list)  # (embed, poster)
    # Whether a paragraph that is a lone address may become a text placeholder (see
    # `place_text`): the caller vouches that every tag around it is cmark's, nested shallowly.
    as_text: bool = False
    youtube: int = 0  # how many plain YouTube paragraphs `place_youtube_lines` held back

    def place(self, embed: Embed, poster: str | None) -> str:
        self.facades.append((embed, poster))
        # The nonce as the link's text: an id attribute cost html5ever as much again.
        number = f"{LINK_MARK}{self.nonce}-{len(self.facades) - 1}{LINK_MARK}"
        return f"<figure><a>{number}</a></figure>"

    def place_text(self, embed: Embed, poster: str | None) -> str:
        """A placeholder of two private-use characters around the nonce, for a whole
        paragraph in well-formed markup: the tree builder puts text there exactly where it
        puts a figure (no paragraph open, nothing to reopen), and reading two elements cost
        the sanitiser 3 us, three times a flat post at one video per line (issue 12)."""
        self.facades.append((embed, poster))
        return f"{TEXT_MARK}{self.nonce}-{len(self.facades) - 1}{TEXT_MARK}"

    def place_youtube_lines(
        self, markup: str, scope: int | None, posters: dict[str, str | None]
    ) -> str:
        """`markup` with each paragraph that is a plain YouTube address alone made a text
        placeholder naming the video; unchanged where the blog stored a poster for one
        (`posters` remembers each look-up for the paragraphs read one by one)."""
        if "youtu" not in markup:
            return markup
        if scope is not None:
            for key in {f"youtube:{match.group(2)}" for match in _YOUTUBE_LINE.finditer(markup)}:
                posters[key] = poster_for(scope, key)
            if any(posters.values()):
                return markup
        # Cut and joined in C: a template's group, or a loop, costs a Python call per video.
        pieces = _YOUTUBE_LINE.split(markup)  # text, address, id, text, address, id, text
        count = self.youtube = len(pieces) // 3
        joined = [""] * (4 * count + 1)
        joined[0::4] = pieces[0::3]
        joined[1::4] = [f"{YOUTUBE_MARK}{self.nonce}{YOUTUBE_MARK}"] * count
        joined[2::4] = pieces[2::3]
        joined[3::4] = [YOUTUBE_MARK] * count
        return "".join(joined)

    def text_pattern(self) -> re.Pattern[str]:
        """A text placeholder from `place_text` (the sanitiser writes it as it reads it)."""
        return re.compile(f"{TEXT_MARK}{self.nonce}-([0-9]+){TEXT_MARK}")

    def youtube_pattern(self) -> re.Pattern[str]:
        """A placeholder from `place_youtube_lines`; its group is the video's id."""
        return re.compile(
            f"{YOUTUBE_MARK}{self.nonce}{YOUTUBE_MARK}([A-Za-z0-9_-]{{11}}){YOUTUBE_MARK}"
        )

    def pattern(self, link: str) -> re.Pattern[str]:
        """A placeholder whose link's start tag reads `link` (as written, or as the
        sanitiser wrote it)."""
        number = f"{LINK_MARK}{self.nonce}-([0-9]+){LINK_MARK}"
        return re.compile(f"<figure>{re.escape(link)}{number}</a></figure>")


def canonicalise(
    markup: str,
    found: list[str] | None = None,
    *,
    in_paragraphs: bool = False,
    scope: int | None = None,
    deferred: Deferred | None = None,
) -> str:
    """Author HTML with every embed in its canonical form (see the module docstring).

    `found`, when given, collects the hosts of embeds that are not shown. `in_paragraphs`
    says every line sits in a paragraph (Markdown's output), so a video address on a line of
    its own inside one splits it in two around the figure. `scope` (the blog's id) says whose
    stored posters the facades show. `deferred`, when given, takes each facade and leaves a
    placeholder in its place (see `Deferred`).
    """
    posters: dict[str, str | None] = {}  # one look-up per video, not per time it is shown
    place = partial(_placed, deferred.place if deferred is not None else figure, scope, posters)
    whole = place
    if deferred is not None and deferred.as_text:
        # Every tag is cmark's: no element to replace, and plain YouTube paragraphs are
        # read in one pass.
        whole = partial(_placed, deferred.place_text, scope, posters)
        markup = deferred.place_youtube_lines(markup, scope, posters) if in_paragraphs else markup
    elif _has_element(markup):
        plain = "" if deferred is None else _place_plain_frames(markup, deferred, scope, posters)
        markup = plain if plain else _replace_elements(markup, found, place)
    # Plain substring scans first: most posts hold neither, and the pattern costs a regex
    # step per character of the post (issue 12).
    if '<a href="' not in markup and "http" not in markup:
        return markup
    known: dict[str, Embed | None] = {}  # a post showing one video many times reads it once
    return _LONE_URL.sub(partial(_lone_url, in_paragraphs, place, whole, known), markup)


def _has_element(markup: str) -> bool:
    lowered = markup.lower()
    return "<iframe" in lowered or "<object" in lowered or "<embed" in lowered


def _placed(
    place: Callable[[Embed, str | None], str],
    scope: int | None,
    posters: dict[str, str | None],
    embed: Embed,
) -> str:
    if scope is None:
        return place(embed, None)  # no blog, no stored poster: skip building the key
    key = embed.key
    if key not in posters:
        posters[key] = poster_for(scope, key)  # a database query each, in the media app
    return place(embed, posters[key])


_Place = Callable[[Embed], str]

# An iframe element as Blogger and YouTube's share button write it: a plain YouTube address
# in its one `src`, no `title`, other attributes double-quoted with nothing to decode, and
# nothing inside. `_read_element` makes `Embed(youtube, id)` of each (group 1: the id).
_OTHER_ATTRIBUTE = (
    r'[ \t\n\r\f]++(?!(?i:src|title)[ \t\n\r\f=/>])[a-zA-Z][a-zA-Z0-9-]*+(?:="[^"<>&]*+")?+'
)
_PLAIN_FRAME = re.compile(
    rf"<iframe(?:{_OTHER_ATTRIBUTE})*+[ \t\n\r\f]++src=\"https://(?:youtu\.be/"
    r'|www\.youtube-nocookie\.com/embed/|www\.youtube\.com/embed/)([A-Za-z0-9_-]{11})"'
    rf"(?:{_OTHER_ATTRIBUTE})*+[ \t\n\r\f]*+></iframe>"
)


def _place_plain_frames(
    markup: str, deferred: Deferred, scope: int | None, posters: dict[str, str | None]
) -> str:
    """`markup` with each element made a placeholder figure, as `_replace_elements` would,
    when every iframe, object and embed in it is a plain YouTube iframe (`_PLAIN_FRAME`):
    found, read and placed in C but for a step per distinct video, where the walk cost
    6 us an element (issue 12); "" when any other element is there.

    Each plain element holds one "<iframe" and no other element's opening (its values
    hold no "<"), so when the plain ones are all the walk finds, it finds each whole and
    ends each at its own "</iframe>"."""
    pieces = _PLAIN_FRAME.split(markup)  # text, id, text, id, ..., text
    ids = pieces[1::2]
    if not ids or len(ids) != len(_OPEN.findall(markup)):
        return ""
    distinct = {ident: Embed(_YOUTUBE, ident) for ident in dict.fromkeys(ids)}
    if scope is not None:
        for ident in distinct:
            key = f"youtube:{ident}"
            if key not in posters:
                posters[key] = poster_for(scope, key)
    found = {ident: (embed, posters.get(embed.key)) for ident, embed in distinct.items()}
    first, count = len(deferred.facades), len(ids)
    deferred.facades += map(found.__getitem__, ids)
    # Each id becomes "<figure><a>", a mark, the nonce and number, a mark, "</a></figure>".
    joined = [""] * (4 * count + 1)
    joined[0::4] = pieces[0::2]
    joined[1::4] = [f"<figure><a>{LINK_MARK}{deferred.nonce}-"] * count
    joined[2::4] = map(str, range(first, first + count))
    joined[3::4] = [f"{LINK_MARK}</a></figure>"] * count
    return "".join(joined)


def _replace_elements(markup: str, found: list[str] | None, place: _Place) -> str:
    out: list[str] = []
    position = 0
    for tag in start_tags(markup, _OPEN):
        if position == len(markup):
            break  # an element that never closed took the rest of the post
        if tag.start < position:
            continue  # inside an object already replaced
        end = _element_end(markup, tag)
        out += [markup[position : tag.start], _replace(markup[tag.start : end], found, place)]
        position = end
    out.append(markup[position:])
    return "".join(out)


def _element_end(markup: str, tag: Tag) -> int:
    if tag.name == "embed":
        return tag.end
    close = _CLOSE[tag.name].search(markup, tag.end)
    # An unclosed iframe swallows the rest of the document in a browser too.
    return close.end() if close else len(markup)


def _replace(element: str, found: list[str] | None, place: _Place) -> str:
    # The same embed written the same way is read once per process (issue 12); its poster
    # is still looked up every time, as it may have been stored since.
    read = _read_element if len(element) <= _CACHED_LENGTH else _read_element.__wrapped__
    embed, host = read(element)
    if embed is not None:
        return place(embed)
    if found is not None:
        found.append(host or "(no address)")
    return unknown_note(host)


@lru_cache(maxsize=1024)
def _read_element(element: str) -> tuple[Embed | None, str]:
    """The embed an iframe, object or embed element shows, else the host it points at."""
    tags = _tags(_leading_tags(element))
    title = tags[0][1].get("title", "") if tags else ""
    sources = [_source(tag, attrs) for tag, attrs in tags]
    urls = [url for url in sources if url]
    for url in urls:
        embed = recognise(url, title)
        if embed is not None:
            return embed, ""
    return None, host_of(urls[0]) if urls else ""


def _leading_tags(element: str) -> str:
    # An iframe or object that never closes runs to the end of the post, as in a browser.
    # The address that names an embed is in its first few tags (the element's own, its
    # <param>s); reading every tag of the rest cost a parse of the post per such element.
    for count, tag in enumerate(start_tags(element), 1):
        if count == _MAX_SOURCE_TAGS:
            return element[: tag.end]
    return element


_MAX_SOURCE_TAGS = 32


def _source(tag: str, attrs: dict[str, str]) -> str:
    if tag in {"iframe", "embed"}:
        return attrs.get("src", "")
    if tag == "object":
        return attrs.get("data", "")
    if tag == "param" and attrs.get("name", "").lower() in {"movie", "src"}:
        return attrs.get("value", "")
    return ""


def _lone_url(
    in_paragraphs: bool,
    place: _Place,
    whole: _Place,
    known: dict[str, Embed | None],
    match: re.Match[str],
) -> str:
    opened, href, text, bare, closed = match.groups()
    if bare is None and href != text and html_lib.unescape(href) != html_lib.unescape(text):
        return match.group(0)  # a link with words of its own stays a link
    url = bare or href
    if url not in known:
        known[url] = recognise(html_lib.unescape(url) if "&" in url else url)
    embed = known[url]
    if embed is None:
        return match.group(0)
    if in_paragraphs and opened and closed == "</p>":
        return whole(embed)  # the paragraph was the address alone
    # A figure cannot sit in a <p>: end the paragraph before it and reopen it after.
    before = "</p>" if in_paragraphs and not opened else ""
    after = "<p>" if in_paragraphs and closed != "</p>" else ""
    return before + place(embed) + after


def unknown_hosts(markup: str) -> list[str]:
    """Hosts of the embeds in `markup` that are kept in the source but not shown."""
    found: list[str] = []
    canonicalise(markup, found)
    return found


_FIGURE = re.compile(r'<figure class="embed[^"]*" data-embed="([^"]*)"[^>]*>.*?</figure>', re.S)


def as_iframes(markup: str) -> str:
    """Rendered HTML with each facade turned back into an iframe, for exports."""

    def swap(match: re.Match[str]) -> str:
        embed = from_key(html_lib.unescape(match.group(1)))
        title = re.search(r'<span class="embed-title">([^<]*)</span>', match.group(0))
        if embed is None:
            return match.group(0)
        label = html_lib.unescape(title.group(1)) if title else ""
        return iframe(Embed(embed.provider, embed.ident, label))

    return _FIGURE.sub(swap, markup)
