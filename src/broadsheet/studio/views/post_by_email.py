"""The studio's "Posting by email" page, under the blog's settings: the blog's secret address,
whether mailed posts are published or kept as drafts, and a new address when the old one has
leaked. For the blog's admins only: the address is a credential."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from broadsheet.blogs import actions
from broadsheet.blogs.models import Membership, PostByEmail
from broadsheet.studio.access import blog_view


class PostByEmailForm(forms.Form):
    publish = forms.TypedChoiceField(
        label="What arrives by email",
        choices=[("0", "Save it as a draft"), ("1", "Publish it at once")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose draft or publish.",
            "invalid_choice": "Choose draft or publish.",
        },
    )
    rotate = forms.BooleanField(required=False)


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(admin=True)
def post_by_email(request: HttpRequest, member: Membership) -> HttpResponse:
    found = PostByEmail.objects.filter(blog=member.blog).first()
    initial = {"publish": "1" if found and found.publish else "0"}
    form = PostByEmailForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        actions.set_post_by_email(member, **form.cleaned_data)
        messages.success(
            request, "A new address is set." if form.cleaned_data["rotate"] else "Saved."
        )
        return redirect("studio:post-by-email", member.blog.slug)
    context = {"member": member, "blog": member.blog, "form": form, "box": found}
    context["domain"] = settings.POST_BY_EMAIL_DOMAIN
    return render(request, "studio/post_by_email.html", context, status=400 if form.errors else 200)
