"""Feedback sending, its throttle, help-page saving and the demo help pages."""

import logging

import pytest
from django.core import mail
from django.utils import translation

from apps.community import services
from apps.community.demo import load_help_pages
from apps.community.models import HelpPage
from apps.core import pagecache
from tests.community.factories import HelpPageFactory

pytestmark = pytest.mark.django_db


def send(page: HelpPage, **changes) -> None:
    arguments = {
        "name": "Li Lei",
        "email": "lilei@example.com",
        "message": "Does the rice cooker come with a measuring cup?",
        "ip": "192.0.2.10",
        **changes,
    }
    services.feedback_send(page=page, **arguments)


# --- feedback_send --------------------------------------------------------------------


def test_feedback_goes_to_the_page_address_with_reply_to_the_shopper():
    page = HelpPageFactory(responsible_email="finance@example.com")

    send(page)

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["finance@example.com"]
    assert sent.reply_to == ["lilei@example.com"]
    assert sent.message().get_content_type() == "text/plain"


def test_feedback_subject_names_the_page_in_the_shops_language():
    page = HelpPageFactory(title_zh_hans="支付方式", title_en="Payment methods")

    with translation.override("en"):
        send(page)

    assert "“支付方式”" in mail.outbox[0].subject


def test_feedback_email_carries_the_shoppers_words_unescaped():
    page = HelpPageFactory(slug="payment-methods")

    send(page, name="Tom & Jerry", message="Is <b>bank transfer</b> free? \"Yes\" & 'no'")

    body = mail.outbox[0].body
    assert "Is <b>bank transfer</b> free? \"Yes\" & 'no'" in body
    assert "Tom & Jerry" in body
    assert "lilei@example.com" in body
    assert "/help/payment-methods/" in body


def test_feedback_email_says_which_language_the_shopper_read():
    page = HelpPageFactory()

    with translation.override("en"):
        send(page)

    with translation.override("zh-hans"):
        expected = str(translation.get_language_info("en")["name_translated"])
    assert expected in mail.outbox[0].body


def test_fourth_feedback_from_one_email_within_the_hour_is_throttled():
    page = HelpPageFactory()
    for number in range(3):
        send(page, ip=f"192.0.2.{number}")

    with pytest.raises(services.FeedbackThrottled):
        send(page, ip="192.0.2.99")

    assert len(mail.outbox) == 3


def test_email_limit_ignores_letter_case():
    page = HelpPageFactory()
    for number, email in enumerate(["Li@Example.com", "li@example.com", "LI@EXAMPLE.COM"]):
        send(page, email=email, ip=f"192.0.2.{number}")

    with pytest.raises(services.FeedbackThrottled):
        send(page, email="li@example.com", ip="192.0.2.99")

    assert len(mail.outbox) == 3


def test_ip_limit_counts_feedback_on_every_page():
    pages = HelpPageFactory.create_batch(5)
    for number, page in enumerate(pages):
        send(page, email=f"shopper{number}@example.com")

    with pytest.raises(services.FeedbackThrottled):
        send(pages[0], email="shopper5@example.com")

    assert len(mail.outbox) == 5


def test_feedback_is_still_sent_when_the_cache_is_down(dead_cache, caplog):
    page = HelpPageFactory()

    with caplog.at_level(logging.WARNING, logger="apps.core.ratelimit"):
        for _ in range(6):
            send(page)

    assert len(mail.outbox) == 6
    assert "ratelimit.cache_unavailable" in caplog.messages


def test_mail_server_down_raises_feedback_not_sent(mail_server_down):
    page = HelpPageFactory()

    with pytest.raises(services.FeedbackNotSent):
        send(page)


# --- Help pages -----------------------------------------------------------------------


def test_saving_a_help_page_forgets_the_cached_pages(django_capture_on_commit_callbacks):
    page = HelpPageFactory()
    before = pagecache.version(services.HELP_PAGE_CACHE_SCOPE)

    with django_capture_on_commit_callbacks(execute=True):
        page.title_zh_hans = "新标题"
        services.help_page_save(page=page)

    assert pagecache.version(services.HELP_PAGE_CACHE_SCOPE) == before + 1
    page.refresh_from_db()
    assert page.title_zh_hans == "新标题"


def test_deleting_help_pages_forgets_the_cached_pages(django_capture_on_commit_callbacks):
    pages = HelpPageFactory.create_batch(2)
    before = pagecache.version(services.HELP_PAGE_CACHE_SCOPE)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = services.help_pages_delete(page_ids=[page.pk for page in pages])

    assert deleted == 2
    assert HelpPage.objects.count() == 0
    assert pagecache.version(services.HELP_PAGE_CACHE_SCOPE) == before + 1


# --- Demo data ------------------------------------------------------------------------


def test_demo_help_pages_cover_every_section_in_both_languages():
    count = load_help_pages()

    pages = list(HelpPage.objects.all())
    assert count == 7
    assert [page.section for page in pages] == list(HelpPage.Section.values)
    assert all(
        page.title_zh_hans and page.title_en and page.body_zh_hans and page.body_en
        for page in pages
    )
    assert {page.responsible_email for page in pages} == {
        "service@example.com",
        "aftersales@example.com",
        "warehouse@example.com",
        "finance@example.com",
    }


def test_demo_help_pages_load_twice_without_duplicates_or_overwriting_edits():
    load_help_pages()
    HelpPage.objects.filter(slug="faq").update(title_en="Changed by hand")

    load_help_pages()

    assert HelpPage.objects.count() == 7
    assert HelpPage.objects.get(slug="faq").title_en == "Changed by hand"


def test_demo_returns_policy_states_the_shipping_rule():
    load_help_pages()

    body = HelpPage.objects.get(slug="returns-and-exchanges").body_en

    assert "within 7 days of delivery" in body
    assert "we pay all the shipping" in body
    assert "If the item was delivered free, you pay only for sending it back." in body


def test_demo_delivery_fees_state_the_courier_fee_and_free_threshold():
    load_help_pages()

    page = HelpPage.objects.get(slug="delivery-fees")

    assert "¥12" in page.body_zh_hans
    assert "¥199" in page.body_zh_hans
    assert "In-store pickup: free." in page.body_en
