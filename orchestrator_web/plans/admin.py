from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.pe import puppet_types as pt
from orchestrator_web.plans import aliases
from orchestrator_web.plans.models import TypeAlias


class TypeAliasForm(forms.ModelForm):
    class Meta:
        model = TypeAlias
        fields = ["name", "definition", "description"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, definition = data.get("name"), data.get("definition")
        if name and definition:
            others = {
                n: d
                for pk, n, d in TypeAlias.objects.values_list("pk", "name", "definition")
                if pk != self.instance.pk and n.lower() != name.lower()
            }
            taken = TypeAlias.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
            if taken is not None:
                self.add_error("name", f"{taken.name} is already defined (Puppet ignores case in type names).")
            for problem in aliases.check({name: definition}, others=others).get(name, []):
                self.add_error(
                    "definition" if "definition" in problem or "refers" in problem else "name", f"{name} {problem}."
                )
        return data


@admin.register(TypeAlias)
class TypeAliasAdmin(admin.ModelAdmin[TypeAlias]):
    form = TypeAliasForm
    list_display = ["name", "definition", "updated_at"]
    search_fields = ["name", "definition", "description"]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        shipped = sorted(pt.SHIPPED.names().items(), key=lambda item: item[0].lower())
        return super().changelist_view(request, {**(extra_context or {}), "shipped_aliases": shipped})

    def save_model(self, request: HttpRequest, obj: TypeAlias, form: Any, change: bool) -> None:
        before = TypeAlias.objects.filter(pk=obj.pk).values_list("definition", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        record(Action.ALIAS_CHANGED, obj.name, request=request, definition=obj.definition, before=before)

    def delete_model(self, request: HttpRequest, obj: TypeAlias) -> None:
        record(Action.ALIAS_DELETED, obj.name, request=request, definition=obj.definition)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for alias in queryset:
            self.delete_model(request, alias)
