"""Signing in as the shop's accounts do (Django's and allauth's backends), with one change:
a shopper's user row, which every one of their pages needs, is read from the cache instead of
the database (a third of what a member's cached page costs).

The copy is forgotten whenever the row changes: saved or deleted (apps.members.receivers), or
its tier moved (apps.members.services). Staff rows are always read from the database, so a
role or an account switched off takes effect at once. With the cache away the database
answers, as it always did."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

# A safety net only: every change forgets the copy at once.
MEMBER_ROW_SECONDS = 10 * 60


def member_row_key(user_id) -> str:
    return f"members:row:{user_id}"


def member_row_forget(user_id) -> None:
    """Forget the cached copy of a user row now and, once the change is committed, again:
    a page rendered in between could have cached the row as it was before."""
    key = member_row_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


class _CachedMemberRow:
    def get_user(self, user_id):
        key = member_row_key(user_id)
        user = cache.get(key)  # the shop's cache fails open: None when unreachable
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None and not (user.is_staff or user.is_superuser):
            cache.set(key, user, MEMBER_ROW_SECONDS)
        return user


class MemberModelBackend(_CachedMemberRow, ModelBackend):
    """django.contrib.auth's backend (email and password)."""


class MemberAuthenticationBackend(_CachedMemberRow, AuthenticationBackend):
    """allauth's backend (the shop's log-in form)."""
