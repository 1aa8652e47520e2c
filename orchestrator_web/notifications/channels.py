"""Where a notification goes: chat webhooks through apprise (Slack, Microsoft Teams, Mattermost,
generic JSON webhooks ...) and e-mail through Django's mailer (MAILERS, from the EMAIL_*
settings). Webhook URLs are secrets: kept encrypted with the token encryption keys, shown
masked, and never written into a message, a log line or an error."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import apprise
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.mail import EmailMessage, mailers

from orchestrator_web.crypto import multi_fernet

PURPOSE = "notifications.webhook-url"
MAX_URL = 2000


class DeliveryError(Exception):
    """A message was not delivered; `message` says why in words safe to show (no secret)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def encrypt(url: str) -> str:
    return multi_fernet(settings.TOKEN_ENCRYPTION_KEYS, PURPOSE).encrypt(url.encode()).decode()


def decrypt(ciphertext: str) -> str | None:
    """The URL, or None when no configured key opens it (the key changed)."""
    try:
        return multi_fernet(settings.TOKEN_ENCRYPTION_KEYS, PURPOSE).decrypt(ciphertext.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def _service(url: str) -> apprise.plugins.NotifyBase | None:
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return None
    return notifier[0]


def check_url(url: str) -> str:
    """Why `url` cannot be a webhook ("" when it can): it must be a URL apprise knows how to
    send to, such as a Slack, Teams or Mattermost webhook, or json://host/path."""
    url = url.strip()
    if not url:
        return "Paste the webhook URL your chat service gave you."
    if len(url) > MAX_URL:
        return f"That is longer than {MAX_URL} characters: not a webhook URL."
    if any(c.isspace() for c in url):
        return "A webhook URL has no spaces or line breaks; paste it exactly."
    if "://" not in url:
        return "That is not a URL: it should start like https://hooks.slack.com/… or json://…"
    if _service(url) is None:
        scheme = url.split("://", 1)[0].lower()
        hint = (
            " For a generic JSON webhook write json://host/path (jsons:// for https)."
            if scheme in ("http", "https")
            else ""
        )
        return f"This is not a webhook URL that can be sent to (not a Slack, Teams, Mattermost … address).{hint}"
    return ""


def mask(url: str) -> str:
    """What a page shows of a webhook URL: the service and its host, never the secret parts
    (`Slack: https://hooks.slack.com/…`)."""
    service = _service(url)
    name = str(getattr(service, "service_name", "") or "Webhook")
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port and service is not None and host:
        host = f"{host}:{parts.port}"
    return f"{name}: {parts.scheme}://{host}/…"[:200]


def _scrub(text: str, url: str) -> str:
    """`text` without any secret part of `url` (its path, query, user and password pieces)."""
    parts = urlsplit(url)
    pieces = re.split(r"[/?&=:@#]+", f"{parts.username or ''}:{parts.password or ''}/{parts.path}?{parts.query}")
    for piece in sorted({p for p in pieces if len(p) >= 4}, key=len, reverse=True):
        text = text.replace(piece, "…")
    return text


def send_webhook(url: str, subject: str, body: str) -> None:
    """Post one message to a chat webhook, waiting at most NOTIFICATION_TIMEOUT. Raises
    DeliveryError saying what the service or the network answered."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError("The webhook URL is not one that can be sent to any more.")
    for service in notifier:
        service.socket_connect_timeout = settings.NOTIFICATION_TIMEOUT
        service.socket_read_timeout = settings.NOTIFICATION_TIMEOUT
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as said:
        sent = notifier.notify(title=subject, body=body)
    if not sent:
        reason = " ".join(said.getvalue().split()) or "the service did not accept it"
        raise DeliveryError(_scrub(reason, url)[:1000])


def send_email(address: str, subject: str, body: str) -> None:
    """Send one e-mail through the default mailer (MAILERS, from the EMAIL_* settings)."""
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
    try:
        mailers.default.send_messages([message])
    except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors; a bad address a ValueError
        raise DeliveryError(f"The mail server did not take it: {exc.__class__.__name__}: {exc}"[:1000]) from None
