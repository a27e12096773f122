from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from apps.members import pricing  # noqa: F401  (registers the member price rule)
        from apps.members.login_lockout import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="members.log_lockout")
