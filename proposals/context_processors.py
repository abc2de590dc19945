"""The bell in the page header: how many notices the person has not seen yet."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import access
from .notices import unread_notice_count


def notices(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return unread_notice_count(user)

    # Lazy: pages that do not show the bell make no query.
    return {"unread_notice_count": SimpleLazyObject(count)}


def navigation(request: HttpRequest) -> dict:
    """Whether the person works for the committee (the clerk's menu items)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = SimpleLazyObject(lambda: access.menu_roles(user))
    return {
        "nav_is_clerk": SimpleLazyObject(lambda: roles[0]),
        "nav_oversees": SimpleLazyObject(lambda: roles[1]),
    }
