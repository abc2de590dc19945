from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and scale data (`load_demo`, `seed_scale`): they load every app's data, so
    they sit above the apps (docs/architecture.md)."""

    name = "demo"
    verbose_name = "演示数据"
