from django.urls import reverse
from django.utils import translation


class BackOfficeLanguageMiddleware:
    """The back office in the staff member's language.

    The storefront's language is in its URLs (none for Chinese, /en/ for English), so
    LocaleMiddleware gives every URL without a language prefix the default language, the
    back office's included. The back office has no language in its URLs: it follows the
    language chosen with its switch (the language cookie), else the browser's
    Accept-Language, else the default. Placed right after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path_info.startswith(self.prefix):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
