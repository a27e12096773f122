from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.members.models import User
from apps.staff.roles import role_name


class StaffMember(User):
    """The people of the shop as the role desk sees them (same table as members)."""

    class Meta:
        proxy = True
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")


class RoleChange(models.Model):
    """One role granted to or taken from a person: the audit log of roles, never edited.
    Emails are copied so the log still reads right after an account is deleted."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("granted")
        REVOKED = "revoked", _("revoked")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="role_changes",
        verbose_name=_("staff member"),
    )
    member_email = models.EmailField(_("staff member's email"))
    role = models.CharField(_("role"), max_length=50)
    action = models.CharField(_("change"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    actor_email = models.EmailField(_("changed by (email)"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self) -> str:
        return f"{self.member_email} {self.get_action_display()} {self.role_name}"

    @property
    def role_name(self) -> str:
        return role_name(self.role)
