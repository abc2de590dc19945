from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        from . import registry, runners
        from .models import Job

        registry.register_runner(Job.SELFTEST, runners.selftest, label=_("自检"))
