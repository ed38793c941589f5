"""The full-page cache: reader pages and feeds kept whole, answered before Django runs.

The pure half, which knows no model (docs/caching.md tells the whole story; the blog-aware
half, which says which answers may be kept and until when, is `reader.pagecache`):

* `keys`: which requests may be answered from the cache, and the key they are kept under
  (scheme, host, path and the query with Blogger's `m=0/1` dropped and the rest sorted);
* `store`: the entries (in this process's memory, and in the shared cache) and each blog's
  content version in the shared cache, which `blogs.actions.bump_content_version` updates on
  commit;
* `front.PageCacheApp`, the thin WSGI front that answers hits (and 304s) with no database
  query, and `candidate`, what it and Django's side say to each other.
"""

from __future__ import annotations

from broadsheet.core.pagecache.store import announce_version

__all__ = ["announce_version"]
