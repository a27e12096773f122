"""The customer-service centre as shoppers see it: the index, help pages, the feedback form."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.community.models import HelpPage
from tests.community.factories import HelpPageFactory

pytestmark = pytest.mark.django_db

THANKS = "Thank you for your feedback. We will reply by email if needed."


def feedback(**changes) -> dict[str, str]:
    return {
        "name": "王小明",
        "email": "xiaoming@example.com",
        "message": "退货地址写在哪里？",
        "website": "",
        **changes,
    }


def page_url(page: HelpPage, language: str = "zh-hans") -> str:
    with translation.override(language):
        return page.get_absolute_url()


def index_url(language: str = "zh-hans") -> str:
    with translation.override(language):
        return reverse("community:help_index")


# --- Index ----------------------------------------------------------------------------


def test_index_groups_pages_by_section_with_the_responsible_email(client):
    HelpPageFactory(section=HelpPage.Section.FAQ, responsible_email="service@example.com")
    HelpPageFactory(section=HelpPage.Section.RETURNS, responsible_email="aftersales@example.com")
    HelpPageFactory(section=HelpPage.Section.RETURNS, responsible_email="aftersales@example.com")

    response = client.get(index_url())

    sections = response.context["sections"]
    assert [str(section.label) for section in sections] == [
        str(HelpPage.Section.RETURNS.label),
        str(HelpPage.Section.FAQ.label),
    ]
    assert [len(section.pages) for section in sections] == [2, 1]
    assert [section.responsible_emails for section in sections] == [
        ["aftersales@example.com"],
        ["service@example.com"],
    ]
    assert 'href="mailto:aftersales@example.com"' in response.content.decode()


def test_index_is_in_chinese_at_the_root_url(client):
    page = HelpPageFactory(title_zh_hans="购物指南", title_en="How to buy from us")

    response = client.get(index_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "购物指南" in content
    assert "How to buy from us" not in content
    assert f'href="{page_url(page)}"' in content


def test_index_is_in_english_under_en(client):
    page = HelpPageFactory(title_zh_hans="购物指南", title_en="How to buy from us")

    response = client.get(index_url("en"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "How to buy from us" in content
    assert "购物指南" not in content
    assert f'href="{page_url(page, "en")}"' in content


def test_index_leaves_out_unpublished_pages(client):
    HelpPageFactory(title_zh_hans="草稿页面", is_published=False)

    response = client.get(index_url())

    assert response.context["sections"] == []
    assert "草稿页面" not in response.content.decode()


def test_index_takes_one_query(client, django_assert_num_queries):
    HelpPageFactory.create_batch(3)

    with django_assert_num_queries(1 + 1):  # + the header's category menu (no series)
        response = client.get(index_url())

    assert response.status_code == 200


# --- A help page ----------------------------------------------------------------------


def test_page_shows_its_chinese_text_as_paragraphs(client):
    page = HelpPageFactory(body_zh_hans="第一段。\n\n第二段。", responsible_email="x@example.com")

    response = client.get(page_url(page))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<p>第一段。</p>" in content
    assert "<p>第二段。</p>" in content
    assert 'href="mailto:x@example.com"' in content


def test_page_shows_its_english_text_under_en(client):
    page = HelpPageFactory(title_en="Delivery fees", body_en="Courier ¥12.\n\nFree from ¥199.")

    response = client.get(page_url(page, "en"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Delivery fees</h1>" in content
    assert "<p>Courier ¥12.</p>" in content
    assert "第一段" not in content


def test_page_names_the_address_for_questions(client):
    page = HelpPageFactory(responsible_email="warehouse@example.com")

    response = client.get(page_url(page, "en"))

    assert (
        'Questions about this page? Email <a href="mailto:warehouse@example.com">'
        "warehouse@example.com</a>." in response.content.decode()
    )


def test_page_navigation_lists_the_other_pages_and_marks_this_one(client):
    page = HelpPageFactory(title_zh_hans="支付方式")
    other = HelpPageFactory(title_zh_hans="配送费用")
    HelpPageFactory(title_zh_hans="未发布", is_published=False)

    response = client.get(page_url(page))

    content = response.content.decode()
    assert f'<a href="{page_url(other)}">配送费用</a>' in content
    assert f'<a href="{page_url(page)}" aria-current="page">支付方式</a>' in content
    assert "未发布" not in content


def test_unpublished_page_is_not_found(client):
    page = HelpPageFactory(is_published=False)

    response = client.get(page_url(page))

    assert response.status_code == 404


def test_staff_text_is_shown_as_text_never_as_html(client):
    page = HelpPageFactory(
        title_zh_hans="<b>标题</b>",
        body_zh_hans='<script>alert("x")</script>\n\n<a href="#">链接</a>',
    )

    response = client.get(page_url(page))

    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;a href=&quot;#&quot;&gt;链接&lt;/a&gt;" in content
    assert "<b>标题</b>" not in content


def test_page_takes_two_queries(client, django_assert_num_queries):
    page = HelpPageFactory()
    HelpPageFactory.create_batch(3)

    with django_assert_num_queries(2 + 1):  # + the header's category menu (no series)
        response = client.get(page_url(page))

    assert response.status_code == 200


def test_page_is_served_from_the_cache_to_anonymous_visitors(client, django_assert_num_queries):
    page = HelpPageFactory()
    client.get(page_url(page))

    with django_assert_num_queries(0):
        response = client.get(page_url(page))

    assert response["X-Page-Cache"] == "hit"


# --- Feedback -------------------------------------------------------------------------


def test_feedback_is_emailed_to_the_responsible_address_with_reply_to_the_shopper(client):
    page = HelpPageFactory(title_zh_hans="退换货政策", responsible_email="aftersales@example.com")

    response = client.post(page_url(page), feedback(message="请问退货地址在哪里？"))

    assert response.status_code == 302
    assert response.url == f"{page_url(page)}#main"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["aftersales@example.com"]
    assert sent.reply_to == ["xiaoming@example.com"]
    assert "退换货政策" in sent.subject
    assert "请问退货地址在哪里？" in sent.body
    assert "王小明" in sent.body


def test_feedback_thanks_the_shopper_after_the_redirect(client):
    page = HelpPageFactory()

    response = client.post(page_url(page), feedback(), follow=True)

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [gettext(THANKS)]


def test_feedback_from_the_english_page_comes_back_to_it(client):
    page = HelpPageFactory()

    response = client.post(page_url(page, "en"), feedback())

    assert response.status_code == 302
    assert response.url == f"{page_url(page, 'en')}#main"
    assert len(mail.outbox) == 1


def test_invalid_feedback_shows_the_errors_and_sends_nothing(client):
    page = HelpPageFactory()

    response = client.post(page_url(page), feedback(email="not-an-email", message="hi"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "message"}
    assert 'role="alert"' in response.content.decode()
    assert mail.outbox == []


def test_feedback_longer_than_2000_characters_is_refused(client):
    page = HelpPageFactory()

    response = client.post(page_url(page), feedback(message="长" * 2001))

    assert list(response.context["form"].errors) == ["message"]
    assert mail.outbox == []


def test_feedback_of_exactly_2000_characters_is_sent(client):
    page = HelpPageFactory()

    response = client.post(page_url(page), feedback(message="长" * 2000))

    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_feedback_without_a_name_is_sent(client):
    page = HelpPageFactory()

    response = client.post(page_url(page), feedback(name=""))

    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_filled_honeypot_looks_like_success_and_sends_nothing(client):
    page = HelpPageFactory()

    response = client.post(page_url(page), feedback(website="http://spam.example"), follow=True)

    assert response.redirect_chain == [(f"{page_url(page)}#main", 302)]
    assert [str(message) for message in response.context["messages"]] == [gettext(THANKS)]
    assert mail.outbox == []


def test_honeypot_is_hidden_from_people(client):
    page = HelpPageFactory()

    response = client.get(page_url(page))

    content = response.content.decode()
    assert '<div class="honeypot">' in content
    assert 'name="website"' in content


def test_sixth_feedback_from_one_ip_within_the_hour_is_refused(client):
    page = HelpPageFactory(responsible_email="service@example.com")
    for number in range(5):
        client.post(page_url(page, "en"), feedback(email=f"shopper{number}@example.com"))
    assert len(mail.outbox) == 5

    response = client.post(page_url(page, "en"), feedback(email="shopper5@example.com"))

    assert response.status_code == 429
    assert len(mail.outbox) == 5
    content = response.content.decode()
    assert "Please wait an hour before sending more, or email service@example.com." in content
    assert 'name="message"' in content
    assert "退货地址写在哪里？" in content


def test_feedback_from_another_ip_is_still_accepted_after_one_ip_is_throttled(client):
    page = HelpPageFactory()
    for number in range(6):
        client.post(page_url(page), feedback(email=f"shopper{number}@example.com"))

    response = client.post(
        page_url(page), feedback(email="other@example.com"), REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 6


def test_feedback_post_is_never_answered_from_the_page_cache(client):
    page = HelpPageFactory()
    client.get(page_url(page))
    client.get(page_url(page))

    response = client.post(page_url(page), feedback())

    assert response.status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.redis
def test_feedback_throttle_counts_in_redis(client):
    page = HelpPageFactory()
    for number in range(5):
        client.post(page_url(page), feedback(email=f"shopper{number}@example.com"))

    response = client.post(page_url(page), feedback(email="shopper5@example.com"))

    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_feedback_the_mail_server_refuses_asks_the_shopper_to_try_again(client, mail_server_down):
    page = HelpPageFactory(responsible_email="service@example.com")

    response = client.post(page_url(page, "en"), feedback())

    assert response.status_code == 503
    assert (
        "Your message could not be sent just now. Please try again in a few minutes, or email "
        "service@example.com." in response.content.decode()
    )
    assert "退货地址写在哪里？" in response.content.decode()
