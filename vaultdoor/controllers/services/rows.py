"""Plain-row INSERTs for the event ingestion path: no model instance per row.

`bulk_create` builds a model instance per row and prepares every value through the ORM; for
thousands of events a second that is most of the ingestion time. `insert_rows` takes rows as
`{attname: value}` dicts, fills defaults (and `auto_now_add` times) as the model would, and
converts only the values whose column needs the database's own form (times, JSON, UUIDs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

__all__ = ["insert_rows"]

# Values of these column types are passed as they are (str, int, bool or None).
_PLAIN = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField",
    "IntegerField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SmallIntegerField", "TextField",
})
_MAX_ROWS = 500


def _plain(field: models.Field[Any, Any]) -> bool:
    if field.is_relation:
        target = field.target_field  # type: ignore[attr-defined]
        return target.get_internal_type() in _PLAIN
    return field.get_internal_type() in _PLAIN


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT `rows` (attname -> value; missing fields take their defaults) into `model`'s
    table, in multi-row statements, in the current transaction. The primary key is left to
    the database; nothing is returned."""
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    now = timezone.now()
    plan = []
    for f in fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            # The same time for every row: converted once, then passed as it is.
            plan.append((f.attname, None, f.get_db_prep_save(now, connection)))
            continue
        default: Any = f.get_default if f.has_default() else None
        plan.append((f.attname, None if _plain(f) else f, default))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params
    size = max(1, min(_MAX_ROWS, limit // len(fields))) if limit else _MAX_ROWS
    missing = object()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            values: list[Any] = []
            for row in chunk:
                for name, field, default in plan:
                    value = row.get(name, missing)
                    if value is missing:
                        value = default() if callable(default) else default
                    values.append(value if field is None
                                  else field.get_db_prep_save(value, connection))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - our own names
                + ", ".join([one] * len(chunk)), values,
            )
