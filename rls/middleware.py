"""Every request runs as the committee of the person logged in (or, on a proposer's page,
of the feedback link): see rls/scope.py."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .scope import Scope, activate, deactivate, is_postgres, scope_for_person


def scope_from_view_kwargs(resolve: Callable[[dict], Scope | None]) -> Callable:
    """Mark a view whose committee comes from its URL (a proposer's token), not from the
    person: `resolve(view_kwargs)` returns the scope."""

    def decorate(view: Callable) -> Callable:
        view.rls_scope_from_kwargs = resolve
        return view

    return decorate


class CommitteeScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_postgres():
            return self.get_response(request)
        token = activate(scope_for_person(request.user))
        try:
            return self.get_response(request)
        finally:
            deactivate(token)

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        resolve = getattr(view_func, "rls_scope_from_kwargs", None)
        if resolve is not None and is_postgres():
            # Replaces the person's scope until __call__ resets it at the end.
            activate(resolve(view_kwargs))
        return None
