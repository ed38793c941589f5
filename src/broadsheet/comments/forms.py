"""The reader's comment form: what a comment may hold, with a message per field."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.validators import URLValidator

from broadsheet.comments import defences, spamfilter

# Control characters other than tab and newline: invisible, and some flip text direction
# or break a terminal or a mail client that shows the comment.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text).strip()


@dataclass(frozen=True)
class Submission:
    """What the reader typed, cleaned: the action's input."""

    name: str
    url: str
    email: str
    body: str
    notify: bool
    parent_id: int | None


class CommentForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    url = forms.URLField(
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    email = forms.EmailField(required=False)
    body = forms.CharField(required=False, strip=False)
    notify = forms.BooleanField(required=False)
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS, filled in by form-filling robots.
    website = forms.CharField(required=False)
    # The blog's question, when it asks one (comments.challenge): its token and the answer.
    challenge = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    answer = forms.CharField(required=False, max_length=40)

    def __init__(self, *args: Any, name_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_required = name_required

    def clean_name(self) -> str:
        name = " ".join(clean_text(self.cleaned_data["name"]).split())
        if self.name_required and not name:
            raise forms.ValidationError("Please give your name: this blog asks for one.")
        return name

    def clean_body(self) -> str:
        body = clean_text(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("Please write your comment.")
        if len(body) > defences.MAX_BODY:
            raise forms.ValidationError(
                f"Please keep your comment to {defences.MAX_BODY:,} characters "
                f"(it has {len(body):,})."
            )
        if len(spamfilter.links(body)) > defences.MAX_LINKS:
            raise forms.ValidationError(
                f"Please include at most {defences.MAX_LINKS} links in a comment."
            )
        return body

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("notify") and not data.get("email"):
            self.add_error("email", "Give your email address to be told of replies.")
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def submission(self) -> Submission:
        data = self.cleaned_data
        return Submission(
            name=data["name"],
            url=data["url"],
            email=data["email"],
            body=data["body"],
            notify=bool(data["notify"] and data["email"]),
            parent_id=data["parent"],
        )


class ReplyForm(forms.Form):
    """A blog member's reply from the moderation list."""

    body = forms.CharField(max_length=defences.MAX_BODY, strip=False)

    def clean_body(self) -> str:
        body = clean_text(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("Please write your reply.")
        return body


class IdsField(forms.Field):
    """The ticked comments: a list of ids (`ids=3&ids=5`)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Tick the comments to act on.",
        "invalid": "That is not a list of comments.",
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("spam", "Mark as spam"),
            ("not-spam", "Not spam"),
            ("delete", "Delete"),
            ("restore", "Restore"),
        ]
    )
    ids = IdsField()
