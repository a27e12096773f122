"""Every write of the customer-service centre: help pages saved by staff, shoppers' feedback."""

import hashlib
import logging
import smtplib

from django.db import transaction

from apps.community.emails import feedback_email
from apps.community.models import HelpPage
from apps.core import pagecache
from apps.core.ratelimit import rate_limit_hit

logger = logging.getLogger(__name__)

HELP_PAGE_CACHE_SCOPE = "help"
FEEDBACK_WINDOW_SECONDS = 3600
FEEDBACK_LIMIT_PER_IP = 5
FEEDBACK_LIMIT_PER_EMAIL = 3


class FeedbackThrottled(Exception):
    """Too much feedback from one IP address or one email address within the hour."""


class FeedbackNotSent(Exception):
    """The mail server refused or could not be reached; the shopper should try again."""


def help_pages_changed() -> None:
    """Forget cached help pages once the change is committed (bumping earlier would let a
    concurrent request cache the old text under the new version)."""
    transaction.on_commit(lambda: pagecache.bump_version(HELP_PAGE_CACHE_SCOPE))


def help_page_save(*, page: HelpPage) -> HelpPage:
    """Save a help page as staff edited it; shoppers see the new text on their next visit."""
    page.save()
    help_pages_changed()
    logger.info("community.help_page_saved", extra={"help_page_id": page.pk})
    return page


def help_pages_delete(*, page_ids: list[int]) -> int:
    """Delete help pages; returns how many were deleted."""
    deleted, _ = HelpPage.objects.filter(pk__in=page_ids).delete()
    help_pages_changed()
    logger.info("community.help_pages_deleted", extra={"count": deleted})
    return deleted


def _email_key(email: str) -> str:
    # Cache keys stay short and hold no readable email address.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def feedback_send(*, page: HelpPage, name: str, email: str, message: str, ip: str) -> None:
    """Mail a shopper's feedback on a help page to the page's responsible staff address,
    Reply-To the shopper. At most 5 messages an hour from one IP address and 3 from one email
    address; beyond that FeedbackThrottled and nothing is sent."""
    if rate_limit_hit(
        f"feedback:ip:{ip}", FEEDBACK_LIMIT_PER_IP, FEEDBACK_WINDOW_SECONDS
    ) or rate_limit_hit(
        f"feedback:email:{_email_key(email)}", FEEDBACK_LIMIT_PER_EMAIL, FEEDBACK_WINDOW_SECONDS
    ):
        logger.info("community.feedback_throttled", extra={"help_page_id": page.pk, "ip": ip})
        raise FeedbackThrottled
    mail = feedback_email(page=page, name=name, email=email, message=message)
    try:
        mail.send()
    except (smtplib.SMTPException, OSError) as error:
        logger.exception("community.feedback_not_sent", extra={"help_page_id": page.pk})
        raise FeedbackNotSent from error
    logger.info("community.feedback_sent", extra={"help_page_id": page.pk})
