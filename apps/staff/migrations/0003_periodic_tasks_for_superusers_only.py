"""Take the rights to create, edit and delete Celery periodic tasks (django_celery_beat) from
every role, the store manager's included: apps.staff.roles.SUPERUSER_ONLY. The role groups
are brought in step with apps.staff.roles, as after every migrate (on a new database the
permissions do not exist yet, and that post_migrate sync is the one that counts)."""

from django.db import migrations


def sync_role_groups(apps, schema_editor):
    from apps.staff.services import roles_sync

    roles_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0002_staff_role_groups"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
