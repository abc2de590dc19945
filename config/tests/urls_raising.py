"""The site's URLs plus a view that fails, for the 500 page's tests (ROOT_URLCONF)."""

from django.db import DatabaseError
from django.urls import path

from config.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def fail(request):
    raise DatabaseError("the database went away")


urlpatterns = [path("test-fail/", fail), *urlpatterns]
