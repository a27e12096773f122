"""Members' emails: the reminder to renew a paid membership, in the language its order was
placed in, as text and HTML in the shop's layout (apps.core.emails), with one button to the
plan's product page."""

from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from apps.core.emails import absolute_url, email_message, message_id_domain, render_email, text_rows
from apps.members.models import Membership


def renewal_message_id(membership: Membership) -> str:
    """The same Message-ID every time this period's reminder is made: were it ever sent
    twice (a worker killed between sending and recording), mail programs show it once."""
    return f"<membership-{membership.pk}-renewal-{membership.ends_at:%Y%m%d}@{message_id_domain()}>"


def membership_renewal_email(*, membership: Membership) -> EmailMultiAlternatives:
    """ "Your Gold membership ends on 2027-11-30": to the member, ready to send."""
    member = membership.member
    with translation.override(membership.order.language):
        valid_until = date_format(localtime(membership.ends_at), "Y-m-d")
        product = membership.plan.sku.product
        facts = [
            {"label": _("Membership"), "value": product.name},
            {"label": _("Tier"), "value": membership.tier.name},
            {"label": _("Valid until"), "value": valid_until},
        ]
        subject = _("Your %(tier)s membership ends on %(date)s") % {
            "tier": membership.tier.name,
            "date": valid_until,
        }
        text, html = render_email(
            "members/email/membership_renewal",
            {
                "subject": subject,
                "headline": _("Time to renew your membership"),
                "name": member.display_name,
                "tier": membership.tier,
                "valid_until": valid_until,
                "facts": facts,
                "facts_text": text_rows([(fact["label"], fact["value"]) for fact in facts]),
                "button_url": absolute_url(product.get_absolute_url()),
                "button_label": _("Renew my membership"),
            },
        )
        message = email_message(subject=subject, text=text, html=html, to=[member.email])
    message.extra_headers["Message-ID"] = renewal_message_id(membership)
    return message
