from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "replies"
    verbose_name = _("答复函")

    def ready(self) -> None:
        from . import timeline
        from .views import proposal

        timeline.register()
        proposal.register()
