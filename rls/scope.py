"""The current committee of a request or a task, handed to PostgreSQL transaction by
transaction.

A scope (committee id, may read descendants) lives in a context variable while a request
or a task runs. A wrapper on every PostgreSQL connection starts each transaction with
`set_config('app.committee_id', …, true)` (and `app.read_descendants`): the setting ends
with the transaction, so nothing carries over on a pooled or reused connection. A query
outside any atomic block runs in a short transaction of its own with the setting first.
No scope → no setting → the policies show no rows.

On SQLite (no row-level security) the scope is kept but nothing is sent; the Python
filters of selectors.py are the wall there.
"""

import contextvars
import functools
import inspect
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, transaction

IDLE = 0  # psycopg's TransactionStatus.IDLE: no transaction open on the connection


@dataclass(frozen=True)
class Scope:
    committee_id: int
    reads_descendants: bool = False


_current: contextvars.ContextVar[Scope | None] = contextvars.ContextVar(
    "rls_scope", default=None
)


def current() -> Scope | None:
    return _current.get()


def _apply(raw_connection, scope: Scope | None) -> None:
    """Set (or clear) the committee in the transaction open on `raw_connection`."""
    with raw_connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.committee_id', %s, true), "
            "set_config('app.read_descendants', %s, true)",
            [
                str(scope.committee_id) if scope else "",
                "on" if scope and scope.reads_descendants else "off",
            ],
        )


def _wrapper(execute, sql, params, many, context):
    scope = _current.get()
    connection = context["connection"]
    if scope is None or connection.connection is None:
        return execute(sql, params, many, context)
    if connection.in_atomic_block:
        if connection.connection.info.transaction_status == IDLE:
            _apply(connection.connection, scope)  # the first statement of the transaction
        return execute(sql, params, many, context)
    # Autocommit: give the statement a transaction of its own, the setting first.
    with transaction.atomic(using=connection.alias):
        _apply(connection.connection, scope)
        return execute(sql, params, many, context)


def install_wrapper(sender, connection, **kwargs) -> None:
    """connection_created: wrap every PostgreSQL connection once."""
    if connection.vendor == "postgresql" and _wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_wrapper)


def _reapply_open_transactions(scope: Scope | None) -> None:
    # A scope that changes inside an open transaction (a request that learns it is a
    # proposer's, a task that walks committees) takes effect at once.
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if (
            connection.vendor == "postgresql"
            and raw is not None
            and raw.info.transaction_status != IDLE
        ):
            _apply(raw, scope)


def activate(scope: Scope | None) -> contextvars.Token:
    token = _current.set(scope)
    _reapply_open_transactions(scope)
    return token


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
    _reapply_open_transactions(_current.get())


@contextmanager
def committee_scope(
    committee_id: int | None, *, reads_descendants: bool = False
) -> Iterator[Scope | None]:
    """Run the block as `committee_id` (None: as nobody, which sees nothing)."""
    scope = Scope(committee_id, reads_descendants) if committee_id is not None else None
    token = activate(scope)
    try:
        yield scope
    finally:
        deactivate(token)


def is_postgres(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def _fetch(sql: str, params: list) -> tuple | None:
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def scope_for_person(user) -> Scope | None:
    """The committee a logged-in person works for (people belong to one committee; one
    who holds roles in two is scoped to the first, by id) and whether they may read its
    descendants. PostgreSQL only: SQLite has no wall to open."""
    if not getattr(user, "is_authenticated", False) or not is_postgres():
        return None
    row = _fetch("SELECT * FROM app_person_scope(%s)", [user.pk])
    if row is None or row[0] is None:
        return None
    return Scope(row[0], bool(row[1]))


def scope_for_feedback_token(hashes: list[str]) -> Scope | None:
    """The committee of a proposer's feedback link (its token's digests)."""
    if not is_postgres():
        return None
    row = _fetch("SELECT app_feedback_committee(%s)", [hashes])
    return Scope(row[0]) if row and row[0] is not None else None


BIGINT_MAX = 2**63 - 1


def row_committee(table: str, row_id: int) -> int | None:
    """The committee of one row of a committee-owned table, whoever is asking (None for an
    id no row can have: a URL's number beyond bigint would abort the transaction)."""
    if not 0 < int(row_id) <= BIGINT_MAX:
        return None
    row = _fetch("SELECT app_row_committee(%s, %s)", [table, row_id])
    return row[0] if row else None


def scoped_by(table: str, argument: str) -> Callable:
    """A task decorator: run the task as the committee of `table`'s row whose id is the
    task's `argument` (e.g. `@scoped_by("jobs_job", "job_id")`)."""

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def run(*args, **kwargs):
            if not is_postgres():
                return function(*args, **kwargs)
            # By name, wherever it is passed (a bound task's `self` comes first).
            row_id = signature.bind(*args, **kwargs).arguments[argument]
            with committee_scope(row_committee(table, row_id)):
                return function(*args, **kwargs)

        return run

    return decorate


def each_committee(function: Callable[[], object]) -> list:
    """Run `function` once as each committee (the daily scan, the e-mails, the outbox):
    on PostgreSQL a task without a committee sees nothing, so cross-committee work goes
    committee by committee. On SQLite it runs once, over everything."""
    if not is_postgres():
        return [function()]
    with connections["default"].cursor() as cursor:
        # The committees are outside the wall (rls/migrations/0001_wall.py).
        cursor.execute("SELECT id FROM proposals_committee ORDER BY id")
        committee_ids = [row[0] for row in cursor.fetchall()]
    results = []
    for committee_id in committee_ids:
        with committee_scope(committee_id):
            results.append(function())
    return results


def sum_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Counts by name, summed (names counted 0 kept)."""
    totals: Counter = Counter()
    for each in counts:
        totals.update(each)
    return dict(totals)


def each_committee_counted(function: Callable[[], dict[str, int]]) -> dict[str, int]:
    """`each_committee` for a function that returns counts by name: their sums."""
    return sum_counts(each_committee(function))
