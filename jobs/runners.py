"""The jobs app's own runner: a self-test that computes a known sum, so that a test can
prove a real worker ran a job."""

import time

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _


def selftest(job, progress) -> tuple[str, File]:
    n = int(job.params.get("n", 1000))
    total = sum(i * i for i in range(n + 1))
    progress(50, _("计算中……"))
    # A test that kills the worker mid-job keeps its first run going this long.
    seconds = 0 if job.interruptions else float(job.params.get("seconds", 0))
    steps = int(seconds * 10)
    for step in range(steps):
        time.sleep(seconds / steps)
        progress(50 + 49 * step / steps)
    return "selftest.txt", ContentFile(f"{total}\n".encode(), name="selftest.txt")
