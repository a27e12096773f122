"""The storefront's rendering engine: Jinja2 through Django's own backend.

Storefront pages are `templates/<app>/*.jinja`; the admin, allauth's pages and emails stay on
Django templates (`*.html`). Jinja2 renders the listing's cards in about a third of the time
Django templates take (benchmarks/README.md, "Choosing the rendering engine").

Everything a template may call is registered here, and each name does what its Django
counterpart did: `url()`, `static()`, `_()` / `ngettext()` (the same message ids as Django's
`{% translate %}` and `{% blocktranslate %}`, so one catalog serves both engines), the `cny`
filter and the SEO links of apps.core.seo.
"""

from functools import lru_cache

import jinja2
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.timezone import template_localtime
from markupsafe import Markup

from apps.core import seo
from apps.core.kept import KeptPerVersion
from apps.core.money import format_cny


def environment(**options) -> jinja2.Environment:
    loader = options.pop("loader")
    options["loader"] = JinjaFilesLoader(loader.searchpath)
    options.pop("autoescape", None)
    env = jinja2.Environment(autoescape=True, **options)
    env.globals.update(
        _=gettext,
        gettext=gettext,
        ngettext=ngettext,
        pgettext=pgettext,
        npgettext=npgettext,
        url=url,
        static=static_url,
        url_with=url_with,
        language_urls=seo.language_urls,
        absolute=seo.absolute,
        now=timezone.localtime,
        html_lang=seo.html_lang,
        icon=icon,
        category_menu=category_menu,
        card_grid=card_grid,
        kept_fragment=kept_fragment,
    )
    env.filters.update(
        cny=cny,
        price=price,
        date=date,
        intcomma=intcomma,
        linebreaks=defaultfilters.linebreaks_filter,
        linebreaksbr=defaultfilters.linebreaksbr,
        truncatechars=defaultfilters.truncatechars,
        capfirst=defaultfilters.capfirst,
        default_if_none=defaultfilters.default_if_none,
    )
    return env


# Messages work like jinja2.ext.i18n's "newstyle" gettext: placeholders are keyword arguments
# (`_("Page %(number)s of %(total)s", number=1, total=5)`); the values are escaped, the
# translation is the shop's own catalog text and may hold markup (a mailto link), as with
# Django's `{% blocktranslate %}`. Plain functions rather than the extension's: its functions
# take the template context, and Jinja2 copies the context for each such call inside a block
# or loop (a listing made 57 copies).
# Messages are extracted by jinja2.ext.i18n's rules (apps/core/management/commands/
# makemessages.py), so write these calls, not `{% trans %}` blocks.


def gettext(message: str, **variables) -> Markup:
    text = _translated(translation.get_language(), message)
    if not variables and "%" not in text:  # nothing to fill in: skip the formatting
        return Markup(text)  # noqa: S704
    return Markup(text) % variables  # noqa: S704


@lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    """A message in the active language, looked up once per process: a page shows some fifty
    labels, and catalogs do not change while the process runs."""
    return translation.gettext(message)


def ngettext(singular: str, plural: str, number: int, **variables) -> Markup:
    variables.setdefault("num", number)
    return Markup(translation.ngettext(singular, plural, number)) % variables  # noqa: S704


def pgettext(context: str, message: str, **variables) -> Markup:
    return Markup(translation.pgettext(context, message)) % variables  # noqa: S704


def npgettext(context: str, singular: str, plural: str, number: int, **variables) -> Markup:
    variables.setdefault("num", number)
    return Markup(translation.npgettext(context, singular, plural, number)) % variables  # noqa: S704


@lru_cache(maxsize=1024)
def static_url(path: str) -> str:
    """static(); the manifest's answer for a path cannot change while the process runs."""
    return static(path)


class JinjaFilesLoader(jinja2.FileSystemLoader):
    """Only `*.jinja` files, so the same `templates/` folders can hold the admin's and
    allauth's Django templates without Jinja2 trying to parse them."""

    def get_source(self, environment, template):
        if not template.endswith(".jinja"):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


def url(name: str, *args, **kwargs) -> str:
    """reverse(); links without arguments (the header's, the footer's) are kept per language,
    as they cannot change while the process runs."""
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return _fixed_url(name, translation.get_language(), get_script_prefix())


@lru_cache(maxsize=512)
def _fixed_url(name: str, language: str | None, script_prefix: str) -> str:
    return reverse(name)


@receiver(setting_changed)
def _forget_urls(**kwargs) -> None:
    _fixed_url.cache_clear()
    static_url.cache_clear()
    icon.cache_clear()
    _price_markup.cache_clear()
    _translated.cache_clear()


def url_with(request, **changes) -> str:
    """The current query string with some parameters changed (None removes one); sorting
    links and pagination keep the shopper's filters."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def date(value, format_string=None) -> str:
    """Django's `date` filter, in the shop's time zone as Django templates show times."""
    return defaultfilters.date(template_localtime(value), format_string)


def cny(amount) -> str:
    """{{ sku.price|cny }} → ¥1,299.00, formatted for the active language."""
    if amount is None or amount == "":
        return ""
    return format_cny(amount, translation.get_language() or settings.LANGUAGE_CODE)


def price(amount) -> Markup:
    """{{ sku.price|price }} → <span class="price">¥1,299.00</span>, with the "¥" and the cents
    set smaller, as shoppers here read prices ("¥**1,299**.00")."""
    if amount is None or amount == "":
        return Markup("")
    return _price_markup(amount, translation.get_language() or settings.LANGUAGE_CODE)


@lru_cache(maxsize=4096)
def _price_markup(amount, language: str) -> Markup:
    """A price's markup per amount and language: a listing shows the same few prices again
    and again, and formatting them is most of a card's cost."""
    text = format_cny(amount, language)
    head, dot, cents = text.rpartition(".")
    if not dot:
        head, cents = text, ""
    number_at = next((i for i, char in enumerate(head) if char.isdigit()), 0)
    return Markup(
        '<span class="price"><span class="cur">{}</span>{}<span class="cents">{}</span></span>'
    ).format(head[:number_at], head[number_at:], dot + cents)


@lru_cache(maxsize=256)
def icon(name: str, size: str = "") -> Markup:
    """One icon from the vendored sprite (static/vendor/lucide/icons.svg), hidden from screen
    readers: the link or button around it carries the words. The same few icons are on
    every page, so each one's markup is made once."""
    css = f"icon {size}" if size else "icon"
    return Markup(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>'
    ).format(css, static_url("vendor/lucide/icons.svg"), name)


_menus = KeptPerVersion("catalog", size=8)
_fragments = KeptPerVersion("catalog", size=1000)
_grids = KeptPerVersion("catalog", size=2000)


def kept_fragment(name: str, key: str, render, *args, **kwargs) -> Markup:
    """A part of a page that depends only on `key` (e.g. the address with its query string),
    the language and the catalog: rendered by `render(*args, **kwargs)` once per catalog
    version and kept in the worker. The listings' filter drawer and sort bar are rendered
    this way; a fragment must never hold anything personal (a name, a CSRF token)."""
    return _fragments.get((name, key), lambda: Markup(render(*args, **kwargs)))  # noqa: S704


@jinja2.pass_environment
def category_menu(env: jinja2.Environment) -> Markup:
    """The desktop header's category menu (series → categories → sub-categories), rendered
    once per language and catalog version and kept in the worker (apps.core.kept)."""
    from apps.catalog import tree

    def render() -> Markup:
        template = env.get_template("includes/category_menu.jinja")
        return Markup(template.render(series_list=tree.series_list()))  # noqa: S704

    return _menus.get(get_script_prefix(), render)


@jinja2.pass_environment
def card_grid(env: jinja2.Environment, cards, eager: int = 0) -> Markup:
    """Product cards as grid items (the `product_grid` macro), rendered once per language,
    catalog version and what the cards show (their products, and the member prices of the
    viewer's tier), then kept in the worker: listings, search, the home page and related
    products reuse the same few grids. A card holds nothing personal beyond its price."""
    key = (
        eager,
        *(
            (
                card.id,
                getattr(card, "member_price", None),
                getattr(card, "member_label", ""),
                getattr(card, "member_from", None),
                getattr(card, "flash_price", None),
                getattr(card, "flash_ends_at", None),
            )
            for card in cards
        ),
    )

    def render() -> Markup:
        macros = env.get_template("catalog/partials/product_card.jinja").module
        return Markup(macros.product_grid(cards, eager=eager))  # noqa: S704

    return _grids.get(key, render)
