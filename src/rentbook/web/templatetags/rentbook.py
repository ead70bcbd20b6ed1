"""Template filters: money as pounds, and GOV.UK pagination's page numbers."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

from rentbook.money import format_pounds

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return "" if pence is None else format_pounds(pence)


@register.filter
def page_range(page: Page) -> list[int | str]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.filter
def weeks(value: float | None) -> str:
    if value is None:
        return "No weekly charge"
    return f"{value:.1f} week{'' if value == 1 else 's'}"
