"""The public Webmention endpoint (POST /webmention): cheap checks now, the fetch later."""

from __future__ import annotations

import time

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from broadsheet.core.clients import client_ip
from broadsheet.core.ratelimit import Limit, client_key, hit, retry_after
from broadsheet.webmention import tasks
from broadsheet.webmention.forms import WebmentionForm
from broadsheet.webmention.targets import Refused, accept

LIMIT = Limit(30, 60 * 60)  # per client address and hour: each one costs us a fetch


# Senders are other sites' servers: they have no session and no CSRF token, and the endpoint
# changes nothing until the source is fetched and checked.
@csrf_exempt
@require_POST
def receive(request: HttpRequest) -> HttpResponse:
    now = time.time()
    if not hit(f"webmention:{client_key(client_ip(request))}", LIMIT, now):
        return _error("Too many Webmentions from this address; try later.", 429, now)
    form = WebmentionForm(request.POST)
    if not form.is_valid():
        return _error("Send source and target, form-encoded.", 400, now)
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    try:
        post = accept(source, target)
    except Refused as refusal:
        return _error(str(refusal), 400, now)
    transaction.on_commit(lambda: tasks.verify.enqueue(source, target, post.pk))
    return HttpResponse(
        "Accepted: the source will be checked shortly.\n",
        status=202,
        content_type="text/plain; charset=utf-8",
    )


def _error(message: str, status: int, now: float) -> JsonResponse:
    answer = JsonResponse({"error": message}, status=status)
    if status == 429:
        answer["Retry-After"] = str(retry_after(LIMIT, now))
    return answer
