"""The Theme page's form: a theme and the blog's choices on it (docs/themes.md)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from broadsheet.blogs.models import Blog
from broadsheet.core import colours
from broadsheet.core.themes import FONTS, Theme
from broadsheet.reader import themes
from broadsheet.studio.forms import PlainInput, _within_image_limit

THEIRS = ("", "The theme's own")


class ThemeForm(PlainInput, forms.ModelForm):
    """The theme by name, an accent colour kept readable (WCAG AA) on the theme's background,
    fonts from the self-hosted shortlist, the width, the colour scheme and a favicon."""

    theme = forms.ChoiceField(label="Theme", widget=forms.RadioSelect)
    theme_accent = forms.CharField(
        label="Accent colour",
        required=False,
        max_length=7,
        help_text="For links and buttons, written #rrggbb (for example #1f6f8b). Empty: the"
        " theme's own. It must stay readable on the theme's background.",
    )
    theme_text_font = forms.ChoiceField(label="Text font", required=False)
    theme_heading_font = forms.ChoiceField(label="Heading font", required=False)
    favicon = forms.FileField(
        label="Favicon",
        required=False,
        help_text="The icon browsers show in tabs: JPEG, PNG, GIF or WebP; it is cut to a square.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    remove_favicon = forms.BooleanField(label="Use Broadsheet's icon again", required=False)

    class Meta:
        model = Blog
        fields = [
            *("theme", "theme_accent", "theme_text_font", "theme_heading_font"),
            *("theme_width", "theme_scheme"),
        ]
        widgets = {"theme_width": forms.RadioSelect, "theme_scheme": forms.RadioSelect}
        labels = {"theme_width": "Content width", "theme_scheme": "Colours"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fonts = [THEIRS, *((name, font.label) for name, font in FONTS.items())]
        choices = {"theme": [(t.name, t.title) for t in themes.available()]}
        choices |= {"theme_text_font": fonts, "theme_heading_font": fonts}
        for name, offered in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = offered

    def clean_theme_accent(self) -> str:
        typed = str(self.cleaned_data["theme_accent"]).strip().lower()
        if typed and not colours.HEX.match(typed):
            raise forms.ValidationError("Write the colour as # and six hex digits, like #1f6f8b.")
        return typed

    def clean_favicon(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data["favicon"]
        return _within_image_limit(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        theme = themes.named(str(cleaned.get("theme", "")))
        accent = cleaned.get("theme_accent")
        if theme is not None and accent:
            self._check_accent(theme, accent, str(cleaned.get("theme_scheme", "auto")))
        return cleaned

    def _check_accent(self, theme: Theme, accent: str, scheme: str) -> None:
        # An "auto" blog's dark pages take a lighter shade of the accent (reader.themes.accent),
        # so the colour as typed is held to the light background, where it is used as it is.
        palette = theme.dark if scheme == "dark" else theme.light
        ratio = colours.contrast(accent, palette.bg)
        if ratio < colours.AA_TEXT:
            nearest = colours.readable_on(accent, palette.bg)
            self.add_error(
                "theme_accent",
                f"Links in {accent} on {theme.title}'s {'dark' if scheme == 'dark' else 'light'}"
                f" background have a contrast of {ratio:.1f}:1; text needs 4.5:1."
                f" The nearest readable shade is {nearest}.",
            )
