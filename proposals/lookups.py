"""`field__any_of=ids`: like `__in` with a list, but on PostgreSQL the list is one array
parameter (`field = ANY(%s)`), not one placeholder per value.

The search hands the database up to a thousand candidate ids at a time. As `IN (%s, %s,
…)` each id is a placeholder that Django prepares and psycopg splits out of the SQL text
again on every execution (the SQL is too long for psycopg's cache): about 8 ms of each
search on the 50,000-proposal benchmark data. PostgreSQL plans both forms the same way.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression"):  # a queryset or an expression
            raise TypeError("__any_of takes values (a list of ids), not a query: use __in")
        values = []
        for value in self.rhs:
            if value is None:
                continue
            values.append(self.lhs.output_field.get_prep_value(value))
        return values

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        if not values:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations read their own lookups, not Field's
