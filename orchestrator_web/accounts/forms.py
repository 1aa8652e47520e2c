from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from orchestrator_web.accounts.api_tokens import MAX_DAYS

LIFETIMES = [("1h", "1 hour"), ("8h", "8 hours"), ("1d", "1 day"), ("7d", "7 days"), ("30d", "30 days")]


class PasteTokenForm(forms.Form):
    token = forms.CharField(
        label="PE token",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        max_length=4096,
        help_text="The output of puppet-access show. It is checked with PE, then stored encrypted.",
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if any(c.isspace() for c in token):
            raise forms.ValidationError("A token has no spaces or line breaks; paste it exactly.")
        return token


class LoginForTokenForm(forms.Form):
    login = forms.CharField(label="PE login", max_length=150)
    password = forms.CharField(
        label="PE password",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Sent once to PE to get a token; never stored.",
    )
    lifetime = forms.ChoiceField(choices=LIFETIMES, initial="8h")

    def __init__(self, *args: Any, pe_login: str, **kwargs: Any) -> None:
        """`pe_login`: the PE login this person's token must belong to (accounts.models.pe_login_of)."""
        super().__init__(*args, **kwargs)
        self.pe_login = pe_login
        self.initial.setdefault("login", pe_login)

    def clean_login(self) -> str:
        login: str = self.cleaned_data["login"]
        if login != self.pe_login:
            # Refused before asking PE: a token of another PE user would not be stored anyway.
            raise forms.ValidationError(
                f"Your token must belong to your own PE user, {self.pe_login}, not to {login}. "
                "If your PE login differs from your login here, an administrator can set it for you."
            )
        return login


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What it is for, like “deploy pipeline”: it names the token in lists and the audit trail.",
    )
    expires_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        help_text="Empty: it lasts until you revoke it.",
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Times on every page are shown in this zone. Your browser's zone is used when none is chosen.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        zones = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Your browser's time zone"), *((zone, zone.replace("_", " ")) for zone in zones)]
