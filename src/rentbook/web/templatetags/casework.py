"""Template filters for case work: category names and the tag colour each category wears."""

from __future__ import annotations

from django import template

from rentbook.cases.models import Category

register = template.Library()

#: GOV.UK tag colours by category: holds and reviews stand apart from escalation.
COLOURS = {
    "none": "grey",
    "hold": "purple",
    "contact": "blue",
    "letter": "light-blue",
    "visit": "turquoise",
    "arrangement": "green",
    "benefit": "green",
    "notice": "orange",
    "court": "red",
    "enforcement": "red",
    "recovery": "pink",
    "write_off": "grey",
    "review": "yellow",
}


@register.filter
def category_label(value: str) -> str:
    try:
        return str(Category(value).label)
    except ValueError:
        return value


@register.filter
def category_colour(value: str) -> str:
    return COLOURS.get(value, "grey")


@register.filter
def get_item(mapping: dict, key: str):  # type: ignore[no-untyped-def]
    """A dict's value by a key a template cannot spell (``error|get_item:"done-time"``)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
