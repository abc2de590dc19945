from django.db import models
from django.utils.translation import gettext_lazy as _


class FormToken(models.Model):
    """A create form's one-time token, claimed in the transaction of the write it guards
    (proposals/once.py): the unique index makes a second claim fail, with or without
    a cache. Only a digest of the token is kept."""

    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    claimed_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("表单提交记录")
        verbose_name_plural = _("表单提交记录")

    def __str__(self) -> str:
        return self.digest[:12]
