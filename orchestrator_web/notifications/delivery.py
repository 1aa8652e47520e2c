"""Sending queued messages, in the worker: one task per delivery, retried with backoff.

A delivery is claimed by a compare-and-set (queued or waiting to retry → sending) before it is
sent, so two tasks for the same delivery (a retry and the sweep's) never send it twice. Each
send waits at most NOTIFICATION_TIMEOUT, so a receiver that never answers holds the worker that
long and no longer; a failed attempt is tried again NOTIFICATION_RETRY_SECONDS later, twice as
long each time, up to NOTIFICATION_ATTEMPTS in all, and then the delivery is failed: in the
admin's delivery log with its last error, and its task in the task results with a traceback.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from orchestrator_web.jobs.models import State
from orchestrator_web.notifications.channels import DeliveryError, decrypt, send_email, send_webhook
from orchestrator_web.notifications.models import Delivery, DeliveryState, Kind, Message

log = logging.getLogger(__name__)

OPEN = (DeliveryState.PENDING, DeliveryState.RETRYING)
# A delivery still "sending" after this long was left by a worker that died: it is tried again.
SENDING_STALE = timedelta(minutes=10)
# A due delivery no task took up within this long lost its task: the sweep queues it again.
OVERDUE = timedelta(minutes=5)


class DeliveryFailed(Exception):
    """The last attempt failed: the delivery is given up (and shown so in the delivery log)."""


@task()
def deliver(delivery_id: int) -> str:
    """Try to send one delivery; queue the next attempt when it fails and attempts remain."""
    outcome, retry_at = attempt(delivery_id)
    if retry_at is not None:
        deliver.using(run_after=retry_at).enqueue(delivery_id)
    if outcome == DeliveryState.FAILED:
        raise DeliveryFailed(f"delivery {delivery_id} failed after {settings.NOTIFICATION_ATTEMPTS} attempts")
    return str(outcome)


def attempt(delivery_id: int) -> tuple[str, datetime | None]:
    """One attempt: (the delivery's state afterwards, when to try again or None)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, state__in=OPEN, next_attempt_at__lte=now).update(
        state=DeliveryState.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return "not due", None  # sent already, given up, or another task has it
    delivery = Delivery.objects.select_related("channel", "recipient", "job").get(pk=delivery_id)
    if delivery.message == Message.WAITING and (delivery.job is None or delivery.job.state != State.AWAITING_APPROVAL):
        Delivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.SKIPPED,
            last_error="The launch was decided (or ended) before this could be sent.",
            updated_at=timezone.now(),
        )
        return DeliveryState.SKIPPED, None
    try:
        _send(delivery)
    except DeliveryError as exc:
        error = exc.message
    except Exception as exc:  # a fault of ours or of a library: retried like any failure
        log.exception("delivery %s: unexpected error", delivery_id)
        error = f"An internal error happened while sending ({exc.__class__.__name__}); see the server log."
    else:
        Delivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
        )
        return DeliveryState.SENT, None
    if delivery.attempts >= settings.NOTIFICATION_ATTEMPTS:
        Delivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.FAILED, last_error=error, updated_at=timezone.now()
        )
        log.error("delivery %s to %s failed for good: %s", delivery_id, delivery.channel_name, error)
        return DeliveryState.FAILED, None
    retry_at = timezone.now() + timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** (delivery.attempts - 1))
    Delivery.objects.filter(pk=delivery_id).update(
        state=DeliveryState.RETRYING, next_attempt_at=retry_at, last_error=error, updated_at=timezone.now()
    )
    log.warning(
        "delivery %s to %s failed (attempt %s): %s", delivery_id, delivery.channel_name, delivery.attempts, error
    )
    return DeliveryState.RETRYING, retry_at


def _send(delivery: Delivery) -> None:
    channel = delivery.channel
    if channel is None:
        raise DeliveryError("Its channel was removed.")
    if channel.kind == Kind.EMAIL:
        address = channel.address or (channel.user.email if channel.user is not None else "")
        if not address:
            raise DeliveryError("There is no e-mail address to send to.")
        send_email(address, delivery.subject, delivery.body)
        return
    url = decrypt(channel.url_ciphertext)
    if url is None:
        raise DeliveryError("The webhook URL can no longer be read (the token encryption key changed): add it again.")
    send_webhook(url, delivery.subject, delivery.body)


def queue(delivery: Delivery) -> None:
    """Queue a delivery's first attempt (in the caller's transaction: the queue is a table too)."""
    deliver.enqueue(delivery.pk)


def sweep() -> int:
    """Queue again the deliveries whose task was lost: due for a while and not taken up, or left
    "sending" by a worker that died (those may have gone out; they are sent again rather than
    lost). Returns how many were queued."""
    now = timezone.now()
    stale = Delivery.objects.filter(state=DeliveryState.SENDING, updated_at__lt=now - SENDING_STALE)
    left = list(stale.values_list("pk", flat=True)[:1000])
    Delivery.objects.filter(pk__in=left, state=DeliveryState.SENDING).update(
        state=DeliveryState.RETRYING, next_attempt_at=now, updated_at=now
    )
    overdue = Delivery.objects.filter(state__in=OPEN, next_attempt_at__lt=now - OVERDUE)
    ids = [*left, *overdue.values_list("pk", flat=True)[:1000]]
    for delivery_id in ids:
        deliver.enqueue(delivery_id)
    return len(ids)
