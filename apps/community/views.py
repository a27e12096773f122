from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.community import selectors


def help_index(request):
    return render(request, "community/help_index.html", {"pages": selectors.help_pages()})


def help_page(request, slug):
    page = selectors.help_page(slug=slug)
    if page is None:
        raise Http404(_("No such help page."))
    context = {"page": page, "pages": selectors.help_pages()}
    return render(request, "community/help_page.html", context)
