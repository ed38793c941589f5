"""Follow by Email on the public site: the subscribe page, the confirm and unsubscribe links,
and the bounce webhook for mail providers (docs/subscribers.md).

The sidebar's gadget is a plain form on cached pages, with no CSRF token and no cookie: it
posts here, and the worst a forged post can do is what anyone can do by typing an address
into the form, which is to have the one confirmation mail sent, at most once a day per
address and a few times an hour per client. So the subscribe page is exempt from CSRF, as are
the signed links (their signature is the credential; mail clients post the one-click
unsubscribe without a cookie) and the webhook (its secret token is).
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from broadsheet.blogs.access import reader_blog
from broadsheet.core.clients import client_ip
from broadsheet.reader.views import blog_render
from broadsheet.subscribers import actions, tokens, webhook
from broadsheet.subscribers.models import Subscriber

TOO_MANY = "Too many sign-ups from your address in a short time. Please try again in an hour."


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: queue the confirmation mail; the answer is the same whether the
    address was new, waiting or subscribed, so the page tells no one who follows the blog."""
    blog = reader_blog(request)
    if request.method != "POST":
        return _page(request, {"frequency": Subscriber.Frequency.EACH})
    email = request.POST.get("email", "")[:300]
    frequency = request.POST.get("frequency", Subscriber.Frequency.EACH)
    context: dict[str, Any] = {"email": email, "frequency": frequency}
    try:
        actions.subscribe(blog, email, frequency, client=client_ip(request))
    except ValidationError as error:
        return _page(request, {**context, "error": " ".join(error.messages)}, status=400)
    except actions.RateLimited:
        return _page(request, {**context, "error": TOO_MANY}, status=429)
    return _page(request, {**context, "done": True})


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {**context, "page_title": "Follow by Email", "frequencies": Subscriber.Frequency}
    return blog_render(request, request.blog, "subscribers/subscribe.html", context, status)  # type: ignore[attr-defined]


@csrf_exempt  # the signed token is the credential
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation mail's link: GET asks (mail scanners fetch links and must not confirm
    for the reader), POST confirms."""
    subscriber = _subscriber(token, confirm=True)
    done = request.method == "POST"
    if done:
        actions.confirm(subscriber)
    context = {"done": done, "token": token, "subscriber": subscriber}
    context["page_title"] = "Follow by Email"
    return blog_render(request, subscriber.blog, "subscribers/confirm.html", context)


@csrf_exempt  # RFC 8058: mail clients post the one-click unsubscribe with no cookie
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The List-Unsubscribe URL and the mail's visible link: GET asks, POST leaves."""
    subscriber = _subscriber(token, confirm=False)
    done = request.method == "POST"
    if done:
        actions.unsubscribe(subscriber)
    context = {"done": done, "token": token, "subscriber": subscriber}
    context["page_title"] = "Follow by Email"
    return blog_render(request, subscriber.blog, "subscribers/unsubscribe.html", context)


def _subscriber(token: str, *, confirm: bool) -> Subscriber:
    found = tokens.subscriber_for(token, confirm=confirm)
    if found is None:
        raise Http404("This link is not valid any more.")
    return found


@csrf_exempt  # a provider posts with the secret token, never a browser with a cookie
@never_cache
@require_POST
def bounce_webhook(request: HttpRequest) -> HttpResponse:
    """A mail provider reports bounces and complaints (the JSON shape is in
    docs/subscribers.md). Off (404) until BROADSHEET_NEWSLETTER_WEBHOOK_TOKEN is set."""
    secret = settings.NEWSLETTER_WEBHOOK_TOKEN
    if not secret:
        raise Http404("No webhook here.")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"error": "A valid token is needed."}, status=403)
    try:
        events = webhook.events(json.loads(request.body))
    except (ValueError, ValidationError) as error:
        return JsonResponse({"error": _message(error)}, status=400)
    return JsonResponse({"suppressed": webhook.apply(events)})


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return "The body is not JSON."
