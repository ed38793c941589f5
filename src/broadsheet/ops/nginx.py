"""The nginx site that serves published pages as files (`broadsheet nginxconf`, docs/deploy.md).

Written from the running settings rather than copied into the docs by hand: the headers nginx
adds to a page file are the ones the app itself sends (its Content-Security-Policy, with the
embed providers' frames, its frame, referrer and opener policies, its Cache-Control), the
session cookie it sends members to the app by is the configured one, and the folders are the
configured ones. A hand-kept copy had drifted from the app: it had lost the frames of the
CSP, so a video on a page nginx served would not play, and it served the page's HTML to a
fediverse server asking for the post's ActivityPub object by its address.

tests/scale/test_page_files.py runs real nginx on this output in front of `broadsheet serve`
and holds it to the app's own answers.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from broadsheet.core.headers import CONTENT_SECURITY_POLICY
from broadsheet.core.pagecache import mirror
from broadsheet.core.pagecache.http import cache_control
from broadsheet.stats import spool

# Content negotiation on a post's address (federation.views.wants_activity): the app answers.
ACTIVITY_ACCEPT = r"application/(activity|ld)\+json"
# A post's address (reader/urls.py): its page carries two headers more.
POST_PATH = r"^/[0-9]{4}/[0-9]{2}/[^/]+\.html$"
# The media answer's own policy (media are never run as a page; reader/media serving).
MEDIA_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"


@dataclass(frozen=True)
class Site:
    server_names: tuple[str, ...]
    listen: tuple[str, ...]
    app: str  # host:port of `broadsheet serve`
    certificate: str = ""
    certificate_key: str = ""


def default_server_names() -> tuple[str, ...]:
    """The base domain, every blog under it, and the custom domains the operator allowed."""
    names = [settings.BASE_DOMAIN, "." + settings.BASE_DOMAIN]
    names += [host for host in settings.ALLOWED_HOSTS if host != "*" and not _address(host)]
    return tuple(dict.fromkeys(names))


def _address(host: str) -> bool:
    """An IP literal: nobody reads a blog there by name, and nginx's names are names."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def page_headers() -> dict[str, str]:
    """What the app puts on every page it answers, which nginx must repeat on the files."""
    headers = {
        "Cache-Control": cache_control(),
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Permissions-Policy": "interest-cohort=()",
        "X-Frame-Options": settings.X_FRAME_OPTIONS,
        "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
        "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    }
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    if settings.SECURE_HSTS_SECONDS:
        headers["Strict-Transport-Security"] = hsts()
    return headers


def hsts() -> str:
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    value += "; includeSubDomains" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else ""
    return value + ("; preload" if settings.SECURE_HSTS_PRELOAD else "")


def _quoted(value: str) -> str:
    """A value as one nginx string: nothing in it may end the string or the directive."""
    if any(char in value for char in '"\\\n$'):
        raise ValueError(f"cannot put {value!r} in an nginx string")
    return f'"{value}"'


def _add_headers(headers: dict[str, str], indent: str) -> str:
    return "".join(
        f"{indent}add_header {name} {_quoted(value)} always;\n" for name, value in headers.items()
    )


def _to_app(indent: str, query: str) -> str:
    """The requests a file must never answer: writes, queries (but a search's or a listing
    page's, whose file `query` names in that case: empty for any other query), members, API
    clients and servers asking a post's address for its ActivityPub object."""
    cookie = settings.SESSION_COOKIE_NAME
    rules = (
        "if ($request_method !~ ^(GET|HEAD)$) { return 418; }",
        f'if ({query} = "") {{ return 418; }}' if query else 'if ($args != "") { return 418; }',
        f'if ($http_cookie ~ "(^|;\\s*){cookie}=") {{ return 418; }}',
        'if ($http_authorization != "") { return 418; }',
        f'if ($http_accept ~* "{ACTIVITY_ACCEPT}") {{ return 418; }}',
        # Over plain HTTP to a site on HTTPS, the app answers with its redirect.
        *(["if ($scheme = http) { return 418; }"] if settings.SECURE else []),
    )
    return "".join(f"{indent}{rule}\n" for rule in rules)


def _listen(site: Site) -> str:
    lines = [f"    listen {address};\n" for address in site.listen]
    if site.certificate:
        lines.append(f"    ssl_certificate {site.certificate};\n")
        lines.append(f"    ssl_certificate_key {site.certificate_key};\n")
    return "".join(lines)


def _folders(static_root: Path, media_root: Path, static: bool) -> str:
    media = ""
    if not settings.SERVE_MEDIA:
        media = (
            f"    location /media/ {{\n        alias {media_root}/;\n"
            '        add_header Cache-Control "public, max-age=31536000, immutable" always;\n'
            f"        add_header Content-Security-Policy {_quoted(MEDIA_POLICY)} always;\n"
            "        add_header X-Content-Type-Options nosniff always;\n    }\n"
        )
    if not static:  # the app serves them (from the sources, or unhashed while debugging)
        return media
    return (
        f"    location /static/ {{\n        alias {static_root}/;\n        expires 1y;\n"
        '        add_header Cache-Control "public, immutable" always;\n'
        "        gzip_static on;\n        gzip_vary on;\n    }\n" + media
    )


def _reads() -> str:
    """What nginx needs to count the reads it answers from files as the app's recorder counts
    its own (stats.recorder): a GET answered 200 or 304 of the home page, a post or a static
    page, from a browser (it names its languages) loading it as a document, without
    Do-Not-Track, Global Privacy Control or a prefetch; written in the spool's line format
    (time, blog, path, referrer, host, agent) into a file the stats worker claims
    (stats.spool), with no address of the reader."""
    key = "$request_method $status $http_sec_fetch_dest|$http_dnt|$http_sec_gpc|"
    key += "$http_sec_purpose $http_purpose $http_x_moz|$broadsheet_path"
    read = (
        r"~*^GET (200|304) (document)?\|(?!1\|)[^|]*\|(?!1\|)[^|]*\|"
        r"(?![^|]*(prefetch|prerender))[^|]*\|/([0-9]{4}/[0-9]{2}/[^/]+\.html|p/[^/]+\.html)?$"
    )
    line = "$broadsheet_second\\t$broadsheet_blog\\t$broadsheet_path\\t$http_referer\\t$host"
    return (
        f'map "{key}" $broadsheet_read {{\n    "{read}" 1;\n    default 0;\n}}\n'
        'map $http_accept_language $broadsheet_counted {\n    "" 0;\n'
        "    default $broadsheet_read;\n}\n"
        'map $msec $broadsheet_second {\n    "~^(?<s>[0-9]+)\\." $s;\n}\n'
        'map $msec $broadsheet_bucket {\n    "~^(?<b>[0-9]+)[0-9][0-9]\\." $b;\n}\n'
        'map $realpath_root $broadsheet_blog {\n    "~/blogs/(?<id>[0-9]+)/v[0-9]+$" $id;\n'
        '    default "";\n}\n'
        f'log_format broadsheet_read escape=default "{line}\\t$http_user_agent";\n\n'
    )


def _types(indent: str) -> str:
    """Each kept file's type from its ending (core.pagecache.mirror.SUFFIXES), in UTF-8."""
    pairs = "; ".join(f"{kind} {ending[1:]}" for kind, ending in mirror.SUFFIXES.items())
    return (
        f"{indent}types {{ {pairs}; }}\n{indent}charset utf-8;\n"
        # text/html is one of nginx's own charset types already.
        f"{indent}charset_types {' '.join(k for k in mirror.SUFFIXES if k != 'text/html')};\n"
    )


# The feeds, sitemaps and robots.txt: every address under /feeds/, and the files at the root
# that end as theirs do (feeds.urls); their files carry the ending of their type.
OTHER_FILES = r"^/(feeds/.*|[^/]+\.(xml|json|txt))$"


def _other_files() -> str:
    """The file of a feed, sitemap or robots.txt, named from its address (feeds.urls): the
    feeds under /feeds/ and /atom.xml are Atom without a query, /rss.xml is RSS, a .json a
    JSON Feed, a .txt text, the root's other .xml files sitemaps. Named straight, as a page's
    file is: `try_files` looked each ending up in turn and then opened the file again, 2 us
    of nginx's CPU a request on the posts feed, a ninth of it (bench/RESULTS.md, "Speed",
    session 10). An address whose answer has another type (none does today) finds no file,
    and the 404 goes to the app."""
    ending = mirror.SUFFIXES
    atom = ending["application/atom+xml"]
    return (
        "map $uri $broadsheet_other {\n"
        f'    ~^/feeds/ "$uri{atom}";\n    /atom.xml "$uri{atom}";\n'
        f'    /rss.xml "$uri{ending["application/rss+xml"]}";\n'
        f'    ~\\.json$ "$uri{ending["application/feed+json"]}";\n'
        f'    ~\\.txt$ "$uri{ending["text/plain"]}";\n'
        f'    default "$uri{ending["application/xml"]}";\n}}\n\n'
    )


# The files named from the query as well as the path (`_search_files`).
QUERIED = ("$broadsheet_search", "$broadsheet_listing")


def _page_location(
    match: str, headers: str, found: str = "$broadsheet_page", vary: tuple[str, ...] = ()
) -> str:
    """A location whose GET and HEAD are answered from the page files, the rest by the app;
    the reads it answers go to the stats spool (the app counts those it answers itself).

    `found` names the file, which is rewritten to without asking first whether it is there
    (a missing one is a 404, which goes to the app), since try_files' look before each
    answer cost a tenth of nginx's speed.

    A reader who accepts gzip gets the file's gzipped copy (`mirror.GZIP`, `gzip_static`),
    which is looked for in place of the file, not beside it; without the copy, nginx
    compresses the file as it sends it. Every answer says it varies on Accept-Encoding
    (`vary`, the app's own Vary before it) by a header of its own: `gzip_vary` would have
    nginx look for the copy for a reader who does not accept gzip too, a second look up
    a request."""
    views = spool.folder() / f"{spool.NGINX_PREFIX}$broadsheet_bucket{spool.SUFFIX}"
    answer = f"        error_page 404 = @app;\n        rewrite ^ {found} break;\n"
    varies = ", ".join((*vary, "Accept-Encoding"))
    return (
        f"    location {match} {{\n        error_page 418 = @app;\n"
        # The address asked for, before the file's name takes its place in $uri.
        + "        set $broadsheet_path $uri;\n"
        # A file named from the query as well: no file, no answer from one.
        + _to_app("        ", found if found in QUERIED else "")
        + _types("        ")
        + "        gzip_static on;\n"
        # The gzipped copy, read and sent with the headers in one write (`_gzipped`).
        + "        if ($broadsheet_gzipped) { sendfile off; }\n"
        + headers
        + f"        add_header Vary {_quoted(varies)} always;\n"
        + f"        access_log {views} broadsheet_read if=$broadsheet_counted;\n"
        + answer
        + "    }\n"
    )


def _search_files() -> str:
    """`/search` alone is a page like any other; `/search?q=<words>`, as the app keeps it
    (core.pagecache.mirror.search_file), is a file under the searches' folder, and a
    listing's page further back or forward (`mirror.paged_file`) one under the listings'; any
    other query maps to nothing, which sends it to the app.

    Every other page's address may have a listing's query too (a label's, an archive's
    Older Posts): `$broadsheet_listing` names its file, or the page's own without a query.
    Only the listings' addresses have such a file; for any other, the 404 goes to the app."""
    found = f"/{mirror.QUERIES}/search/$1{mirror.SUFFIX}"
    listing = f"/{mirror.QUERIES}/{mirror.PAGED}$uri/$1{mirror.SUFFIX}"
    paged = f'"~^({mirror.PAGED_QUERY})$" "{listing}";\n'
    return (
        f'map $args $broadsheet_search {{\n    "~^{mirror.SEARCH_QUERY}$" "{found}";\n'
        f'    {paged}    "" "$uri{mirror.SUFFIX}";\n    default "";\n}}\n\n'
        f"map $args $broadsheet_listing {{\n    {paged}"
        '    "" "$broadsheet_page";\n    default "";\n}\n\n'
    )


def _gzipped() -> str:
    """Whether the reader accepts gzip, and so gets a page's gzipped copy (`_page_location`):
    a copy is a few KB, which nginx sends faster read into memory and written with its
    headers at once than by sendfile after them, which costs two more system calls to hold
    the headers back (`tcp_nopush`): 10-25 % more answers a second (bench/RESULTS.md, "pages
    gzipped once"). A whole page (41 KB and more) goes faster by sendfile, as before. An
    empty header is matched first, by its hash: a reader who sends none costs no regex."""
    return (
        "map $http_accept_encoding $broadsheet_gzipped {\n"
        '    "" "";\n    "~*gzip" 1;\n    default "";\n}\n\n'
    )


def _pages() -> str:
    """Every page, and a post's page, which also names the Webmention endpoint and varies on
    Accept (reader.views.post_response): nginx takes its scheme and host from the request,
    which on a bare host over the site's scheme (the only pages the mirror keeps) is the
    blog's origin."""
    common = _add_headers(page_headers(), "        ")
    endpoint = reverse("webmention:receive")
    post = f'        add_header Link "<$scheme://$host{endpoint}>; rel=\\"webmention\\"" always;\n'
    return (
        _page_location("/", common, "$broadsheet_listing")
        + _page_location(f'~ "{POST_PATH}"', common + post, vary=("Accept",))
        + _page_location(f'~ "{OTHER_FILES}"', common, "$broadsheet_other")
        + _page_location("= /search", common, "$broadsheet_search")
    )


def _app() -> str:
    return (
        # The address as the reader sent it: a page's location has put its file's in $uri.
        "    location @app {\n        proxy_pass http://broadsheet$request_uri;\n"
        # What nginx compresses as it passes it on says so (Vary: Accept-Encoding).
        "        proxy_http_version 1.1;\n        gzip_vary on;\n"
        '        proxy_set_header Connection "";\n        proxy_set_header Host $host;\n'
        "        proxy_set_header X-Forwarded-Proto $scheme;\n"
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n    }\n"
    )


# Open page files kept per nginx worker: within the 1,024 descriptors a login shell allows
# (ops.front), beside the connections'.
FILE_CACHE = 256


def _file_cache() -> str:
    """Keep the page files open, but look each one's name up again on every request
    (`open_file_cache_valid 0s`: nginx then stats the name, and keeps the open descriptor
    only while the name still leads to the same inode). A write points `current` at a new
    version's folder, so the very next request finds another file there, or none, and
    never the descriptor of the page the write replaced; and that page's inode number cannot
    come back under a new file while nginx holds it open. What it saves is the open, fstat
    and close of every answer (bench/RESULTS.md, "Speed"); any `open_file_cache` of the
    operator's own nginx.conf is overridden here.

    The reads' log (`_page_location`) has a variable in its name, and nginx opens and closes
    such a file for every line unless its descriptors are kept: a few are, as a file of the
    spool takes lines for its hundred seconds only, and is claimed by the worker (renamed)
    two buckets after its last line (stats.spool); nginx looks a kept name up again after
    `valid` all the same."""
    return (
        f"    open_file_cache max={FILE_CACHE} inactive=20s;\n"
        "    open_file_cache_valid 0s;\n    open_file_cache_min_uses 1;\n"
        "    open_file_cache_errors off;\n"
        "    open_log_file_cache max=8 inactive=120s valid=60s min_uses=1;\n"
    )


def site_config(
    site: Site, mirror: Path, static_root: Path, media_root: Path, static: bool = True
) -> str:
    """The `http {}` part of nginx's configuration: the page-file lookup, the app upstream,
    and one server answering `site.server_names`; `/static/` from `static_root` unless
    `static` is False."""
    return (
        "map $uri $broadsheet_page {\n"
        '    ~/$     "${uri}index.page";\n    default "$uri.page";\n}\n\n'
        f"upstream broadsheet {{\n    server {site.app};\n    keepalive 64;\n}}\n\n"
        + _search_files()
        + _other_files()
        + _gzipped()
        + _reads()
        + "server {\n"
        + _listen(site)
        + f"    server_name {' '.join(site.server_names)};\n"
        + f"    client_max_body_size {settings.MAX_IMAGE_BYTES // 2**20 + 2}m;"
        + "  # the largest upload, plus its form\n"
        + "    gzip on;\n    gzip_types text/css application/javascript application/atom+xml"
        + " application/rss+xml application/feed+json application/xml;\n\n"
        + "    # Published pages, written by the app; everything personal or written goes to it.\n"
        + f"    root {mirror}/hosts/$host;\n"
        + _file_cache()
        + _pages()
        + _app()
        + _folders(static_root, media_root, static)
        + "}\n"
    )


def configured(site: Site) -> str:
    """`site_config` for this install's folders; names the missing setting if the mirror is off."""
    mirror = settings.PAGE_MIRROR_DIR
    if not mirror:
        raise ValueError("set BROADSHEET_PAGE_MIRROR_DIR: the folder nginx reads the pages from")
    return site_config(site, Path(mirror), Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT))
