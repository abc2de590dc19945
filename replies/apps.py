from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "replies"
    verbose_name = _("答复函")

    def ready(self) -> None:
        from jobs.registry import register_runner, register_start_actions

        from . import compilation, timeline
        from .views import compilation as compilation_views
        from .views import proposal

        timeline.register()
        proposal.register()
        register_runner(
            compilation.SESSION_COMPILATION, compilation.session_compilation,
            label=_("届次汇编导出"),
        )
        register_start_actions(compilation_views.job_list_actions)
