"""Back-office forms of apps.promotions: an offer's tiers typed as "199-20, 399-50", and the
price-floor check (apps.promotions.floor) that refuses an offer or coupon which could sell a
product below the floor outside a major festival campaign, naming the products."""

import math
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.promotions.floor import floor_problem
from apps.promotions.models import Coupon, Offer
from apps.promotions.offers import OfferTerms, parse_tiers
from apps.promotions.scope import Scope, with_subcategories


def _scope_from(data) -> Scope:
    return Scope(
        product_ids=frozenset(item.pk for item in data.get("products") or ()),
        series_ids=frozenset(item.pk for item in data.get("series") or ()),
        category_ids=with_subcategories(item.pk for item in data.get("categories") or ()),
    )


def _festival(data) -> bool:
    campaign = data.get("campaign")
    return campaign is not None and campaign.is_major_festival


def _refuse(problem) -> ValidationError:
    names = "、".join(problem.names)
    more = problem.count - len(problem.names)
    return ValidationError(
        _(
            "This would sell %(count)s product(s) below the price floor: %(names)s%(more)s."
            " Lower the discount, narrow the scope, or put it in a major festival campaign."
        ),
        code="below_floor",
        params={
            "count": problem.count,
            "names": names,
            "more": f" (+{more})" if more > 0 else "",
        },
    )


class TiersField(forms.CharField):
    """ "199-20, 399-50": spend ¥199 save ¥20, spend ¥399 save ¥50."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return []
        tiers = []
        for part in text.replace("，", ",").split(","):
            spend, _dash, save = part.strip().partition("-")
            try:
                spend, save = Decimal(spend.strip()), Decimal(save.strip())
            except InvalidOperation:
                raise ValidationError(
                    _("Write each tier as spend-save, e.g. 199-20, 399-50.")
                ) from None
            if spend <= 0 or save <= 0 or save >= spend:
                raise ValidationError(_("Each tier saves less than it asks to spend."))
            tiers.append([f"{spend:.2f}", f"{save:.2f}"])
        tiers.sort(key=lambda row: Decimal(row[0]))
        saves = [Decimal(row[1]) for row in tiers]
        if saves != sorted(saves) or len({row[0] for row in tiers}) != len(tiers):
            raise ValidationError(_("A higher tier must save more than a lower one."))
        return tiers


class OfferForm(forms.ModelForm):
    tiers_text = TiersField(
        label=_("Tiers"),
        required=False,
        help_text=_("For tiers: spend-save pairs, e.g. 199-20, 399-50."),
    )

    class Meta:
        model = Offer
        fields = (
            "name",
            "campaign",
            "starts_at",
            "ends_at",
            "is_active",
            "kind",
            "repeat_every",
            "repeat_amount",
            "repeat_limit",
            "series",
            "categories",
            "products",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.tiers:
            self.initial["tiers_text"] = ", ".join(
                f"{spend.normalize():f}-{save.normalize():f}"
                for spend, save in parse_tiers(self.instance.tiers)
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("kind")
        if kind == Offer.Kind.TIERS and not data.get("tiers_text"):
            self.add_error("tiers_text", _("Give at least one tier."))
            return data
        if kind == Offer.Kind.REPEATING:
            every, amount = data.get("repeat_every"), data.get("repeat_amount")
            if not every or not amount or amount >= every:
                self.add_error(
                    "repeat_amount", _("Give how much to spend and a smaller amount to save.")
                )
                return data
        if not _festival(data):
            problem = floor_problem(
                scope=_scope_from(data), saving=self._saving, thresholds=self._thresholds
            )
            if problem is not None:
                raise _refuse(problem)
        return data

    def _terms(self) -> OfferTerms:
        data = self.cleaned_data
        repeating = data.get("kind") == Offer.Kind.REPEATING
        return OfferTerms(
            id=0,
            name="",
            kind=data.get("kind"),
            tiers=() if repeating else parse_tiers(data.get("tiers_text")),
            repeat_every=data.get("repeat_every") if repeating else None,
            repeat_amount=data.get("repeat_amount") if repeating else None,
            repeat_limit=data.get("repeat_limit"),
            scope=Scope(),
            starts_at=None,
            ends_at=None,
        )

    def _saving(self, basket):
        return self._terms().saving(basket)

    def _thresholds(self, price):
        terms = self._terms()
        if terms.repeating:
            return [terms.repeat_every * max(math.ceil(price / terms.repeat_every), 1)]
        return [spend for spend, _save in terms.tiers]

    def save(self, commit=True):
        self.instance.tiers = (
            self.cleaned_data.get("tiers_text") or []
            if self.cleaned_data.get("kind") == Offer.Kind.TIERS
            else []
        )
        return super().save(commit)


class CouponForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = (
            "code",
            "name",
            "campaign",
            "starts_at",
            "ends_at",
            "is_active",
            "kind",
            "amount",
            "percent",
            "max_discount",
            "min_spend",
            "total_uses",
            "per_customer_limit",
            "members_only",
            "claimable",
            "series",
            "categories",
            "products",
        )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).upper()
        taken = Coupon.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another coupon has this code."))
        return code

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("kind")
        if kind == Coupon.Kind.AMOUNT and not data.get("amount"):
            self.add_error("amount", _("Give the amount off."))
            return data
        if kind == Coupon.Kind.PERCENT and not 0 < (data.get("percent") or 0) < 100:
            self.add_error("percent", _("Give a percentage between 1 and 99."))
            return data
        if not _festival(data):
            coupon = Coupon(
                kind=kind,
                amount=data.get("amount"),
                percent=data.get("percent"),
                max_discount=data.get("max_discount"),
                min_spend=data.get("min_spend") or 0,
            )
            problem = floor_problem(
                scope=_scope_from(data),
                saving=lambda basket: self._saving(coupon, basket),
                thresholds=lambda price: [coupon.min_spend],
            )
            if problem is not None:
                raise _refuse(problem)
        return data

    @staticmethod
    def _saving(coupon, basket):
        from apps.promotions.coupons import coupon_amount

        if basket < coupon.min_spend:
            return Decimal("0.00")
        return coupon_amount(coupon, basket)
