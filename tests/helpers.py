"""Shared test helpers: reading pages as HTML, building stand-in catalogues."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag


class Html:
    """A page, parsed: find fields, errors and text the way a person (or a browser) sees them."""

    def __init__(self, response_or_text: Any) -> None:
        text = response_or_text if isinstance(response_or_text, str) else response_or_text.content.decode()
        self.text = text
        self.soup = BeautifulSoup(text, "html.parser")

    def field(self, name: str) -> Tag:
        """The visible control called `name` (not a hidden companion input)."""
        found = [t for t in self.soup.find_all(attrs={"name": name}) if t.get("type") != "hidden"]
        assert found, f"no field {name!r} on the page"
        return found[0]

    def has_field(self, name: str) -> bool:
        return any(t.get("type") != "hidden" for t in self.soup.find_all(attrs={"name": name}))

    def value(self, name: str) -> str:
        """What the field shows: an input's value, a textarea's text, a select's chosen option."""
        tag = self.field(name)
        if tag.name == "textarea":
            return tag.get_text().removeprefix("\n")
        if tag.name == "select":
            chosen = tag.find("option", selected=True) or tag.find("option")
            return str(chosen.get("value", "")) if chosen else ""
        if tag.get("type") == "checkbox":
            return "checked" if tag.has_attr("checked") else ""
        return str(tag.get("value", ""))

    def options(self, name: str) -> list[tuple[str, str]]:
        return [(str(o.get("value", "")), o.get_text()) for o in self.field(name).find_all("option")]

    def hidden(self) -> dict[str, str]:
        return {str(t["name"]): str(t.get("value", "")) for t in self.soup.find_all("input", type="hidden")}

    def error(self, name: str) -> str:
        tag = self.soup.find(id=f"id_{name}_error")
        assert tag is not None, f"no error shown for {name}"
        return " ".join(tag.get_text(" ").split())

    def help(self, name: str) -> str:
        tag = self.soup.find(id=f"id_{name}_helptext")
        return " ".join(tag.get_text(" ").split()) if tag else ""

    def by_id(self, element_id: str) -> str:
        tag = self.soup.find(id=element_id)
        assert tag is not None, f"nothing with id {element_id!r}"
        return " ".join(tag.get_text(" ").split())

    def plain(self) -> str:
        """The page's visible text, whitespace folded."""
        return " ".join(self.soup.get_text(" ").split())

    def sealed(self) -> str:
        tag = self.soup.find("input", attrs={"name": "submission"})
        assert tag is not None, "no Run plan form on the page"
        return str(tag["value"])


def catalogue(plans: dict[str, dict[str, Any]], environment: str = "production", **extra: Any) -> dict[str, Any]:
    """A stand-in catalogue of `plans` (name → {"parameters": {...}}) in one environment."""
    return {"environments": {environment: {"plans": plans, **extra}}}


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
