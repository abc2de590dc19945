"""Behind the reverse proxy of docs/deploy.md (nginx, proxy_add_x_forwarded_for)."""


def client_ip(request) -> str | None:
    """The client's address for login rate limiting (django-axes): the right-most
    X-Forwarded-For entry is the one our proxy added; earlier ones are the client's say."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.split(",")[-1].strip()
    return last or request.META.get("REMOTE_ADDR")
