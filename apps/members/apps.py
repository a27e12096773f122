from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.db.models.signals import post_delete, post_save

        from apps.members import pricing  # noqa: F401  (registers the member price rule)
        from apps.members.login_lockout import log_lockout
        from apps.members.models import User
        from apps.members.receivers import forget_member_row

        user_locked_out.connect(log_lockout, dispatch_uid="members.log_lockout")
        post_save.connect(forget_member_row, sender=User, dispatch_uid="members.forget_row_saved")
        post_delete.connect(
            forget_member_row, sender=User, dispatch_uid="members.forget_row_deleted"
        )
