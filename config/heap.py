"""What a web process does once it has loaded the application.

Everything loaded at start-up (Django, the apps, their modules and settings) lives as long as
the process. Python's cyclic garbage collector would still walk all of it on each full
collection: 40–45 ms every few dozen requests, measured on the 50,000-proposal benchmark
data (bench/bench_pages.py), which was most of the pages' p95. `gc.freeze()` moves those
objects to a permanent generation the collector skips; it also keeps gunicorn's forked
workers from touching, and so copying, the pages the master loaded (see the `gc` module's
documentation). Objects made later are collected as before.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> int:
    """Collect what start-up left as garbage, then freeze the rest; returns how many
    objects are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
