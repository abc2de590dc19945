from django import template

from proposals.deadlines import due_date_warnings

register = template.Library()


@register.simple_tag
def holiday_data_warnings(items, attr: str = "due_on") -> list[str]:
    """Warnings for due dates (of `items`, or dates themselves) in years without holiday
    data: {% holiday_data_warnings assignments as warnings %}."""
    dates = [getattr(item, attr, item) for item in items or []]
    return due_date_warnings(dates)
