from __future__ import annotations

from django import forms


class WebmentionForm(forms.Form):
    """A Webmention as the spec sends it: two URLs, form-encoded. Checked further by
    `targets.accept`; kept as text so that a relative or odd URL gets our own message."""

    source = forms.CharField(max_length=2000)
    target = forms.CharField(max_length=2000)
