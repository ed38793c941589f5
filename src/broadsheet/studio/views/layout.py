"""Layout: the blog's admins arrange the header, sidebar and footer (`blogs.layout`).

Every change is a plain form posted to its own address (move up, move down, remove, add,
save options), so the page works with no script and each button says what it does to a
screen reader; after a move the page comes back at the gadget that moved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from broadsheet.blogs import layout_actions
from broadsheet.blogs.layout import Area, Gadget, Kind, in_area
from broadsheet.blogs.models import Membership
from broadsheet.media.actions import upload_image
from broadsheet.posts.models import Page
from broadsheet.studio.access import blog_view, gadget_for
from broadsheet.studio.layout_forms import (
    AddGadgetForm,
    GadgetForm,
    HeaderForm,
    MoveForm,
    PagesForm,
    PictureForm,
    form_class,
    links_text,
)


@require_safe
@blog_view(admin=True)
def layout(request: HttpRequest, member: Membership) -> HttpResponse:
    return _layout_page(request, member, AddGadgetForm())


def _layout_page(
    request: HttpRequest, member: Membership, form: AddGadgetForm, status: int = 200
) -> HttpResponse:
    gadgets = layout_actions.stored_layout(member.blog)
    areas = [(area, in_area(gadgets, area)) for area in Area]
    context = {"member": member, "blog": member.blog, "areas": areas, "form": form}
    return render(request, "studio/layout.html", context, status=status)


@require_POST
@blog_view(admin=True)
def gadget_add(request: HttpRequest, member: Membership) -> HttpResponse:
    form = AddGadgetForm(request.POST)
    try:
        if form.is_valid():
            data = form.cleaned_data
            gadget = layout_actions.add_gadget(member, data["area"], data["kind"])
            messages.success(request, f"{gadget.get_kind_display()} added: set it up here.")
            return redirect("studio:gadget", member.blog.slug, gadget.pk)
    except ValidationError as error:
        form.add_error(None, error)
    return _layout_page(request, member, form, status=400)


@require_POST
@blog_view(admin=True)
def gadget_move(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    gadget = gadget_for(member, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        steps = -1 if form.cleaned_data["direction"] == "up" else 1
        layout_actions.move_gadget(member, gadget, steps)
    else:
        messages.error(request, "Choose up or down.")
    return redirect(reverse("studio:layout", args=[member.blog.slug]) + f"#gadget-{gadget.pk}")


@require_POST
@blog_view(admin=True)
def gadget_remove(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    gadget = gadget_for(member, pk)
    layout_actions.remove_gadget(member, gadget)
    messages.success(request, f"{gadget.heading} is no longer on the blog.")
    return redirect("studio:layout", member.blog.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(admin=True)
def gadget(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    """A gadget's options: filled with what is stored; on a refusal, with what was typed."""
    gadget = gadget_for(member, pk)
    posted = request.method == "POST"
    form = _form(gadget, request.POST if posted else None, request.FILES if posted else None)
    if posted and _saved(member, gadget, form):
        messages.success(request, f"{gadget.heading} is saved.")
        return redirect(reverse("studio:layout", args=[member.blog.slug]) + f"#gadget-{pk}")
    context = {"member": member, "blog": member.blog, "gadget": gadget, "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "studio/layout_gadget.html", context, status=status)


def _form(gadget: Gadget, data: Any, files: Any) -> GadgetForm:
    cls = form_class(gadget.kind)
    blog = gadget.blog
    initial = {"title": gadget.title, **gadget.options}
    initial.update(blog_title=blog.title, blog_description=blog.description)
    if gadget.kind == Kind.LINKS:
        initial["links"] = links_text(initial["links"])
    extra: dict[str, Any] = {}
    if cls is PagesForm:
        extra["pages"] = _published_pages(gadget)
        order = gadget.options["order"]
        initial.update({f"page_{pk}": place for place, pk in enumerate(order, start=1)})
    form = cls(data, files, initial=initial, **extra)
    if isinstance(form, PictureForm):
        form.stored = gadget.options.get("image", "")
    return form


def _published_pages(gadget: Gadget) -> list[Page]:
    pages = Page.objects.filter(blog_id=gadget.blog_id, status=Page.Status.PUBLISHED)
    return list(pages.only("pk", "title").order_by("title", "pk"))


def _saved(member: Membership, gadget: Gadget, form: GadgetForm) -> bool:
    if not form.is_valid():
        return False
    try:
        config = form.config()
        if isinstance(form, PictureForm):
            config["image"] = _picture(member, form)
        _configure(member, gadget, form, config)
    except ValidationError as error:
        _keyed_errors(form, error)
        return False
    return True


def _configure(member: Membership, gadget: Gadget, form: GadgetForm, config: Any) -> None:
    data = form.cleaned_data
    if isinstance(form, HeaderForm):
        title, description = data["blog_title"], data["blog_description"]
        layout_actions.configure_header(member, gadget, config, title, description)
    else:
        layout_actions.configure_gadget(member, gadget, data.get("title", ""), config)


def _picture(member: Membership, form: PictureForm) -> str:
    """The image the gadget shows: a new upload stored by `media` as every upload is (and
    counted against the member's hourly uploads), the stored one, or none."""
    data = form.cleaned_data
    if data["remove"]:
        return ""
    upload = data["upload"]
    if upload is None:
        return form.stored
    # A refusal (not an image, over the hourly limit) is a ValidationError: shown on the form.
    return upload_image(member, upload, upload.name or "", data["alt"]).src


def _keyed_errors(form: GadgetForm, error: ValidationError) -> None:
    """Errors from the layout's own check, beside the field they are about when the form has
    one (an upload refused by `media` is keyed `image`)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        field = {"image": "upload"}.get(key, key)
        form.add_error(field if field in form.fields else None, messages_)
