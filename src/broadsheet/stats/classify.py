"""What the worker reads from a view's user agent and referrer: bot or not, the device class,
the browser family, the referring site and the search words.

Hand-written rather than ua-parser: the studio shows three device classes and a handful of
browser families, which a dozen substring tests decide in microseconds, where ua-parser's
hundreds of regular expressions (and their data file, to keep updated) answer questions we
do not ask. Bots are matched on words their agents carry; agents that hide are mostly caught
on the hot path by their missing `Accept-Language` (`recorder.record`).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

BOT = re.compile(
    r"bot|crawl|spider|slurp|archiv|fetch|scrap|curl|wget|python|httpx|aiohttp|java/|"
    r"go-http|okhttp|libwww|perl|ruby|php|headless|phantom|lighthouse|pagespeed|preview|"
    r"monitor|uptime|pingdom|check|feed|rss|facebookexternalhit|embedly|whatsapp|telegram|"
    r"discord|slack|validator|scan|probe|http-client|node-fetch|axios|^mozilla/5\.0$",
    re.IGNORECASE,
)
# (substring, family): the first that matches; order matters, as every Chromium-based
# browser also says "Chrome" and "Safari", and Chrome says "Safari" too.
BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Opera", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Vivaldi", "Vivaldi"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
# Engines that still put the query in the address a reader leaves from. Google, Bing, DuckDuckGo
# and most others send only their origin (browsers' default `strict-origin-when-cross-origin`
# and the engines' own policies), so for them the referrer names the engine and no words.
SEARCH_PARAMS = {
    "yandex": "text",
    "baidu": "wd",
    "naver": "query",
    "seznam": "q",
    "ecosia": "q",
    "qwant": "q",
    "startpage": "query",
    "search.brave": "q",
    "google": "q",
    "bing": "q",
    "duckduckgo": "q",
    "yahoo": "p",
}
MAX_TERMS = 100


def is_bot(agent: str) -> bool:
    return not agent or BOT.search(agent) is not None


def device(agent: str) -> str:
    """phone, tablet or desktop, as the agent says (iPadOS passes for a Mac: desktop)."""
    if "iPad" in agent or "Tablet" in agent or ("Android" in agent and "Mobile" not in agent):
        return "tablet"
    if "Mobi" in agent or "iPhone" in agent or "Android" in agent:
        return "phone"
    return "desktop"


def browser(agent: str) -> str:
    return next((family for mark, family in BROWSERS if mark in agent), "Other")


def referrer(referer: str, own_host: str) -> tuple[str, str]:
    """(the referring site's host, the search words): ("", …) for none or the blog itself.

    The blog's own search page (`/search?q=`) gives its words too: a reader who found the
    post by searching the blog tells the writer what they looked for.
    """
    try:
        parts = urlsplit(referer)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "", ""
    if parts.scheme not in ("http", "https") or not host:
        return "", ""
    if host == own_host.split(":", 1)[0].lower():
        own = parts.path.rstrip("/") == "/search"
        return "", _param(parts.query, "q") if own else ""
    host = host.removeprefix("www.")
    return host, _terms(host, parts.query)


def _terms(host: str, query: str) -> str:
    name = next((param for engine, param in SEARCH_PARAMS.items() if engine in host), None)
    return _param(query, name) if name and query else ""


def _param(query: str, name: str) -> str:
    for key, value in parse_qsl(query):
        if key == name:
            return " ".join(value.lower().split())[:MAX_TERMS]
    return ""
