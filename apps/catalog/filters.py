import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.catalog.models import Product
from apps.catalog.selectors import SORTS
from apps.core.pagination import count_key

SORT_CHOICES = [
    ("popular", _("Most popular")),
    ("sales", _("Best selling")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
]
# The same orders as the listing's segmented control shows them, short enough for a phone.
SORT_SHORT_LABELS = {
    "popular": pgettext_lazy("sort", "Popular"),
    "sales": pgettext_lazy("sort", "Sales"),
    "price": pgettext_lazy("sort", "Price ↑"),
    "-price": pgettext_lazy("sort", "Price ↓"),
    "newest": pgettext_lazy("sort", "New"),
}


class ProductFilter(django_filters.FilterSet):
    """The listing's filters. A malformed value is ignored (and reported), never an error."""

    series = django_filters.CharFilter(field_name="series__slug", label=_("Series"))
    category = django_filters.CharFilter(method="filter_category", label=_("Category"))
    price_min = django_filters.NumberFilter(
        field_name="min_price", lookup_expr="gte", label=_("Lowest price"), min_value=0
    )
    price_max = django_filters.NumberFilter(
        field_name="min_price", lookup_expr="lte", label=_("Highest price"), min_value=0
    )
    in_stock = django_filters.BooleanFilter(
        method="filter_in_stock", label=_("In stock only"), widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label=_("Sort by"), empty_label=None
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def count_key(self, *, category=None, series=None) -> str:
        """What the listing's total depends on: the category or series page and the valid
        filters (the sort order does not change it; slugs are the same in every language)."""
        filters = {name: value for name, value in self.form.cleaned_data.items() if name != "sort"}
        page = f"series-{series.pk}" if series else (category.pk if category else "all")
        return count_key("products", page, **filters)

    def active_count(self, *, hidden: tuple[str, ...] = ()) -> int:
        """How many filters the shopper has set ("Filter (2)"), not counting the sort order
        or filters the page does not offer."""
        data = self.form.cleaned_data
        return sum(
            1
            for name, value in data.items()
            if name != "sort" and name not in hidden and value not in (None, "", False)
        )

    def narrows(self) -> bool:
        """Whether the shopper asked for valid filters or a sort order (search results are
        otherwise shown as ranked, without asking the database again)."""
        if not self.form.is_valid():
            return False
        return bool(self.active_count() or self.form.cleaned_data.get("sort"))

    def narrow(self, queryset):
        """The queryset filtered (and sorted, if asked), and whether it was sorted."""
        return self.filter_queryset(queryset), bool(self.form.cleaned_data.get("sort"))

    def sort_options(self, current: str | None, *, relevance: bool = False):
        """(value, short label, full label, chosen) for the segmented control; search results
        start with their own order, the best match first (no `sort` in the address)."""
        default = "" if relevance else "popular"
        chosen = current if current in SORT_SHORT_LABELS else default
        options = [
            (value, SORT_SHORT_LABELS[value], label, value == chosen)
            for value, label in SORT_CHOICES
        ]
        if relevance:
            best = ("", pgettext_lazy("sort", "Best match"), _("Best match"), chosen == "")
            options.insert(0, best)
        return options

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category__slug=value) | Q(category__parent__slug=value))

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(total_stock__gt=0) if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
