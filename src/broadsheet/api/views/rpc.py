"""The XML-RPC door's addresses: the calls themselves (`api.rpc.server`) and the Really
Simple Discovery document an editor reads, from the blog's home page `EditURI` link, to learn
the blog's id and which APIs it speaks."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from broadsheet.blogs.access import reader_blog
from broadsheet.blogs.hosts import origin

RSD = """<?xml version="1.0" encoding="UTF-8"?>
<rsd version="1.0" xmlns="http://archipelago.phrasewise.com/rsd">
  <service>
    <engineName>Broadsheet</engineName>
    <homePageLink>{home}</homePageLink>
    <apis>
      <api name="WordPress" blogID={id} preferred="true" apiLink={rpc}/>
      <api name="MetaWeblog" blogID={id} preferred="false" apiLink={rpc}/>
      <api name="Blogger" blogID={id} preferred="false" apiLink={rpc}/>
    </apis>
  </service>
</rsd>
"""


@require_safe
def rsd(request: HttpRequest) -> HttpResponse:
    """/rsd.xml of the blog this host serves."""
    blog = reader_blog(request)
    home = origin(blog, request)
    text = RSD.format(
        home=home + "/", id=quoteattr(str(blog.pk)), rpc=quoteattr(home + "/xmlrpc.php")
    )
    return HttpResponse(text, content_type="application/rsd+xml; charset=utf-8")
