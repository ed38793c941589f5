"""The Mastodon share page: which server is yours? (reader/share.py)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from broadsheet.blogs import hosts
from broadsheet.blogs.access import reader_blog
from broadsheet.posts.models import Post
from broadsheet.reader import share
from broadsheet.reader.views import blog_render


@require_safe
def mastodon(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks for the reader's server, then links to its share page. A link the reader clicks,
    not a redirect: a redirect to whatever host the query names would be an open redirect."""
    blog = reader_blog(request)
    post = Post.objects.public(blog).filter(pk=pk).first()
    if post is None or not blog.share_links:
        raise Http404("No such post.")
    typed = request.GET.get("server", "")[:300]
    server = share.mastodon_server(typed) if typed else None
    # Not "post": that would make the page a post page to reader.head (canonical, JSON-LD).
    context = {"shared": post, "typed": typed, "server": server, "page_title": post.title}
    if server:
        context["share_url"] = share.mastodon_url(server, blog, post, hosts.origin(blog, request))
    status = 400 if typed and not server else 200
    return blog_render(request, blog, "reader/share_mastodon.html", context, status)
