import logging

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.community import selectors, services
from apps.community.forms import FeedbackForm
from apps.core.client_ip import client_ip
from apps.core.pagecache import cache_anonymous_page

logger = logging.getLogger(__name__)


def _thank(request, page):
    messages.success(request, _("Thank you for your feedback. We will reply by email if needed."))
    # The form posts to "#feedback" so errors show beside it; an explicit fragment here stops
    # the browser carrying that one over, so the thank-you at the top of the page is in view.
    return redirect(f"{page.get_absolute_url()}#main")


@cache_anonymous_page(services.HELP_PAGE_CACHE_SCOPE)
def help_index(request):
    return render(request, "community/help_index.jinja", {"sections": selectors.help_sections()})


# Only GET and HEAD are ever served from or stored in the page cache; feedback posts reach the
# view every time.
@cache_anonymous_page(services.HELP_PAGE_CACHE_SCOPE)
def help_page(request, slug):
    page = selectors.help_page(slug=slug)
    if page is None:
        raise Http404(_("No such help page."))
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_from_bot():
            # Look like a success so the bot learns nothing; send nothing.
            logger.info("community.feedback_honeypot", extra={"help_page_id": page.pk})
            return _thank(request, page)
        try:
            services.feedback_send(page=page, ip=client_ip(request), **form.feedback())
        except services.FeedbackThrottled:
            form.add_error(
                None,
                _(
                    "You have sent us several messages in the last hour. Please wait an hour "
                    "before sending more, or email %(email)s."
                )
                % {"email": page.responsible_email},
            )
            status = 429
        except services.FeedbackNotSent:
            form.add_error(
                None,
                _(
                    "Your message could not be sent just now. Please try again in a few "
                    "minutes, or email %(email)s."
                )
                % {"email": page.responsible_email},
            )
            status = 503
        else:
            return _thank(request, page)
    context = {"page": page, "pages": selectors.help_pages(), "form": form}
    return render(request, "community/help_page.jinja", context, status=status)
