from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.catalog import selectors, services, tree
from apps.catalog.filters import ProductFilter
from apps.catalog.models import Product
from apps.catalog.search import MAX_QUERY_LENGTH
from apps.core.pagecache import cache_anonymous_page
from apps.core.pagination import page_of
from apps.core.redirects import redirect_back
from apps.favourites.selectors import is_favourite
from apps.members.pricing import cards_with_member_prices, price_variant, shelf_price
from apps.promotions.pricing import cards_with_flash_sales, product_promotions
from apps.promotions.selectors import flash_sale_products


def _prices_seen(request, *args, **kwargs):
    """What a catalog page shows differently to visitors with a session: their tier's
    prices (the page cache keeps a copy per answer, apps.core.pagecache)."""
    return price_variant(request.user)


def _product_seen(request, slug):
    """A product page also shows whether the visitor saved the product."""
    page = selectors.product_page(slug=slug)
    saved = page is not None and is_favourite(member=request.user, product_id=page.product.pk)
    return price_variant(request.user), saved


@cache_anonymous_page("catalog", vary=_prices_seen)
def home(request):
    sections = selectors.home_sections()
    now = timezone.now()

    def cards(found):
        # The viewer's member prices, then the flash sales running now (by the clock).
        member_cards = cards_with_member_prices(found, member=request.user)
        return cards_with_flash_sales(member_cards, request=request, now=now)

    context = {
        **sections,
        "hero_products": cards(sections["hero_products"]),
        "newest_products": cards(sections["newest_products"]),
        "flash_sale_products": cards(flash_sale_products(now=now)),
        "banners": selectors.home_banners(request=request),
        "series_list": tree.series_list(),
    }
    return render(request, "catalog/home.jinja", context)


@cache_anonymous_page("catalog", vary=_prices_seen)
def categories(request):
    """Every series with its categories and sub-categories: the phone's "Categories" tab."""
    return render(request, "catalog/categories.jinja", {"series_list": tree.series_list()})


@cache_anonymous_page("catalog", vary=_prices_seen)
def product_list(request, slug=None):
    category = None
    if slug is not None:
        category = tree.category_by_slug(slug)
        if category is None:
            raise Http404(_("No such category."))
    return _listing(request, category=category)


@cache_anonymous_page("catalog", vary=_prices_seen)
def series_page(request, slug):
    series = tree.series_by_slug(slug)
    if series is None:
        raise Http404(_("No such series."))
    return _listing(request, series=series)


def _listing(request, *, category=None, series=None):
    """All products, a category's or a series': filtered, sorted and paginated cards."""
    products = ProductFilter(
        request.GET, queryset=selectors.product_list(category=category, series=series)
    )
    listed = products.qs  # validates the filters, so their cleaned values name the total
    listing_key = products.count_key(category=category, series=series)
    page = page_of(listed, request.GET.get("page"), settings.SHOP_PAGE_SIZE, count_key=listing_key)
    context = {
        "category": category,
        "series": series,
        "subcategories": tree.subcategories(category) if category else [],
        "filter": products,
        "page": page,
        "cards": cards_with_flash_sales(
            cards_with_member_prices(
                selectors.listing_cards(
                    page, key=(listing_key, products.form.cleaned_data.get("sort"))
                ),
                member=request.user,
            ),
            request=request,
        ),
        "series_list": tree.series_list(),
    }
    return render(request, "catalog/product_list.jinja", context)


@cache_anonymous_page("catalog", vary=_product_seen)
def product_detail(request, slug):
    page = selectors.product_page(slug=slug)
    if page is None:
        raise Http404(_("No such product."))
    chosen = next((sku for sku in page.skus if str(sku.pk) == request.GET.get("sku")), None)
    chosen = chosen or next((sku for sku in page.skus if sku.stock > 0), None)
    context = {
        "product": page.product,
        "category": page.category,
        "product_url": request.path,
        "images": page.images,
        "specs": page.specs,
        "skus": page.skus,
        "chosen_sku": chosen,
        # The viewer's member price (or, for a guest, the lowest member price) of what the
        # price block shows, from the same rule the cart applies.
        "shelf_price": shelf_price(
            list_price=chosen.price if chosen else page.product.min_price, member=request.user
        ),
        "related_products": cards_with_flash_sales(
            cards_with_member_prices(page.related, member=request.user), request=request
        ),
        # The chosen SKU's flash sale (with its countdown) and the product's group buy.
        "promotions": product_promotions(
            request=request, product_id=page.product.pk, sku_id=chosen.pk if chosen else None
        ),
        "is_favourite": is_favourite(member=request.user, product_id=page.product.pk),
    }
    return render(request, "catalog/product_detail.jinja", context)


@cache_anonymous_page("catalog", vary=_prices_seen)
def search(request):
    query = request.GET.get("q", "").strip()
    products = ProductFilter(request.GET, queryset=Product.objects.none())
    page, results = selectors.search_page(
        query=query,
        page_number=request.GET.get("page"),
        per_page=settings.SHOP_PAGE_SIZE,
        narrow=products.narrow if products.narrows() else None,
    )
    context = {
        "query": query[:MAX_QUERY_LENGTH],
        "query_was_cut": len(query) > MAX_QUERY_LENGTH,
        "page": page,
        "cards": cards_with_flash_sales(
            cards_with_member_prices(page.object_list, member=request.user), request=request
        ),
        "results_capped": results.has_more,
        "filter": products,
        "series_list": tree.series_list(),
    }
    return render(request, "catalog/search.jinja", context)


def compare(request):
    products = selectors.compare_products(product_ids=services.compare_ids(session=request.session))
    return render(request, "catalog/compare.jinja", {"products": products})


def _back(request, fallback: str):
    return redirect_back(request, request.POST.get("next", ""), fallback)


@require_POST
def compare_add(request):
    try:
        product = services.compare_add(
            session=request.session, product_id=request.POST.get("product", "")
        )
    except services.CatalogError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is in your comparison.") % {"name": product.name})
    return _back(request, "catalog:compare")


@require_POST
def compare_remove(request):
    services.compare_remove(session=request.session, product_id=request.POST.get("product", ""))
    return _back(request, "catalog:compare")


@require_POST
def compare_clear(request):
    services.compare_clear(session=request.session)
    return redirect("catalog:compare")
