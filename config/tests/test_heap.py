"""The web entry points freeze what start-up loaded (config/heap.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_entry_point_freezes_the_loaded_application(module):
    # A fresh interpreter: freezing inside the test process would change its own collector.
    code = (
        f"import gc; assert gc.get_freeze_count() == 0; import {module} as entry; "
        "print(gc.get_freeze_count(), type(entry.application).__name__)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    )
    frozen, handler = out.stdout.split()
    assert int(frozen) > 10_000  # Django and the apps: tens of thousands of objects
    assert handler in {"WSGIHandler", "ASGIHandler"}


def test_freezing_leaves_later_garbage_to_the_collector():
    import gc
    import weakref

    from config.heap import freeze_startup_objects

    class Node:
        pass

    try:
        frozen = freeze_startup_objects()
        # Frozen objects still die by reference counting (another thread's, say), so the
        # count may have fallen since; it must not be zero.
        assert frozen > 0 and 0 < gc.get_freeze_count() <= frozen + 100
        node = Node()
        node.me = node  # a cycle: only the cyclic collector frees it
        alive = weakref.ref(node)
        del node
        gc.collect()
        assert alive() is None
    finally:
        gc.unfreeze()
