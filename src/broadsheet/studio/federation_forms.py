"""The studio's fediverse form: what a block names."""

from __future__ import annotations

import re

from django import forms

from broadsheet.studio.forms import PlainInput

# A server (`bad.example`), an account as people write it (`@someone@bad.example`: its server
# is blocked, since one account's URI can't be known without asking its server), or an
# account's URI (`https://bad.example/users/someone`).
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$")


class BlockForm(PlainInput, forms.Form):
    target = forms.CharField(max_length=500, label="Server or account to block")

    def clean_target(self) -> str:
        value = self.cleaned_data["target"].strip()
        if value.startswith(("https://", "http://")) and " " not in value:
            return value
        domain = value.lstrip("@").rpartition("@")[2].lower().rstrip(".")
        if not _DOMAIN.match(domain):
            raise forms.ValidationError(
                "Give a server (social.example), an account (@name@social.example) or an "
                "account's address (https://…)."
            )
        return domain
