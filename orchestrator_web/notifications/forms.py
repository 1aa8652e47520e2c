from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Group

from orchestrator_web.notifications.channels import check_url, encrypt, mask
from orchestrator_web.notifications.models import GROUP_EVENT_LABELS, Channel, Event, Kind
from orchestrator_web.rbac.models import validate_environments


class ChoicesForm(forms.Form):
    """What each of a person's channels carries: one checkbox per channel and event."""

    def __init__(self, channels: list[Channel], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channels = channels
        for channel in channels:
            for event in Event:
                self.fields[self.key(channel, event)] = forms.BooleanField(
                    required=False, initial=event.value in channel.events, label=f"{event.label}: {channel.name}"
                )

    @staticmethod
    def key(channel: Channel, event: str) -> str:
        return f"channel{channel.pk}-{event}"

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Per event, its checkbox in each channel's column (the page's table)."""
        return [(event.label, [self[self.key(channel, event)] for channel in self.channels]) for event in Event]

    def chosen(self) -> dict[int, list[str]]:
        return {
            channel.pk: [event.value for event in Event if self.cleaned_data.get(self.key(channel, event))]
            for channel in self.channels
        }


class WebhookForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What it is, like “my Slack” or “#ops on Mattermost”.")
    url = forms.CharField(
        label="Webhook URL",
        max_length=2000,
        strip=True,
        # A secret: never written back into a page, even one that shows an error.
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="The incoming-webhook URL of your chat service (Slack, Microsoft Teams, Mattermost …), or "
        "json://host/path for a generic JSON webhook. Stored encrypted and shown masked.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the profile page also holds the API token form, whose name field is "name" too.
        kwargs.setdefault("auto_id", "webhook_%s")
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the webhook a name.")
        return name

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        problem = check_url(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


class GroupChannelForm(forms.ModelForm):
    """A group's channel in the admin: its webhook URL is written, never read back."""

    url = forms.CharField(
        label="Webhook URL",
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="For a chat webhook. Stored encrypted and never shown again; leave empty to keep the one stored.",
    )
    events = forms.MultipleChoiceField(
        choices=[(event.value, GROUP_EVENT_LABELS[event]) for event in Event],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Channel
        fields = ["group", "name", "kind", "address", "events", "plans", "environments"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.required = True
        group.queryset = Group.objects.order_by("name")

    def clean_environments(self) -> str:
        value: str = self.cleaned_data.get("environments", "")
        validate_environments(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, url = cleaned.get("kind"), cleaned.get("url", "")
        if kind == Kind.WEBHOOK:
            if url:
                problem = check_url(url)
                if problem:
                    self.add_error("url", problem)
            elif not self.instance.url_ciphertext:
                self.add_error("url", "A chat webhook needs its URL.")
        if kind == Kind.EMAIL and not cleaned.get("address"):
            self.add_error("address", "A group's e-mail channel needs an address (a list or a shared mailbox).")
        return cleaned

    def save(self, commit: bool = True) -> Channel:
        channel: Channel = super().save(commit=False)
        url = self.cleaned_data.get("url", "")
        if channel.kind == Kind.WEBHOOK and url:
            channel.url_ciphertext, channel.url_shown = encrypt(url), mask(url)
        if channel.kind == Kind.EMAIL:
            channel.url_ciphertext = channel.url_shown = ""
        if commit:
            channel.save()
        return channel
