"""Turn an author's Markdown or HTML into HTML that is safe to print as-is.

Everything that reaches a page goes through `sanitize`, an nh3 (ammonia) allow-list made for
blog posts written by the blog's own authors: no scripts, styles, frames, forms or SVG; only
http, https, mailto and relative URLs on links, and only http, https and relative URLs on
images and media. Authors are trusted with `id` and `class` (the footnote plugin needs them),
comment text is not: comments need a stricter policy of their own.

The jump break: Blogger authors put `<!--more-->` where the home page should stop and show
"Read more". The sanitiser strips comments, so `render` turns the first marker into
`<span id="more"></span>` before sanitising. That is the anchor Blogger itself puts at the
break, so a "Read more" link to `POST_URL#more` lands where Blogger's did. `split_jump` finds
either form: the comment in source, the span in rendered HTML.

Embeds and presentation (issue 13): before sanitising, `embeds.canonicalise` turns iframes,
Flash objects and lone provider addresses into the click-to-load facade (docs/embeds.md), and
`presentation.styles_to_classes` maps the few allowed style declarations to theme classes;
the sanitiser then keeps the facade's two data attributes only when `core.embeds` vouches for
them.

Markdown is CommonMark plus tables, strikethrough, footnotes and bare-URL links, parsed by
cmark-gfm (`markdown_rules`). Raw HTML in Markdown is allowed and meets the same sanitiser.
Table column alignment (cmark writes `align="right"`) becomes a class (`align-left`,
`align-center`, `align-right`) in `presentation`, because no `style` or `align` survives.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from functools import cache, lru_cache, partial
from html.parser import HTMLParser

import nh3

from broadsheet.core import embeds, markdown_rules, presentation
from broadsheet.core.nesting import MAX_DEPTH, bound_depth, split_sanitised_references
from broadsheet.core.stability import one_pass_is_stable

MARKDOWN = "markdown"
HTML = "html"
JUMP_ANCHOR = '<span id="more"></span>'

_JUMP_COMMENT = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
_JUMP_ANY = re.compile(rf"{_JUMP_COMMENT.pattern}|{re.escape(JUMP_ANCHOR)}", re.IGNORECASE)

_TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "span"),
    *("strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark"),
    *("abbr", "cite", "q", "code", "pre", "kbd", "samp", "blockquote", "time"),
    *("ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption"),
    *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "details", "summary"),
    *("video", "audio", "source"),
}
# Dropped together with their content: their text is code, CSS or a nested document, never
# something the reader was meant to see. svg and math go too, they are the usual way to get a
# parser to switch namespaces and re-read text as markup (mutation XSS).
_DROP_WITH_CONTENT = {
    *("script", "style", "template", "noscript", "noembed", "noframes", "xmp"),
    *("iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math"),
}
_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    # The canonical embed facade (core/embeds.py); both values are re-checked in the filter.
    "figure": {"data-embed", "data-embed-src"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading"},
    "video": {"src", "poster", "controls", "width", "height", "loop", "muted", "playsinline"},
    "audio": {"src", "controls", "loop", "muted"},
    "source": {"src", "type", "media"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "time": {"datetime"},
    "details": {"open"},
}
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_MEDIA_SCHEMES = frozenset({"http", "https"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_URL_ATTRIBUTES = {"href", "src", "poster", "srcset"}
_BEFORE_PATH = re.compile(r"[^/?#]*")
# URLs that start so are http(s) or relative in both readings, with or without entities.
_PLAIN_STARTS = ("https://", "http://", "/", "#", "?")
_MAX_PASSES = 4
# One whole tag of nh3's output, then an optional newline. Values are always double-quoted
# and text never holds a raw "<", so a "<pre>" inside an attribute value cannot match.
_TAG_THEN_NEWLINE = re.compile(r'(<[^"<>]*(?:"[^"]*"[^"<>]*)*>)(\n?)')
# C0 and C1 controls (U+0000-001F, U+007F-009F) show nothing, yet the sanitiser passes them on
# (raw, or decoded from "&#2;"), and plain text feeds the search index, snippets and meta tags.
# The ones Python counts as whitespace (\t \n \v \f \r, U+001C-001F, U+0085) are not in this
# class: `plain_text` collapses them to a space, so they still keep words apart.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# Characters XML 1.0 cannot carry at all, not even as references. The HTML parser keeps them
# (raw or decoded from "&#2;"), and one of them in a post made every feed that carried the post
# fail to build (lxml and Django's XML writer refuse them). The ones Python counts as white
# space (vertical tab, form feed, U+001C-001F) become spaces, so the words on either side stay
# apart, as `plain_text` keeps them; the others show nothing and go.
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0e-\x1b\ufffe\uffff]")
_XML_SPACES = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x1f", " "))
_XML_SPACE_CHARS = re.compile(r"[\x0b\x0c\x1c-\x1f]")
_XML_UNSAFE_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def render(source: str, fmt: str, *, doc_id: str = "", blog_id: int | None = None) -> str:
    """Markdown or author HTML -> sanitised HTML, safe to output as-is.

    `doc_id` goes into Markdown footnote ids (`fn-ID-1`), so two posts with footnotes can
    share a listing page without duplicate ids. `blog_id` lets embed facades show the posters
    that blog has stored (core/embeds.py).
    """
    if fmt == MARKDOWN:
        html = markdown_rules.to_html(source, doc_id)
    elif fmt == HTML:
        # Blogger bodies rely on <br> and bare line breaks: they go through untouched.
        html = source
    else:
        raise ValueError(f"unknown markup format {fmt!r}")
    # Markdown without a "<" holds no HTML of its writer's: every tag is cmark's or ours.
    tags_known = fmt == MARKDOWN and "<" not in source
    # Embeds and presentation are recognised in the author's markup, before the sanitiser
    # would drop the iframes and style attributes they live in (issue 13).
    marked = any(mark in html for mark in embeds.MARKS)
    text_ok = tags_known and not marked and _shallow(html)
    deferred = embeds.Deferred(as_text=text_ok)
    html = presentation.styles_to_classes(
        embeds.canonicalise(html, in_paragraphs=fmt == MARKDOWN, scope=blog_id, deferred=deferred)
    )
    html = _JUMP_COMMENT.sub(JUMP_ANCHOR, html, count=1)
    clean = partial(_sanitize, tags_known=tags_known)
    if not deferred.facades and not deferred.youtube:
        return clean(html)
    # The facades are ours and sanitise alike anywhere; only the writer's markup around
    # them needs reading (issue 12). Where a placeholder did not come through whole, the
    # facades are sanitised in place, as they always were.
    # In author HTML, a placeholder figure where the depth pass proves text would be placed
    # alike becomes text, which html5ever reads far faster (issue 12, session 10).
    as_text = None if deferred.as_text else _placeholders_as_text(deferred)
    done = _put_back(clean(html, as_text=as_text), deferred)
    return done if done is not None else clean(_restored(html, deferred))


def _placeholders_as_text(deferred: embeds.Deferred) -> tuple[re.Pattern[str], str] | None:
    if not deferred.facades:
        return None
    text = f"{embeds.TEXT_MARK}{deferred.nonce}-\\1{embeds.TEXT_MARK}"
    return deferred.pattern("<a>"), text


def _put_back(cleaned: str, deferred: embeds.Deferred) -> str | None:
    if deferred.youtube and not (cleaned := _put_back_youtube(cleaned, deferred)):
        return None
    written, seen = _written_all(deferred), set[int]()
    done = _put_back_figures(cleaned, deferred.nonce, written, seen)
    if done is None:
        return None

    def text(match: re.Match[str]) -> str:
        seen.add(int(match.group(1)))
        return written[int(match.group(1))]

    if embeds.TEXT_MARK in done:
        texts = _put_back_texts(done, deferred.nonce, written, seen)
        done = texts if texts is not None else deferred.text_pattern().sub(text, done)
    # Each facade put back once: none lost or copied by the tree builder.
    whole = seen == set(range(len(written))) and deferred.nonce not in done
    return done if whole else None


def _written_all(deferred: embeds.Deferred) -> list[str]:
    """Every held-back facade as the sanitiser writes it, each distinct one written once."""
    # A facade placed many times is often the same tuple (`embeds._place_plain_frames`):
    # those are told apart in C, by identity, before a Python step per distinct one.
    tuples = list(map(id, deferred.facades))
    seen: dict[tuple[int, str | None], str] = {}
    written: dict[int, str] = {}
    for tuple_id, (embed, poster) in dict(zip(tuples, deferred.facades, strict=True)).items():
        key = (id(embed), poster)
        if key not in seen:
            seen[key] = _written_youtube(embed, poster) or _written_facade(embed, poster)
        written[tuple_id] = seen[key]
    return list(map(written.__getitem__, tuples))


# The placeholder figure and its link as the sanitiser writes them: with the rel every
# link gets, the nonce and number between two marks as the link's text.
_FIGURE_OPEN = f'<figure><a rel="noopener">{embeds.LINK_MARK}'
_FIGURE_CLOSE = f"{embeds.LINK_MARK}</a></figure>"


def _put_back_figures(cleaned: str, nonce: str, written: list[str], seen: set[int]) -> str | None:
    # Cut at the marks and joined in C, not a Python call per placeholder (issue 12);
    # None unless each figure placeholder came through whole. `seen` takes their numbers.
    parts = cleaned.split(embeds.LINK_MARK)
    if len(parts) % 2 == 0:
        return None
    numbers = _numbers(parts[1::2], nonce, len(written))
    if numbers is None:
        return None
    seen.update(numbers)
    if not numbers:
        return cleaned
    # Each text between two marks is the nonce and a number, so a mark that follows the
    # figure's opening opens a placeholder and one the closing follows ends one: when
    # both are counted once per placeholder, every placeholder is whole.
    opened, closed = _FIGURE_OPEN[:-1], _FIGURE_CLOSE[1:]
    mark = embeds.LINK_MARK
    if cleaned.count(opened + mark) != len(numbers) or cleaned.count(mark + closed) != len(numbers):
        return None
    parts = cleaned.replace(opened + mark, mark).replace(mark + closed, mark).split(mark)
    parts[1::2] = map(written.__getitem__, numbers)
    return "".join(parts)


def _put_back_texts(cleaned: str, nonce: str, written: list[str], seen: set[int]) -> str | None:
    # Cut at the marks and joined in C, as `_put_back_figures`; None where any text between
    # two marks is not a placeholder of this render (a writer's own private-use characters),
    # for the pattern to find them one by one. Text is never copied by the tree builder,
    # so a number is never seen twice.
    parts = cleaned.split(embeds.TEXT_MARK)
    if len(parts) % 2 == 0:
        return None
    numbers = _numbers(parts[1::2], nonce, len(written))
    if numbers is None or not seen.isdisjoint(numbers):
        return None
    seen.update(numbers)
    parts[1::2] = map(written.__getitem__, numbers)
    return "".join(parts)


def _numbers(texts: list[str], nonce: str, count: int) -> list[int] | None:
    """The placeholders' numbers, when each text is the nonce and a distinct number below
    `count`."""
    prefix = f"{nonce}-"
    if len(texts) == count and texts == list(map(f"{prefix}{{}}".format, range(count))):
        return list(range(count))  # the usual case: every one, in the order placed
    digits = len(prefix)
    if not all(text.startswith(prefix) and text[digits:].isascii() for text in texts):
        return None
    if not all(text[digits:].isdigit() for text in texts):
        return None
    numbers = [int(text[len(prefix) :]) for text in texts]
    unique = len(set(numbers)) == len(numbers) and all(n < count for n in numbers)
    return numbers if unique else None


def _restored(html: str, deferred: embeds.Deferred) -> str:
    def facade(match: re.Match[str]) -> str:
        return embeds.figure(*deferred.facades[int(match.group(1))])

    def youtube(match: re.Match[str]) -> str:
        return embeds.figure(embeds.Embed(embeds.PROVIDERS["youtube"], match.group(1)), None)

    html = deferred.pattern("<a>").sub(facade, html)
    html = deferred.text_pattern().sub(facade, html)
    return deferred.youtube_pattern().sub(youtube, html)


def _put_back_youtube(cleaned: str, deferred: embeds.Deferred) -> str:
    # Each placeholder came through whole (the nonce between two marks, an id, a mark) or
    # the answer is "". Cut and joined in C, as `Deferred.place_youtube_lines` placed them.
    parts, count = cleaned.split(embeds.YOUTUBE_MARK), deferred.youtube
    if len(parts) != 3 * count + 1 or parts[1::3] != [deferred.nonce] * count:
        return ""
    ids = parts[2::3]
    if set(map(len, ids)) != {11} or not _YOUTUBE_IDS(f"{''.join(ids)}"):
        return ""
    joined = [""] * (8 * count + 1)
    joined[0::8] = parts[0::3]
    for offset, piece in enumerate(_YOUTUBE_PIECES):
        joined[2 * offset + 1 :: 8] = [piece] * count
    joined[2::8] = joined[4::8] = joined[6::8] = ids
    return "".join(joined)


def _written_youtube(embed: embeds.Embed, poster: str | None) -> str:
    """The usual case, once per distinct video, without the cache's hashing: every value is
    the id (letters, digits, "_" and "-", nothing to escape) in addresses the filter keeps
    (tests/core/test_embeds.py); "" for any other embed."""
    if embed.provider.key != "youtube" or poster or embed.title:
        return ""
    return _YOUTUBE_FACADE.format(id=embed.ident) if _YOUTUBE_ID(embed.ident) else ""


# The elements cmark-gfm nests blocks in (a paragraph sits in a quote, a list item or the
# footnotes' section), and their end tags.
_CONTAINER_TAG = re.compile(r"<(/?)(?:blockquote|ul|ol|li|section)[ >]")


def _shallow(html: str) -> bool:
    """Whether cmark's `html` nests its blocks so shallowly that a facade in place of any
    paragraph stays well inside `nesting.MAX_DEPTH` (deeper, the depth pass would drop the
    placeholder figure's wrappers, and a text placeholder must not outlive it)."""
    if "<blockquote" not in html and "<li" not in html and "<section" not in html:
        return True
    depth = deepest = 0
    for closing in _CONTAINER_TAG.findall(html):
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    return deepest <= MAX_DEPTH // 2


@lru_cache(maxsize=1024)
def _written_facade(embed: embeds.Embed, poster: str | None) -> str:
    """`embeds.figure(embed, poster)` as `_clean_once` writes it out, without reading it:
    the same filter on every attribute, the rel every link gets, the serialiser's escaping
    (tests/core/test_embeds.py holds the two equal for any title and poster)."""
    if poster and not _LOCAL_PATH.fullmatch(poster):
        # Stored posters are local paths; any other address is judged by the sanitiser's
        # own URL parser, which refuses some that ours lets through.
        return _clean_once(embeds.figure(embed, poster))
    if youtube := _written_youtube(embed, poster):
        return youtube
    image = _tag("img", ("class", "embed-poster"), ("src", poster), ("alt", "")) if poster else ""
    return xml_safe(
        _tag("figure", ("class", f"embed embed-{embed.provider.key}"), ("data-embed", embed.key),
             ("data-embed-src", embed.frame_url))
        + _tag("a", ("class", "embed-link"), ("href", embed.page_url), ("rel", "noopener"))
        + f'{image}<span class="embed-title">{_written(embed.label, "")}</span>'
        + f' <span class="embed-provider">Play on {_written(embed.provider.name, "")}</span>'
        + "</a></figure>"
    )  # fmt: skip


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}").fullmatch
_YOUTUBE_FACADE = (
    '<figure class="embed embed-youtube" data-embed="youtube:{id}"'
    ' data-embed-src="https://www.youtube-nocookie.com/embed/{id}"><a class="embed-link"'
    ' href="https://www.youtube.com/watch?v={id}" rel="noopener"><span class="embed-title">'
    'YouTube video</span> <span class="embed-provider">Play on YouTube</span></a></figure>'
)
# The facade around its three ids, put back where a YouTube placeholder was.
_YOUTUBE_PIECES = _YOUTUBE_FACADE.split("{id}")
_YOUTUBE_IDS = re.compile("[A-Za-z0-9_-]*").fullmatch
_WRITTEN_OTHERWISE = re.compile('[\r&<>"\xa0\x00]')
_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/._~%+-]*")


def _tag(name: str, *attributes: tuple[str, str]) -> str:
    kept = [(key, _filter_attribute(name, key, value)) for key, value in attributes]
    return (
        f"<{name}"
        + "".join(f' {k}="{_written(v, chr(34))}"' for k, v in kept if v is not None)
        + ">"
    )


def _written(text: str, quote: str) -> str:
    # What html5ever reads and writes: line ends as "\n"; "&", "<", ">" and no-break spaces
    # escaped, the double quote too in attribute values; NUL dropped from text and made
    # U+FFFD in attributes.
    if not _WRITTEN_OTHERWISE.search(text):
        return text  # most values: a class, an address of ours, a provider's name
    text = (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    text = text.replace("\xa0", "&nbsp;").replace("\x00", "\ufffd" if quote else "")
    return text.replace(quote, "&quot;") if quote else text


def sanitize(html: str) -> str:
    """Clean HTML with the blog-post allow-list; the result cleans to itself.

    Nothing comes out nested deeper than `nesting.MAX_DEPTH`: deeper wrappers are left out and
    their text kept, so that parsing stays linear in the input (issue 12)."""
    return _sanitize(html)


def _sanitize(
    html: str,
    *,
    tags_known: bool = False,
    as_text: tuple[re.Pattern[str], str] | None = None,
) -> str:
    stand_ins = _stand_ins(html)
    bounded = bound_depth(html, stand_ins=stand_ins, as_text=as_text)
    current = _clean_once(bounded)
    if stand_ins is not None:  # the text's "&" and "<", as the sanitiser writes them
        current = current.replace(stand_ins[0], "&amp;").replace(stand_ins[1], "&lt;")
    # Some trees cannot be written out and read back unchanged ("<p>a<button></p>" leaves a
    # <p> inside a <p>). Output that shifts when parsed again is where mutation XSS starts,
    # and feeds and importers re-sanitise what we stored, so clean until nothing moves
    # unless the input holds none of the shapes that can move (core/stability.py): the
    # proving pass cost as much as the first one.
    if one_pass_is_stable(bounded, current, _TAGS, tags_known=tags_known):
        return current
    for _ in range(_MAX_PASSES):
        again = _clean_once(split_sanitised_references(current))
        if again == current:
            return current
        current = again
    # Never seen in practice; if a tree keeps shifting, fall back to its inert text. A text
    # placeholder must not outlive its figure there (a figure's marks are text too, but the
    # figure put-back wants them in their figure): without its marks, `render` sanitises the
    # facades in place.
    inert = html_lib.escape(plain_text(current), quote=False)
    return inert if as_text is None else inert.replace(embeds.TEXT_MARK, "")


def _stand_ins(html: str) -> tuple[str, str] | None:
    # Two private-use characters the text does not hold (see `nesting.bound_depth`); a text
    # that holds every candidate is read with its references, as before.
    free = [char for char in _STAND_IN_CANDIDATES if char not in html]
    return (free[0], free[1]) if len(free) >= 2 else None


_STAND_IN_CANDIDATES = [chr(code) for code in range(0xE000, 0xE008)]


def _clean_once(html: str) -> str:
    # ammonia calls our attribute filter from Rust for every attribute it keeps, which cost
    # more than the rest of cleaning a page of links or footnotes (issue 12). Where no value
    # needs what only the filter checks, its own scheme check on href and src is the same.
    cleaner = _cleaner(filtered=_needs_filter(html))
    cleaned = cleaner.clean(html)
    if "<pre" in cleaned:  # the tag-by-tag pass costs a Python call per tag (issue 12)
        cleaned = _TAG_THEN_NEWLINE.sub(_keep_pre_newline, cleaned)
    return xml_safe(cleaned)


def xml_safe(text: str) -> str:
    """`text` with the characters XML 1.0 cannot carry made spaces or dropped (see above)."""
    # Most texts hold none: a scan of the UTF-8 bytes says so in C, where the patterns below
    # cost a regex step per character of every post (issue 12). Controls are single bytes
    # in UTF-8; U+FFFE and U+FFFF are the only three-byte forms to look for.
    raw = text.encode("utf-8", "surrogatepass")
    clean = len(raw.translate(None, _XML_UNSAFE_BYTES)) == len(raw)
    if clean and b"\xef\xbf\xbe" not in raw and b"\xef\xbf\xbf" not in raw:
        return text
    # str.translate looks every character up in a dict once the text is not all ASCII
    # (a footnote's back-arrow is enough); most texts hold none of these spaces.
    if _XML_SPACE_CHARS.search(text):
        text = text.translate(_XML_SPACES)
    return _XML_FORBIDDEN.sub("", text)


def plain_text(html: str) -> str:
    """Visible text of sanitised HTML, entities decoded, control characters dropped and
    whitespace collapsed. Only sanitised HTML: on some broken markup Python's parser takes
    time in the square of its length (`sanitize` first)."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join(_CONTROLS.sub("", "".join(collector.parts)).split())


def snippet(html: str, length: int = 200) -> str:
    """Plain-text teaser: the first `length` characters cut back to a word boundary and
    ending in '...' when cut (Blogger's Featured Post / summary style); unchanged when short
    enough. The '...' comes on top of `length`."""
    text = plain_text(html)
    if len(text) <= length:
        return text
    # Look one character past the limit: a space there means the cut falls between words.
    head = text[: length + 1].rsplit(" ", 1)[0] if " " in text[: length + 1] else text[:length]
    return head.rstrip(" ,;:.!?-\u2013\u2014") + "..."


def has_jump(html: str) -> bool:
    """Whether the HTML or source holds a jump break (`split_jump` would cut it)."""
    return _JUMP_ANY.search(html) is not None


def split_jump(html: str) -> tuple[str, bool]:
    """Blogger's jump break: text before `<!--more-->` (Markdown or HTML source) and whether
    there was one.

    Rendered HTML is cut at `<span id="more"></span>` and re-sanitised, which closes any
    element left open when the break sat inside a paragraph. Source is cut as it is: render
    the part you keep.
    """
    match = _JUMP_ANY.search(html)
    if match is None:
        return html, False
    head = html[: match.start()]
    if match.group(0).lower() == JUMP_ANCHOR:
        return sanitize(head), True
    return head.rstrip(), True


def _keep_pre_newline(match: re.Match[str]) -> str:
    # html5ever, like browsers, drops the newline right after <pre> when parsing but does not
    # write one back, so "<pre>\n\nx" would lose a line on every pass. Doubling it keeps
    # sanitize(sanitize(x)) == sanitize(x).
    tag, newline = match.groups()
    if newline and re.match(r"<pre[\s>]", tag):
        return tag + "\n\n"
    return match.group(0)


@cache
def _cleaner(filtered: bool = True) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute if filtered else None,
        url_schemes=set(_LINK_SCHEMES),
        link_rel="noopener",
    )


def _needs_filter(html: str) -> bool:
    """Whether `_filter_attribute` may judge otherwise than ammonia alone: an attribute
    ammonia does not read as a URL or check at all (poster, srcset, the embed's two), or an
    href or src whose value does not start as `_url_allowed` passes unread (mailto: on an
    image, a scheme behind entities or invisible characters). Each name is counted anywhere,
    in any case, even in text or another value: a false alarm only costs the filter."""
    if "=" not in html:
        return False  # no attribute has a value: the filter has nothing to judge
    low = html.lower()
    if "poster" in low or "srcset" in low or "data-embed" in low:
        return True
    plain = sum(low.count(f'{name}="{start}') for name in _URLS for start in _PLAIN_STARTS)
    return plain != sum(low.count(name) for name in _URLS)


_URLS = ("href", "src")


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    # ammonia vets href and src only, and allows one scheme list for every tag; srcset and
    # poster are URLs too, and images must not point at mailto:.
    if name == "data-embed":
        return value if embeds.from_key(value) else None
    if name == "data-embed-src":
        return value if embeds.is_frame_url(value) else None
    if name not in _URL_ATTRIBUTES:
        return value
    allowed = _LINK_SCHEMES if tag == "a" else _MEDIA_SCHEMES
    # srcset candidates are judged whole, descriptor included: "jav\tascript:x 2x" must not
    # pass as the relative URL "jav". A URL holding a comma splits into harmless pieces.
    urls = value.split(",") if name == "srcset" else [value]
    return value if all(_url_allowed(url, allowed) for url in urls) else None


def _url_allowed(url: str, allowed: frozenset[str]) -> bool:
    # Browsers ignore tabs, newlines and leading controls inside a scheme ("jav\tascript:"),
    # and a value may carry one more layer of entities than the parser removed. Judge the
    # squeezed, case-folded form of both readings; a relative URL has no scheme at all.
    # A scheme ends before the first "/", "?" or "#", so only what comes before is read
    # character by character (a page of links cost a Python call per character, issue 12).
    if url.startswith(_PLAIN_STARTS):
        return True  # no scheme but http(s), however read: skip the readings (issue 12)
    for reading in (url, html_lib.unescape(url)) if "&" in url else (url,):
        head = _BEFORE_PATH.match(reading).group()  # type: ignore[union-attr]
        match = _SCHEME.match(_squeezed(head).casefold())
        if match and match.group(1) not in allowed:
            return False
    return True


def _squeezed(text: str) -> str:
    if text.isascii() and text.isprintable() and " " not in text:
        return text  # nothing invisible: skip the walk character by character
    return "".join(ch for ch in text if not _is_invisible(ch))


def _is_invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf"}


_BLOCKS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "li", "dt"),
    *("dd", "blockquote", "pre", "figure", "figcaption", "table", "tr", "td", "th"),
    *("caption", "details", "summary", "ul", "ol", "dl"),
}

# Not visible, should unsanitised HTML ever be passed in.
_HIDDEN = {"script", "style", "template"}


class _TextCollector(HTMLParser):
    """Gathers text, with a space wherever a block ends so paragraphs do not run together."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def comment_html(text: str) -> str:
    """A comment's plain text as safe HTML: paragraphs and line breaks kept, bare links made
    clickable with `rel="nofollow ugc noopener"`, everything else escaped. Stored with the
    comment (`Comment.body_html`) so that a page with a hundred comments does not run it a
    hundred times."""
    from django.utils.html import linebreaks, urlize

    linked = urlize(text, nofollow=True, autoescape=True)
    linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return str(linebreaks(linked, autoescape=False))
