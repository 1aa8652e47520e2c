"""The profile page's notifications: what each person hears about, and where."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from orchestrator_web.audit.models import Action, AuditEntry
from orchestrator_web.notifications.models import Channel, Delivery, DeliveryState, Event, Kind
from tests.helpers import Html, WebhookReceiver, run_queued_tasks

SLACK = "https://hooks.slack.com/services/T0SECRET1/B0SECRET2/abcdefghijklmnopqrstuvwx"


def profile(client: Client) -> Html:
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    return Html(response)


def add(client: Client, name: str, url: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/profile/notifications/webhooks/", {"name": name, "url": url})


def everything_stored() -> str:
    """Every text column of every table, as the database holds it."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
            texts += [str(row) for row in cursor.fetchall()]
    return "\n".join(texts)


def test_the_profile_offers_each_event_for_email_by_default_what_needs_a_person(client: Client, alice: User) -> None:
    client.force_login(alice)
    page = profile(client)
    rows = [" ".join(row.get_text(" ").split()) for row in page.soup.select(".notification-choices tbody th")]
    assert rows == [event.label for event in Event]
    email = Channel.objects.get(user=alice, kind=Kind.EMAIL)
    ticked = {box["name"] for box in page.soup.select(".notification-choices input[checked]")}
    assert ticked == {f"channel{email.pk}-approval_waiting", f"channel{email.pk}-launch_decided"}
    assert "Your account has no e-mail address" in page.plain()


def test_choices_are_saved(client: Client, alice: User) -> None:
    client.force_login(alice)
    profile(client)
    email = Channel.objects.get(user=alice, kind=Kind.EMAIL)
    response = client.post("/accounts/profile/notifications/", {f"channel{email.pk}-job_failed": "on"})
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.events == ["job_failed"]


def test_a_webhook_is_stored_encrypted_and_shown_masked(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = add(client, "my Slack", SLACK)
    assert response.status_code == 302
    channel = Channel.objects.get(user=alice, kind=Kind.WEBHOOK)
    assert channel.url_shown == "Slack: https://hooks.slack.com/…"
    assert "T0SECRET1" not in everything_stored() and "abcdefghijklmnopqrstuvwx" not in everything_stored()
    page = profile(client)
    assert "Slack: https://hooks.slack.com/…" in page.plain()
    assert "T0SECRET1" not in page.text
    assert AuditEntry.objects.get(action=Action.CHANNEL_ADDED).details == {
        "channel": "my Slack",
        "webhook": "Slack: https://hooks.slack.com/…",
    }


def test_a_malformed_webhook_url_is_refused_with_a_message_and_not_echoed(client: Client, alice: User) -> None:
    client.force_login(alice)
    for url, message in [
        ("https://example.com/hook?token=s3cretvalue", "This is not a webhook URL that can be sent to"),
        ("hooks.slack.com/services/x", "That is not a URL"),
        ("json://host/ path", "A webhook URL has no spaces or line breaks"),
    ]:
        response = add(client, "broken", url)
        assert response.status_code == 200
        page = Html(response)
        assert page.error("url", "webhook_").startswith(message)
        assert "s3cretvalue" not in page.text
    assert not Channel.objects.filter(kind=Kind.WEBHOOK).exists()


def test_a_generic_https_webhook_is_pointed_to_json(client: Client, alice: User) -> None:
    client.force_login(alice)
    page = Html(add(client, "generic", "https://chat.example.net/hook"))
    assert "For a generic JSON webhook write json://host/path (jsons:// for https)." in page.error("url", "webhook_")


def test_a_new_webhook_carries_what_the_email_does(client: Client, alice: User) -> None:
    client.force_login(alice)
    add(client, "my Slack", SLACK)
    channel = Channel.objects.get(user=alice, kind=Kind.WEBHOOK)
    assert channel.events == ["approval_waiting", "launch_decided"]


def test_a_webhook_is_removed_and_only_by_its_owner(client: Client, alice: User, outsider: User) -> None:
    client.force_login(alice)
    add(client, "my Slack", SLACK)
    channel = Channel.objects.get(user=alice, kind=Kind.WEBHOOK)
    client.force_login(outsider)
    assert client.post(f"/accounts/profile/notifications/{channel.pk}/remove/").status_code == 404
    client.force_login(alice)
    assert client.post(f"/accounts/profile/notifications/{channel.pk}/remove/").status_code == 302
    assert not Channel.objects.filter(pk=channel.pk).exists()
    assert AuditEntry.objects.filter(action=Action.CHANNEL_REMOVED).exists()


def test_a_test_message_reaches_the_webhook_and_shows_among_recent_messages(
    client: Client, alice: User, settings: Any
) -> None:
    settings.NOTIFICATION_RETRY_SECONDS = 0
    with WebhookReceiver() as receiver:
        client.force_login(alice)
        add(client, "local", receiver.url)
        channel = Channel.objects.get(user=alice, kind=Kind.WEBHOOK)
        client.post(f"/accounts/profile/notifications/{channel.pk}/test/")
        run_queued_tasks()
        assert [m["title"] for m in receiver.accepted] == ["Test message from orchestrator_web"]
    assert Delivery.objects.get().state == DeliveryState.SENT
    assert "Test message from orchestrator_web alice: local Sent" in profile(client).by_id("recent-deliveries")


def test_a_target_that_is_down_says_so_on_the_profile(client: Client, alice: User, settings: Any) -> None:
    settings.NOTIFICATION_RETRY_SECONDS, settings.NOTIFICATION_ATTEMPTS = 0, 2
    client.force_login(alice)
    add(client, "down", "json://127.0.0.1:9/hook")
    channel = Channel.objects.get(user=alice, kind=Kind.WEBHOOK)
    client.post(f"/accounts/profile/notifications/{channel.pk}/test/")
    run_queued_tasks()
    shown = profile(client).by_id("recent-deliveries")
    assert "Failed (2 attempts): A Connection error occurred sending JSON notification to 127.0.0.1." in shown


def test_rotate_token_key_re_encrypts_webhook_urls(alice: User, settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    from orchestrator_web.notifications.channels import decrypt, encrypt

    settings.TOKEN_ENCRYPTION_KEYS = ["old-key-" + "o" * 40]
    channel = Channel.objects.create(user=alice, kind=Kind.WEBHOOK, name="chat", url_ciphertext=encrypt(SLACK))
    settings.TOKEN_ENCRYPTION_KEYS = ["new-key-" + "n" * 40, "old-key-" + "o" * 40]
    out = StringIO()
    call_command("rotate_token_key", stdout=out, stderr=StringIO())
    assert "1 webhook URL re-encrypted with the newest key; 0 already under it." in out.getvalue()
    settings.TOKEN_ENCRYPTION_KEYS = ["new-key-" + "n" * 40]
    channel.refresh_from_db()
    assert decrypt(channel.url_ciphertext) == SLACK


def test_every_id_on_the_profile_page_is_unique(client: Client, alice: User) -> None:
    client.force_login(alice)
    page = Html(client.get("/accounts/profile/"))
    ids = [tag["id"] for tag in page.soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert page.soup.find("label", string="Name", attrs={"for": "webhook_name"}) is not None
