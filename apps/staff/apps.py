from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def roles_sync_after_migrate(sender, using="default", **kwargs) -> None:
    """Permissions are created by post_migrate, app by app, so the role groups are brought
    in step once every app has had its turn: on the signal of the last app with models."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    from apps.staff.services import roles_sync

    roles_sync(using=using)


class StaffConfig(AppConfig):
    name = "apps.staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="staff.roles_sync")
