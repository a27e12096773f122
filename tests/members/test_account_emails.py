import re
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.members.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def button_href(message) -> str:
    [href] = re.findall(r'<a class="button" href="([^"]+)"', html_part(message))
    return href


def sign_up(client, email="new@example.com", language="zh-hans"):
    with translation.override(language):
        url = reverse("account_signup")
    return client.post(url, {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_confirmation_email_is_in_the_shop_layout_with_its_styles_inline(client, mailoutbox):
    sign_up(client)

    html = html_part(mailoutbox[0])

    assert re.search(r'<a class="button" href="[^"]+" style="[^"]*background-color: #e4393c', html)
    assert re.search(r'<td class="wordmark" style="[^"]+"><a [^>]+>家味小家电</a>', html)


def test_confirmation_button_confirms_the_address_and_signs_the_member_in(client, mailoutbox):
    sign_up(client)
    confirm_path = urlsplit(button_href(mailoutbox[0])).path

    client.post(confirm_path)

    assert "_auth_user_id" in client.session


def test_confirmation_link_stays_in_the_text_part_on_a_line_of_its_own(mailoutbox, client):
    sign_up(client)

    message = mailoutbox[0]

    assert button_href(message) in message.body.splitlines()
    assert "<" not in message.body


def test_password_reset_button_opens_the_reset_link(client, mailoutbox):
    member = UserFactory()

    client.post(reverse("account_reset_password"), {"email": member.email})

    assert "/password/reset/key/" in button_href(mailoutbox[0])
    assert button_href(mailoutbox[0]) in mailoutbox[0].body.splitlines()


def test_account_email_comes_from_the_shops_name_in_the_visitors_language(client, mailoutbox):
    with override_settings(DEFAULT_FROM_EMAIL="x <hello@jiawei.example>"):
        sign_up(client, "zh@example.com", "zh-hans")
        sign_up(client, "en@example.com", "en")

    chinese, english = mailoutbox
    assert (
        str(make_header(decode_header(chinese.from_email))) == "家味小家电 <hello@jiawei.example>"
    )
    assert english.from_email == "Homely Goods <hello@jiawei.example>"
    assert "/en/accounts/confirm-email/" in button_href(english)


def test_account_email_has_a_message_id_on_the_shops_domain(client, mailoutbox):
    with override_settings(DEFAULT_FROM_EMAIL="Shop <hello@jiawei.example>"):
        sign_up(client)

    assert re.fullmatch(r"<[^@>]+@jiawei\.example>", mailoutbox[0].extra_headers["Message-ID"])
