"""One demo staff account per role (password DEMO_PASSWORD), able to log in to the back
office and, with a verified email address, to the storefront."""

from allauth.account.models import EmailAddress
from django.db import transaction

from apps.members.models import User
from apps.staff.services import roles_sync, staff_member_set_roles

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105 - published demo credentials, see README

DEMO_STAFF = {
    "store_manager": "manager@example.com",
    "store_assistant": "assistant@example.com",
    "promotion_specialist": "promotion@example.com",
    "designer": "designer@example.com",
    "presales_service": "presales@example.com",
    "aftersales_service": "aftersales@example.com",
    "warehouse": "warehouse@example.com",
    "editor": "editor@example.com",
}


@transaction.atomic
def load_staff() -> int:
    """Create the demo staff users that are missing and put each in its role (idempotent)."""
    roles_sync()
    for role, email in DEMO_STAFF.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, is_staff=True)
        staff_member_set_roles(actor=None, member=user, roles=[role])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return len(DEMO_STAFF)
