"""Extension point: other apps (replies, feedback) put panels on the unit's assignment page
and the clerk's proposal page without those views knowing them.

    from proposals.views.unit import ASSIGNMENT_PANELS
    ASSIGNMENT_PANELS.append(("replies/_assignment_panel.html", reply_panel_context))

The function gets (request, object) and returns the panel's context (available as `panel`
in the template) or None to leave the panel out. Register in the app's AppConfig.ready().
"""

from collections.abc import Callable

from django.http import HttpRequest

Panel = tuple[str, Callable[[HttpRequest, object], dict | None]]


def build_panels(registry: list[Panel], request: HttpRequest, obj) -> list[tuple[str, dict]]:
    found = ((template, build(request, obj)) for template, build in registry)
    return [(template, ctx) for template, ctx in found if ctx is not None]
