"""The Layout page's forms: placing a gadget, moving it, and one form per kind for its options.

Each kind's form checks field by field what `blogs.layout.clean_config` checks again when the
action stores the options, so a mistake is shown beside the field it is in, with everything
else as typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from broadsheet.blogs.layout import HTML_LIMIT, LINKS_LIMIT, PLACEABLE, TEXT_LIMIT, Area, Kind
from broadsheet.core.weblinks import web_url
from broadsheet.posts.models import Page
from broadsheet.studio.forms import PlainInput, _within_image_limit

IMAGE_TYPES = "image/jpeg,image/png,image/gif,image/webp"


class AddGadgetForm(PlainInput, forms.Form):
    kind = forms.ChoiceField(
        label="Gadget", choices=[(kind.value, kind.label) for kind in PLACEABLE]
    )
    area = forms.ChoiceField(
        label="Where",
        choices=[(Area.SIDEBAR.value, "Sidebar"), (Area.FOOTER.value, "Footer")],
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class GadgetForm(PlainInput, forms.Form):
    """A gadget's title; the kinds with options add theirs."""

    title = forms.CharField(
        label="Title",
        max_length=100,
        required=False,
        help_text="Empty: the gadget's usual heading.",
    )

    def config(self) -> dict[str, Any]:
        """The options as the layout stores them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "title"}


def _check(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


def _radios(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)


class FeaturedForm(GadgetForm):
    show_snippet = _check("Show the beginning of the post")


class PopularForm(GadgetForm):
    count = forms.IntegerField(label="How many posts", min_value=1, max_value=10)
    days = forms.TypedChoiceField(
        label="Read over",
        coerce=int,
        choices=[(7, "the last 7 days"), (30, "the last 30 days"), (0, "all time")],
        widget=forms.RadioSelect,
    )
    thumbnails = _check("Show each post's first image")
    snippets = _check("Show the beginning of each post")


class ArchiveForm(GadgetForm):
    style = _radios(
        "Style",
        [
            ("hierarchy", "Years, each opening to its months"),
            ("flat", "A flat list of months"),
            ("menu", "A menu of months that opens"),
        ],
    )


class LabelsForm(GadgetForm):
    display = _radios("Show as", [("list", "A list"), ("cloud", "A cloud")])
    sort = _radios("Sort", [("name", "By name"), ("frequency", "Most used first")])
    counts = _check("Show how many posts carry each label")


class TextForm(GadgetForm):
    text = forms.CharField(
        label="Text",
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Plain text; an empty line starts a new paragraph.",
    )


class HtmlForm(GadgetForm):
    html = forms.CharField(
        label="HTML",
        max_length=HTML_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Cleaned as posts are: scripts, styles and event handlers are taken out.",
    )


class SubscribeForm(GadgetForm):
    comments = _check("Also offer the comments feed")


class AttributionForm(GadgetForm):
    title = None  # type: ignore[assignment]  # a line of text, with no heading
    text = forms.CharField(
        label="Footer text",
        max_length=500,
        required=False,
        help_text="Empty: the blog's title and “Powered by Broadsheet”.",
    )


class LinksForm(GadgetForm):
    links = forms.CharField(
        label="Links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One a line: the name, a vertical bar, then the address. "
        "For example: My garden club | https://example.org/",
    )

    def clean_links(self) -> list[dict[str, str]]:
        lines = [line for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > LINKS_LIMIT:
            raise forms.ValidationError(f"A link list holds at most {LINKS_LIMIT} links.")
        return [_link(number, line) for number, line in enumerate(lines, start=1)]


def _link(number: int, line: str) -> dict[str, str]:
    text, bar, url = line.rpartition("|")
    if not bar or not text.strip() or not web_url(url):
        raise forms.ValidationError(
            f"Line {number} needs a name, a vertical bar and an http(s) address."
        )
    return {"text": text.strip()[:200], "url": web_url(url)}


def links_text(links: list[dict[str, str]]) -> str:
    """The stored links as the form shows them."""
    return "\n".join(f"{link['text']} | {link['url']}" for link in links)


class PictureForm(GadgetForm):
    """An image uploaded here, stored by `media` as every upload is, with its description."""

    upload = forms.FileField(
        label="Image file",
        required=False,
        help_text="JPEG, PNG, GIF or WebP.",
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
    )
    alt = forms.CharField(
        label="Description (alternative text)",
        max_length=300,
        required=False,
        help_text="What the image shows, for people who cannot see it.",
    )
    remove = _check("Remove the image")
    # The address of the image already stored (the view sets it), so a form that is refused
    # for another field does not lose the picture.
    stored = ""

    def clean_upload(self) -> UploadedFile | None:
        upload = self.cleaned_data["upload"]
        return _within_image_limit(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shown = not cleaned.get("remove") and (cleaned.get("upload") or self.stored)
        if shown and not cleaned.get("alt", "").strip():
            self.add_error("alt", "Describe the image for people who cannot see it.")
        return cleaned


class ImageForm(PictureForm):
    caption = forms.CharField(label="Caption", max_length=300, required=False)
    link = forms.CharField(
        label="Link",
        max_length=500,
        required=False,
        help_text="Where the image leads, an http(s) address; empty: nowhere.",
    )

    def clean_link(self) -> str:
        link = self.cleaned_data["link"].strip()
        if link and not web_url(link):
            raise forms.ValidationError("Give an address that starts with http:// or https://.")
        return link


class HeaderForm(PictureForm):
    """The header shows the blog's title and description (the same fields as Settings), and
    an image if the admin gives one; the header itself has no heading to title."""

    title = None  # type: ignore[assignment]
    blog_title = forms.CharField(label="Blog title", max_length=200)
    blog_description = forms.CharField(
        label="Description",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_description = _check("Show the description under the title")

    def config(self) -> dict[str, Any]:
        config = super().config()
        return {k: v for k, v in config.items() if not k.startswith("blog_")}


class PagesForm(GadgetForm):
    """Which published pages the gadget lists, and in what order: a number for each."""

    def __init__(self, *args: Any, pages: list[Page], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages = pages
        for page in pages:
            self.fields[f"page_{page.pk}"] = forms.IntegerField(
                label=page.title or "(untitled)", min_value=1, max_value=999, required=False
            )

    def config(self) -> dict[str, Any]:
        chosen = [
            (self.cleaned_data[f"page_{page.pk}"], page.title, page.pk)
            for page in self.pages
            if self.cleaned_data.get(f"page_{page.pk}") is not None
        ]
        return {"order": [pk for _, _, pk in sorted(chosen)]}


FORMS: dict[str, type[GadgetForm]] = {
    Kind.FEATURED: FeaturedForm,
    Kind.POPULAR: PopularForm,
    Kind.ARCHIVE: ArchiveForm,
    Kind.LABELS: LabelsForm,
    Kind.PAGES: PagesForm,
    Kind.TEXT: TextForm,
    Kind.HTML: HtmlForm,
    Kind.IMAGE: ImageForm,
    Kind.LINKS: LinksForm,
    Kind.SUBSCRIBE: SubscribeForm,
    Kind.HEADER: HeaderForm,
    Kind.ATTRIBUTION: AttributionForm,
}


def form_class(kind: str) -> type[GadgetForm]:
    return FORMS.get(kind, GadgetForm)
