"""Create the staff role groups (apps.staff.roles) with the permissions that exist so far.
Permissions of models created in this same migrate run appear only in post_migrate, where
apps.staff.apps runs the same sync again."""

from django.db import migrations


def create_role_groups(apps, schema_editor):
    from apps.staff.services import roles_sync

    roles_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("staff", "0001_role_changes_and_staff_members"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
