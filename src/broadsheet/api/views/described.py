"""The API's two descriptions, open to everyone (they say nothing about any blog)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from broadsheet.api.documents import discovery, openapi
from broadsheet.api.resources import PREFIX, api_root


@require_safe
def openapi_document(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi(api_root(request)))


@require_safe
def discovery_document(request: HttpRequest) -> HttpResponse:
    """Blogger's discovery document, pointing at this install (`build("blogger", "v3",
    discoveryServiceUrl=".../api/discovery/v1/apis/{api}/{apiVersion}/rest")`)."""
    site = api_root(request).removesuffix(PREFIX.lstrip("/")).rstrip("/") + "/"
    return JsonResponse(discovery(site))
