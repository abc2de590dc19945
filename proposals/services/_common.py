from django.db import models


def save_as(obj: models.Model, actor, **kwargs) -> None:
    """full_clean then save, recording `actor` as the user in the history row."""
    obj.full_clean()
    obj._history_user = actor
    obj.save(**kwargs)
