from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class TypeAlias(models.Model):
    """A Puppet type alias from one of the site's own modules (`Mymod::Version =
    Pattern[/^\\d+\\.\\d+$/]`). PE reports an alias only by name, so its definition is kept
    here; the aliases of Puppet, Bolt and puppetlabs-stdlib come with the app."""

    name = models.CharField(max_length=200, help_text="As the module spells it, like Mymod::Version.")
    definition = models.TextField(help_text="The Puppet type it stands for, like Pattern[/^\\d+\\.\\d+$/].")
    description = models.TextField(blank=True, help_text="What it is for (optional).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "type alias"
        verbose_name_plural = "type aliases"
        # Puppet matches type names without regard to case: one alias per name, however spelt.
        constraints = [models.UniqueConstraint(Lower("name"), name="type_alias_name_unique_any_case")]

    def __str__(self) -> str:
        return f"{self.name} = {self.definition}"
