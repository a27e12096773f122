"""Interface to allauth's sign-up: hands a referred sign-up to the referral service."""

from apps.referrals import links, services


def reward_referred_signup(sender, request, user, **kwargs):
    click = links.click_from_request(request) if request is not None else None
    if click is not None:
        services.referral_signup_reward(friend=user, click=click)
