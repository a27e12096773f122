"""Emails of the customer-service centre. Feedback goes to the shop team, so it is written in
the shop's own language, names the language the shopper read the page in, and is plain text
(the shopper's words are never rendered as HTML)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from apps.community.models import HelpPage


def feedback_email(*, page: HelpPage, name: str, email: str, message: str) -> EmailMessage:
    """The email telling the page's responsible staff what a shopper, reading the page in the
    active language, wrote about it; replying to it answers the shopper."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "page": page,
            "page_url": settings.SHOP_SITE_URL.rstrip("/") + page.get_absolute_url(),
            "name": name,
            "email": email,
            "message": message,
            "language_name": translation.get_language_info(language)["name_translated"],
            "shop_name": settings.SHOP_NAME or str(settings.SHOP_NAME_DISPLAY),
        }
        subject = _("Feedback on the help page “%(title)s”") % {"title": page.title}
        body = render_to_string("community/email/feedback.txt", context)
    return EmailMessage(subject, body, to=[page.responsible_email], reply_to=[email])
