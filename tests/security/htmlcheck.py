"""What in a page could run someone else's code, as a browser's HTML parser sees it.

Pages are parsed with html5lib, which implements the HTML5 parsing algorithm that browsers
use: a payload that a lenient parser reads as text but a browser reads as a tag (or the other
way round) is judged the way the browser would judge it.

`findings(html)` lists everything that is dangerous *or* that only our own templates should
write: script, frame, object, form, base, meta, link, style, svg and math elements (as a
signature that leaves out what varies with the content), event-handler attributes, style
attributes, `srcdoc`/`formaction`, and `javascript:`/`vbscript:`/`data:` URLs. Our pages
legitimately hold some of these (the JSON-LD block, feed links, the comment form), so a page
full of payloads is compared with the same kind of page rendered from harmless text:
`foreign(page, baseline)` is what appears only with the payloads, and must be empty.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import html5lib

# Elements a post body or a comment can never legitimately bring: the sanitiser drops them,
# and the templates write only a known few.
WATCHED = {
    *("script", "iframe", "frame", "frameset", "object", "embed", "applet", "form"),
    *("base", "meta", "link", "style", "svg", "math", "template", "portal", "noscript"),
    *("isindex", "xml", "import", "param", "xmp", "plaintext", "listing", "noembed"),
}
# Which attributes say what a watched element is; the others (a meta's content, a link's
# title or href, which hold the blog's own text) vary with harmless content too.
IDENTITY = {
    "script": ("type", "src"),
    "meta": ("name", "property", "http-equiv", "charset"),
    "link": ("rel", "type"),
    "form": ("method", "action"),
}
URL_ATTRIBUTES = {
    *("href", "src", "action", "formaction", "data", "background", "poster", "srcset"),
    *("cite", "lowsrc", "dynsrc", "codebase", "code", "ping", "manifest", "icon"),
    *("longdesc", "xlink:href", "href", "to", "from", "values", "by", "usemap", "profile"),
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
ALWAYS_DANGEROUS_ATTRIBUTES = {"srcdoc", "formaction", "style", "xmlns:xlink"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\ufeff]")


def parse(html: str | bytes) -> Element:
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def local(name: str) -> str:
    """`{http://www.w3.org/2000/svg}svg` -> `svg`."""
    return name.rsplit("}", 1)[-1].lower()


def _attribute_name(name: str) -> str:
    if name.startswith("{http://www.w3.org/1999/xlink}"):
        return "xlink:" + local(name)
    return local(name)


def _digits(value: str) -> str:
    """Ids and blog names vary between a hostile blog and its harmless twin; what the
    element is does not."""
    value = re.sub(r"^/studio/(comments/)?[a-z0-9-]+/", r"/studio/\1BLOG/", value)
    return re.sub(r"\d+", "N", value)


def _signature(tag: str, attributes: dict[str, str]) -> str:
    keys = IDENTITY.get(tag)
    if keys is None:
        shown = sorted(attributes)
    else:
        shown = [f"{key}={_digits(attributes[key])!r}" for key in keys if key in attributes]
    return f"<{tag} {' '.join(shown)}>".replace(" >", ">")


def _url_is_dangerous(name: str, value: str) -> bool:
    squeezed = _INVISIBLE.sub("", value).lower()
    # A srcset holds several URLs, comma-separated; elsewhere a comma is part of the URL.
    parts = squeezed.split(",") if name == "srcset" else [squeezed]
    return any(part.startswith(DANGEROUS_SCHEMES) for part in parts)


def _element_findings(element: Element) -> Iterator[str]:
    tag = local(str(element.tag))
    attributes = {_attribute_name(key): value for key, value in element.attrib.items()}
    if tag == "meta" and _describes_content(attributes):
        # Ours, one per fact about the page (og:image only when a post has an image): their
        # number varies with harmless content, so only their URLs are judged.
        key = attributes.get("property") or attributes.get("name") or ""
        url = attributes.get("content", "") if key.endswith((":image", ":url", ":src")) else ""
        if url and _url_is_dangerous("content", url):
            yield f"<meta content={attributes['content'][:60]!r}>"
    elif tag in WATCHED:
        yield _signature(tag, attributes)
    if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
        yield "<meta http-equiv=refresh>"
    if tag == "script" and attributes.get("type") == "application/ld+json":
        try:
            json.loads(element.text or "")
        except ValueError:
            yield "<script type=application/ld+json> whose text is not JSON (broken out of)"
    for name, value in attributes.items():
        if name.startswith("on") or name in ALWAYS_DANGEROUS_ATTRIBUTES:
            yield f"<{tag} {name}=…>"
        elif name in URL_ATTRIBUTES and _url_is_dangerous(name, value):
            yield f"<{tag} {name}={value[:60]!r}>"


def _describes_content(attributes: dict[str, str]) -> bool:
    """Link-preview and description metadata: `<meta property=og:…>` and friends."""
    if "http-equiv" in attributes or "charset" in attributes:
        return False
    key = attributes.get("property") or attributes.get("name") or ""
    return key == "description" or key.startswith(("og:", "twitter:", "article:"))


def findings(html: str | bytes) -> Counter[str]:
    """Everything on the page that only we may write, or nobody may, counted."""
    found: Counter[str] = Counter()
    for element in parse(html).iter():
        if isinstance(element.tag, str):
            found.update(_element_findings(element))
    return found


def foreign(page: str | bytes, baseline: Counter[str]) -> list[str]:
    """What `page` holds beyond what the harmless page of the same kind holds."""
    return sorted((findings(page) - baseline).elements())


def fragment_findings(html: str) -> Counter[str]:
    """The same for an HTML fragment (a feed entry's content): nothing at all may be there."""
    found: Counter[str] = Counter()
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in tree.iter():
        if isinstance(element.tag, str):
            found.update(_element_findings(element))
    return found
