import uuid

import pytest


@pytest.fixture
def celery_app():
    """The project's Celery app; settings changed by a test are put back afterwards."""
    from config.celery import app

    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    yield app
    app.conf.update(saved)


@pytest.fixture
def test_queue(celery_app):
    """A queue of our own on the shared Redis, so no other worker takes our messages."""
    name = f"test-jobs-{uuid.uuid4().hex[:12]}"
    celery_app.conf.task_default_queue = name
    return name
