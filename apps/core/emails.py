"""The shop's emails to shoppers: one layout in the shop's look (templates/email/base.html),
its stylesheet written once and inlined when the email is rendered (many email programs drop
<style> blocks), a text part that reads on its own, the shop's name as the sender in the
email's language, and a Message-ID on the shop's domain."""

import unicodedata
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string

# @media rules cannot live in a style attribute: they stay in a <style> block for the email
# programs that read it (the layout reads well without them). Nothing is fetched.
_inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)

# Width of the text part's item and amount lines, in terminal columns (a Chinese character
# takes two).
TEXT_WIDTH = 48


def shop_name() -> str:
    """The shop's name in the active language."""
    return settings.SHOP_NAME or str(settings.SHOP_NAME_DISPLAY)


def absolute_url(path: str) -> str:
    """A path on the shop's site as a link that works from an email."""
    if urlsplit(path).scheme:
        return path
    return settings.SHOP_SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def sender() -> str:
    """`Shop name <address>`: DEFAULT_FROM_EMAIL's address under the shop's name in the
    active language."""
    return formataddr((shop_name(), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def message_id_domain() -> str:
    """The domain of the shop's Message-IDs: SHOP_EMAIL_DOMAIN, else the sending address's
    domain, else the site's host."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return (
        settings.SHOP_EMAIL_DOMAIN
        or address.rpartition("@")[2]
        or urlsplit(settings.SHOP_SITE_URL).hostname
        or "localhost"
    )


def message_id() -> str:
    """A new Message-ID on the shop's domain."""
    return make_msgid(domain=message_id_domain())


def inline_css(html: str) -> str:
    """The HTML with its <style> rules written into each element's style attribute."""
    return _inliner.inline(html)


def _layout_context(context: dict) -> dict:
    return {"shop_name": shop_name(), "site_url": absolute_url("/"), **context}


def render_email_html(template_name: str, context: dict) -> str:
    """An HTML template in the shop's email layout, rendered in the active language, its CSS
    inlined."""
    return inline_css(render_to_string(template_name, _layout_context(context)))


def render_email(template_name: str, context: dict) -> tuple[str, str]:
    """The text and HTML parts of an email from `<template_name>.txt` and `.html`, rendered in
    the active language, the HTML's CSS inlined."""
    text = render_to_string(f"{template_name}.txt", _layout_context(context)).strip() + "\n"
    return text, render_email_html(f"{template_name}.html", context)


def email_message(
    *, subject: str, text: str, html: str, to: list[str], reply_to: list[str] | None = None
) -> EmailMultiAlternatives:
    """A shopper's email from the shop, with both parts and a Message-ID on its domain."""
    message = EmailMultiAlternatives(
        subject,
        text,
        from_email=sender(),
        to=to,
        reply_to=reply_to,
        headers={"Message-ID": message_id()},
    )
    message.attach_alternative(html, "text/html")
    return message


def text_width(text: str) -> int:
    """Columns the text takes in a fixed-width font (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def text_rows(rows: list[tuple[str, str]], width: int = TEXT_WIDTH) -> str:
    """Label and amount lines with the amounts aligned on the right, for a text part. A label
    too long for its line keeps its amount on the next line."""
    lines = []
    for label, amount in rows:
        gap = width - text_width(label) - text_width(amount)
        if not amount:
            lines.append(label)
        elif gap >= 2:
            lines.append(label + " " * gap + amount)
        else:
            lines.append(label)
            lines.append(" " * (width - text_width(amount)) + amount)
    return "\n".join(lines)
