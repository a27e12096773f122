"""Interface to Django's model signals: a changed or deleted user row is forgotten by the
cache that sign-in reads it from (apps.members.backends)."""

from apps.members.backends import member_row_forget


def forget_member_row(sender, instance, **kwargs):
    member_row_forget(instance.pk)
