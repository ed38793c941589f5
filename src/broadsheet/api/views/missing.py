"""Anything under the API's prefix that is no endpoint: a JSON 404, as the rest answers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from broadsheet.api.endpoint import private
from broadsheet.api.errors import ApiError, answer


@csrf_exempt
def missing(request: HttpRequest, rest: str = "") -> HttpResponse:
    return private(answer(ApiError("notFound", "No such API endpoint; see /api/openapi.json.")))
