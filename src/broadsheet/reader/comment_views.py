"""The reader's side of comments: the form's token, posting, and unsubscribing from replies.

Post pages are cached whole and carry no per-visitor state, so the form on them holds no CSRF
token. Its script (static/comments/form.js) asks `form_token` for one when the reader starts
typing; a reader without JavaScript posts without one and lands on the uncached confirm page,
which holds everything they typed and fresh tokens (docs/comments.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from broadsheet.blogs.access import reader_blog
from broadsheet.blogs.models import Blog
from broadsheet.comments import access, actions, challenge, defences
from broadsheet.comments.forms import CommentForm
from broadsheet.comments.models import Comment
from broadsheet.comments.notifications import CONFIRM_DAYS, CONFIRM_SALT, UNSUBSCRIBE_SALT
from broadsheet.core.clients import client_ip
from broadsheet.core.numbers import ascii_int
from broadsheet.posts.models import Post
from broadsheet.reader.views import blog_render

LOGIN_URL = "/studio/login/"
CONFIRM = "Please check your comment and post it again."
TOO_MANY = (
    "You have posted several comments in a short time. Please wait a minute, then post again."
)


@require_safe
@never_cache
def form_token(request: HttpRequest, post_id: int) -> HttpResponse:
    """The two tokens the form needs: Django's CSRF token (its cookie is set with it) and our
    signed, time-stamped form token. Never cached: each reader gets their own."""
    post = access.commentable_post(reader_blog(request), post_id)
    tokens = {"csrf": get_token(request), "token": defences.issue_token(post.pk)}
    if challenge.required(post.blog, request.user):
        asked = challenge.issue(post.pk)
        tokens |= {"question": asked.question, "challenge": asked.token}
    return JsonResponse(tokens)


# Checked by hand below (csrf_passes): a failed check hands the comment back on the confirm
# page instead of Django's bare 403, so that nothing the reader typed is lost.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request: HttpRequest, post_id: int) -> HttpResponse:
    blog = reader_blog(request)
    if request.method == "POST":
        shown = access.public_post(blog, post_id)
        if not access.comments_open(shown):
            return closed_page(request, shown)
    post = access.commentable_post(blog, post_id)
    refused = access.refusal(blog, request.user)
    if refused is access.Refusal.SIGN_IN or (refused and not request.user.is_authenticated):
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    if refused is not None:
        return form_page(request, post, None, refusal=refused.value, status=403)
    if request.method != "POST":
        return form_page(request, post, CommentForm(initial={"parent": _parent_param(request)}))
    return take_comment(request, post)


def take_comment(request: HttpRequest, post: Post) -> HttpResponse:
    named = post.blog.who_can_comment == Blog.WhoCanComment.NAMED
    form = CommentForm(request.POST, name_required=named and not request.user.is_authenticated)
    if not form.is_valid():
        return form_page(request, post, form, status=400)
    if form.is_robot:
        return redirect(held_url(post))  # a robot learns nothing from the answer
    token = request.POST.get("token", "")
    verdict = defences.check_token(token, post.pk)
    if not csrf_passes(request) or verdict is not defences.TokenVerdict.OK:
        return form_page(request, post, form, notice=CONFIRM)
    if not defences.spend_token(token):
        return form_page(request, post, form, notice=CONFIRM)
    if not challenge_passed(request, post, form):
        return form_page(request, post, form, status=400)
    return store(request, post, form)


def challenge_passed(request: HttpRequest, post: Post, form: CommentForm) -> bool:
    """The blog's question, when it asks this visitor one; a wrong answer is a message beside
    the field (and a new question), with everything else the reader typed kept."""
    if not challenge.required(post.blog, request.user):
        return True
    data = form.cleaned_data
    verdict = challenge.check(data["challenge"], data["answer"], post.pk)
    if verdict is not challenge.Verdict.OK:
        form.add_error("answer", challenge.MESSAGES[verdict])
    return verdict is challenge.Verdict.OK


def store(request: HttpRequest, post: Post, form: CommentForm) -> HttpResponse:
    submission = form.submission()
    try:
        comment = actions.post_comment(
            post, submission, user=request.user, address=client_ip(request)
        )
    except ValidationError as error:
        form.add_error(None, error)
        return form_page(request, post, form, status=400)
    except actions.RateLimited:
        return form_page(request, post, form, notice=TOO_MANY, status=429)
    if comment.status == Comment.Status.PUBLISHED:
        return redirect(comment_url(comment))
    return redirect(held_url(post))


def closed_page(request: HttpRequest, post: Post) -> HttpResponse:
    """Comments were closed after the reader opened the page: say so, and hand back what they
    wrote (as text, to copy) instead of throwing it away. Nothing is stored."""
    body = str(request.POST.get("body", ""))[: defences.MAX_BODY * 2]
    context = {"post": post, "closed": access.CLOSED, "typed": body, "page_title": access.CLOSED}
    return blog_render(request, post.blog, "comments/form_page.html", context, status=403)


def csrf_passes(request: HttpRequest) -> bool:
    """Django's own CSRF check (cookie, token, Origin), run by hand.

    A form with no token at all is a reader without JavaScript, not an attack: it goes to the
    confirm page without a "Forbidden" line in the log.
    """
    if not request.POST.get("csrfmiddlewaretoken"):
        return False
    checker = CsrfViewMiddleware(lambda _request: HttpResponse())
    return checker.process_view(request, None, (), {}) is None  # type: ignore[arg-type]


def comment_url(comment: Comment) -> str:
    """Blogger's address of one comment; the query makes it a page no browser has cached."""
    return comment.post.permalink + comment.show_comment


def held_url(post: Post) -> str:
    # The cached page holds the notice at this anchor; CSS shows it only when targeted.
    return f"{post.permalink}#comment-held"


def _parent_param(request: HttpRequest) -> int | None:
    return ascii_int(request.GET.get("parent"))


def form_page(
    request: HttpRequest,
    post: Post,
    form: CommentForm | None,
    *,
    notice: str = "",
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    """The uncached page of the form alone: errors, the confirm step, a reply, a refusal."""
    asked = ascii_int(str(form["parent"].value() or "")) if form is not None else None
    parent = None
    if asked is not None:
        parent = post.comments.filter(pk=asked, status=Comment.Status.PUBLISHED).first()
    context: dict[str, Any] = {
        "post": post,
        "form": form,
        "notice": notice,
        "refusal": refusal,
        "parent_comment": parent,
        "form_token": defences.issue_token(post.pk),
        "challenge": (
            challenge.issue(post.pk) if challenge.required(post.blog, request.user) else None
        ),
        "comment_form_page": True,
        "page_title": f"Comment on {post.title or '(untitled)'}",
    }
    return blog_render(request, post.blog, "comments/form_page.html", context, status=status)


@csrf_exempt  # the signed token is the credential; mail clients POST here with no cookie
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from a reply mail: GET asks (link scanners fetch links), POST does it."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise Http404("This unsubscribe link is not valid.") from None
    blog = Blog.objects.filter(pk=data.get("b")).first()
    if blog is None:
        raise Http404("This unsubscribe link is not valid.")
    done = request.method == "POST"
    if done:
        actions.unsubscribe(blog, str(data.get("e", "")))
    context = {"done": done, "token": token, "page_title": "Mails about replies"}
    return blog_render(request, blog, "comments/unsubscribe.html", context)


@csrf_exempt  # as for unsubscribing, the signed token is the credential
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_replies(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation mail: GET asks (mail scanners fetch links, and must not
    confirm for the reader), POST confirms the address for reply mails on the blog."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 24 * 60 * 60)
    except signing.BadSignature:  # forged, or expired (SignatureExpired is a BadSignature)
        raise Http404("This confirmation link is not valid any more.") from None
    blog = Blog.objects.filter(pk=data.get("b")).first()
    if blog is None:
        raise Http404("This confirmation link is not valid any more.")
    email, done = str(data.get("e", "")), request.method == "POST"
    if done:
        actions.confirm_replies(blog, email)
    context = {"done": done, "token": token, "email": email, "page_title": "Mails about replies"}
    return blog_render(request, blog, "comments/confirm_replies.html", context)
