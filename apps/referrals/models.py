"""Referral sharing (分享): each member's share code, the visits their links bring, and what
friends did through them (signed up, ordered) with the points the sharer got for it."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Letters and digits that cannot be mistaken for each other when read aloud or typed.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8


def new_share_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class ShareCode(models.Model):
    """A member's share code: their links carry it as ?ref=CODE."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="share_code",
        verbose_name=_("member"),
    )
    code = models.CharField(_("share code"), max_length=16, unique=True, default=new_share_code)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("sharer")
        verbose_name_plural = _("top sharers")

    def __str__(self) -> str:
        return self.code


class ReferralVisit(models.Model):
    """Someone opened a page through a member's link (counted once per browser and link)."""

    sharer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("sharer"),
    )
    path = models.CharField(_("page"), max_length=300)
    created_at = models.DateTimeField(_("visited at"), default=timezone.now)

    class Meta:
        verbose_name = _("visit through a shared link")
        verbose_name_plural = _("visits through shared links")
        indexes = [models.Index(fields=["sharer", "-created_at"], name="referral_visit_recent")]

    def __str__(self) -> str:
        return f"{self.sharer} · {self.path}"


class Referral(models.Model):
    """A friend who signed up, or an order placed, through a member's link, and the points
    the sharer got for it (taken back if the order is refunded)."""

    class Kind(models.TextChoices):
        SIGNUP = "signup", _("sign-up")
        ORDER = "order", _("order")

    sharer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("sharer"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    friend = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("friend"),
    )
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("order"),
    )
    visit = models.ForeignKey(
        ReferralVisit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visit"),
    )
    # When the friend opened the link: the reward counts only within SHOP_REFERRAL_DAYS.
    clicked_at = models.DateTimeField(_("link opened at"))
    points_awarded = models.PositiveIntegerField(_("points given"), default=0)
    points_reversed = models.PositiveIntegerField(_("points taken back"), default=0)
    rewarded_at = models.DateTimeField(_("rewarded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            # Once per friend for signing up (an order is once by its one-to-one key).
            models.UniqueConstraint(
                fields=["friend"],
                condition=models.Q(kind="signup"),
                name="referral_signup_once_per_friend",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="signup", order__isnull=True)
                | models.Q(kind="order", order__isnull=False),
                name="referral_order_only_for_orders",
            ),
        ]
        indexes = [models.Index(fields=["sharer", "-created_at"], name="referral_sharer_recent")]

    def __str__(self) -> str:
        return f"{self.sharer} · {self.get_kind_display()}"

    @property
    def points_kept(self) -> int:
        return self.points_awarded - self.points_reversed
