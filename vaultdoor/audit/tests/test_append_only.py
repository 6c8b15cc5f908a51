"""The audit tables refuse UPDATE and DELETE: in the ORM, and in the database's own triggers."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, models, transaction

from vaultdoor.audit import record
from vaultdoor.audit.models import AppendOnlyError, AuditCheckpoint, AuditEvent
from vaultdoor.audit.recorder import checkpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    for n in range(3):
        record("access.decision", n=n)
    checkpoint()


@pytest.fixture(params=[AuditEvent, AuditCheckpoint], ids=["event", "checkpoint"])
def model(request, rows):
    return request.param


def refused_by_database():
    # A savepoint, so PostgreSQL's aborted statement does not poison the test's transaction.
    return _Refused()


class _Refused:
    def __enter__(self):
        self.raises = pytest.raises(IntegrityError, match="append-only")
        self.raises.__enter__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        self.atomic.__exit__(*exc)
        return self.raises.__exit__(*exc)


def test_orm_refuses_update_and_delete(model):
    row = model.objects.order_by("seq").last()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(seq=99)
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_triggers_refuse_orm_update_and_delete_that_skip_the_guard(model):
    plain = models.QuerySet(model=model)  # no append-only manager: straight to SQL
    with refused_by_database():
        plain.filter(seq__gte=1).update(seq=models.F("seq") + 100)
    with refused_by_database():
        plain.filter(seq__gte=1).delete()
    assert model.objects.count() >= 1


def test_triggers_refuse_raw_sql(model):
    table = model._meta.db_table
    with refused_by_database(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET seq = seq + 100")  # noqa: S608 - our table name
    with refused_by_database(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert model.objects.count() >= 1


def test_triggers_refuse_truncate_on_postgresql(model):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    with refused_by_database(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")


def test_inserts_still_work():
    before = AuditEvent.objects.count()
    record("auth.login", actor="dave")
    assert AuditEvent.objects.count() == before + 1
