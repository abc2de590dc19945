from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "replies"
    verbose_name = _("答复函")

    def ready(self) -> None:
        from jobs.registry import register_runner, register_start_actions
        from proposals.deadlines import register_daily_step
        from proposals.signals import assignment_withdrawn

        from . import compilation, timeline
        from .services import countersign, publication
        from .views import compilation as compilation_views
        from .views import proposal

        timeline.register()
        register_daily_step(
            "会签逾期视为同意",
            lambda today, warnings: countersign.countersigns_lapse_due(
                today=today, warnings=warnings),
        )
        register_daily_step(
            "公开答复逾期提醒",
            lambda today, warnings: publication.publications_notify_overdue(
                today=today, warnings=warnings),
        )
        assignment_withdrawn.connect(
            lambda sender, assignment, actor=None, **kwargs: countersign.countersigns_withdraw(
                assignment=assignment, actor=actor),
            weak=False, dispatch_uid="replies.countersigns_of_a_withdrawn_assignment",
        )
        proposal.register()
        register_runner(
            compilation.SESSION_COMPILATION, compilation.session_compilation,
            label=_("届次汇编导出"),
        )
        register_start_actions(compilation_views.job_list_actions)
