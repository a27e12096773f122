from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "apps.referrals"
    verbose_name = _("Referral sharing")

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up

        from apps.referrals.receivers import reward_referred_signup

        user_signed_up.connect(reward_referred_signup, dispatch_uid="referrals.signup")
