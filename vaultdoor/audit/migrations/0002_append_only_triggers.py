# Database triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the audit
# tables; the SQL for each vendor lives in vaultdoor/audit/triggers.py.

from django.db import migrations

from vaultdoor.audit import triggers


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_audit_log"),
    ]

    operations = [
        migrations.RunPython(triggers.install, triggers.uninstall, elidable=False),
    ]
