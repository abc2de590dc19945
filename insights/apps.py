from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = _("统计、导入导出与检索")

    def ready(self) -> None:
        from jobs.registry import register_runner

        from . import list_exports, panels

        panels.register()
        for kind, (runner, label) in list_exports.RUNNERS.items():
            register_runner(kind, runner, label=label)
