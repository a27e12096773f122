"""The shop's allauth adapter: allauth's own rate limits (ACCOUNT_RATE_LIMITS) count by the
same client address as every other limit in the shop, and account emails (address
confirmation, password reset, notices) come from the shop's name in the visitor's language,
in the shop's email layout, with a Message-ID on the shop's domain."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext as _

from apps.core import emails
from apps.core.client_ip import client_ip

# The link an account email is about, shown as its button, by the context name allauth
# gives it.
ACCOUNT_EMAIL_BUTTONS = {
    "activate_url": lambda: _("Confirm your email address"),
    "password_reset_url": lambda: _("Choose a new password"),
}


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # allauth's own X-Forwarded-For reading (ALLAUTH_TRUSTED_PROXY_COUNT) raises
        # ImproperlyConfigured, a server error, on a header shorter than the proxy count;
        # apps.core.client_ip falls back to REMOTE_ADDR instead.
        return client_ip(request)

    def get_from_email(self) -> str:
        return emails.sender()

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's text email, with an HTML part in the shop's layout made from the same
        paragraphs: the link the email is about becomes its button."""
        headers = {**(headers or {}), "Message-ID": emails.message_id()}
        message = super().render_mail(template_prefix, email, context, headers)
        button_url, button_label = next(
            (
                (context[name], label())
                for name, label in ACCOUNT_EMAIL_BUTTONS.items()
                if context.get(name)
            ),
            ("", ""),
        )
        paragraphs = [
            paragraph.strip()
            for paragraph in message.body.split("\n\n")
            if paragraph.strip() and paragraph.strip() != button_url
        ]
        html = emails.render_email_html(
            "account/email/message.html",
            {
                "subject": message.subject,
                "paragraphs": paragraphs,
                "button_url": button_url,
                "button_label": button_label,
            },
        )
        message.attach_alternative(html, "text/html")
        return message
