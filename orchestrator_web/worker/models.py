from __future__ import annotations

from django.db import models


class Chain(models.Model):
    """A periodic task's chain of runs: each run queues the next, and only while it is the
    chain's current link (`link`), so a restarted worker, or several workers starting at once,
    never run two chains of the same task."""

    name = models.CharField(max_length=50, primary_key=True)
    link = models.CharField(max_length=64, blank=True, help_text="The queued task that is the next run.")
    failures = models.PositiveIntegerField(default=0, help_text="Runs in a row that failed (the next waits longer).")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "periodic task"

    def __str__(self) -> str:
        return self.name
