"""Login rate limiting (django-axes) reads the username that was typed, whatever its length."""

from django.contrib.auth import get_user_model


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The username axes records a failure under, cut to the longest a user may have.

    axes stores it in a 255-character column: a longer one typed at the login page raised a
    DataError on PostgreSQL (a 500 for an anonymous POST). No account can have a longer name
    than the model allows, so names that differ only past that length are the same nobody.
    """
    source = credentials if credentials else getattr(request, "data", request.POST)
    field = get_user_model().USERNAME_FIELD
    username = source.get(field)
    if username is None:
        return None
    limit = get_user_model()._meta.get_field(field).max_length
    return str(username)[:limit]
