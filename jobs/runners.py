"""The jobs app's own runner: a self-test that computes a known sum, so that a test can
prove a real worker ran a job."""

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _


def selftest(job, progress) -> tuple[str, File]:
    n = int(job.params.get("n", 1000))
    total = sum(i * i for i in range(n + 1))
    progress(50, _("计算中……"))
    return "selftest.txt", ContentFile(f"{total}\n".encode(), name="selftest.txt")
