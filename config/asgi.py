import os

from django.core.asgi import get_asgi_application

from config.heap import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()
freeze_startup_objects()
