from django.apps import AppConfig


class RlsConfig(AppConfig):
    """The database wall between committees (PostgreSQL row-level security)."""

    name = "rls"
    verbose_name = "行级安全"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the system check)
        from .scope import install_wrapper

        connection_created.connect(install_wrapper, dispatch_uid="rls.install_wrapper")
