"""Spend-and-save offers (满减) as the pricing service sees them: their terms kept in each
worker's memory per catalog version (saving an offer bumps it), and the arithmetic of which
offer applies to which cart lines, what it saves and how far the cart is from the next tier.
Nothing here queries the database once the terms are kept, so the cart pays no query for
offers."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.kept import KeptPerVersion
from apps.core.money import format_cny, money
from apps.promotions.scope import Scope, scope_of

# The name of the offers' discount rule in the pricing service (apps.promotions.pricing).
OFFERS_RULE = "offers"

ZERO = Decimal("0.00")


def parse_tiers(raw) -> tuple[tuple[Decimal, Decimal], ...]:
    """[["199", "20"], ["399", "50"]] → ((199.00, 20.00), (399.00, 50.00)), lowest spend
    first; malformed rows are left out."""
    tiers = []
    for row in raw or ():
        try:
            spend, save = (money(str(value)) for value in row)
        except (TypeError, ValueError, ArithmeticError):
            continue
        if spend > 0 and save > 0:
            tiers.append((spend, save))
    return tuple(sorted(tiers))


@dataclass(frozen=True, slots=True)
class OfferTerms:
    id: int
    name: str
    kind: str
    tiers: tuple[tuple[Decimal, Decimal], ...]
    repeat_every: Decimal | None
    repeat_amount: Decimal | None
    repeat_limit: int | None
    scope: Scope
    starts_at: datetime
    ends_at: datetime
    # The campaign's festival flag and window: a major festival lifts the price floor while
    # it runs (Campaign.lifts_floor).
    festival_from: datetime | None = None
    festival_until: datetime | None = None

    def is_running(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def lifts_floor(self, now: datetime) -> bool:
        if self.festival_from is None or self.festival_until is None:
            return False
        return self.festival_from <= now < self.festival_until

    @property
    def repeating(self) -> bool:
        return bool(self.repeat_every and self.repeat_amount)

    def saving(self, spent: Decimal) -> Decimal:
        """What the offer takes off lines that cost `spent` together."""
        if self.repeating:
            times = int((spent / self.repeat_every).to_integral_value(rounding=ROUND_FLOOR))
            if self.repeat_limit is not None:
                times = min(times, self.repeat_limit)
            return money(min(self.repeat_amount * times, spent))
        reached = [save for spend, save in self.tiers if spent >= spend]
        return money(min(reached[-1], spent)) if reached else ZERO

    def next_step(self, spent: Decimal) -> tuple[Decimal, Decimal] | None:
        """(how much more to spend, what the offer would then save) for the next tier or
        repetition, or None when the best is reached."""
        if self.repeating:
            times = int((spent / self.repeat_every).to_integral_value(rounding=ROUND_FLOOR))
            if self.repeat_limit is not None and times >= self.repeat_limit:
                return None
            target = self.repeat_every * (times + 1)
            return money(target - spent), money(self.repeat_amount * (times + 1))
        for spend, save in self.tiers:
            if spent < spend:
                return money(spend - spent), save
        return None

    def describe(self) -> str:
        return describe_offer(
            tiers=self.tiers,
            every=self.repeat_every,
            amount=self.repeat_amount,
            limit=self.repeat_limit,
        )


def describe_offer(*, tiers, every=None, amount=None, limit=None) -> str:
    """ "spend ¥199 save ¥20 · spend ¥399 save ¥50" or "Save ¥50 for every ¥300 (up to 3
    times)", in the shopper's language."""
    language = _language()
    if every and amount:
        text = _("Save %(amount)s for every %(every)s") % {
            "amount": format_cny(amount, language),
            "every": format_cny(every, language),
        }
        if limit:
            text += " " + _("(up to %(times)s times)") % {"times": limit}
        return text
    return " · ".join(
        _("spend %(spend)s save %(amount)s")
        % {"spend": format_cny(spend, language), "amount": format_cny(save, language)}
        for spend, save in tiers
    )


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class OfferOutcome:
    """One offer against a cart: the lines it counts, what they cost, what it saves now, and
    the next step (more to spend, saving then) if any."""

    offer: OfferTerms
    lines: tuple
    spent: Decimal
    saving: Decimal
    next_step: tuple[Decimal, Decimal] | None

    @property
    def sku_ids(self) -> frozenset[int]:
        return frozenset(line.sku.pk for line in self.lines)


@dataclass(frozen=True)
class OfferVerdict:
    """What the cart says about offers: those applied, and those within reach."""

    applied: list[OfferOutcome]
    near: list[OfferOutcome]


def _outcome(offer: OfferTerms, lines: Sequence) -> OfferOutcome:
    spent = money(sum((line.line_total for line in lines), ZERO))
    return OfferOutcome(
        offer=offer,
        lines=tuple(lines),
        spent=spent,
        saving=offer.saving(spent),
        next_step=offer.next_step(spent),
    )


def evaluate(offers: Sequence[OfferTerms], lines: Sequence) -> OfferVerdict:
    """Which offer applies to which lines. A line counts for one offer only: the offer saving
    the most takes its lines first (the older offer on a tie), then the next one counts what
    is left, and so on. An offer that saves nothing yet but has lines in its scope is "near",
    with what is missing."""
    left = list(lines)
    waiting = list(offers)
    applied: list[OfferOutcome] = []
    while waiting and left:
        outcomes = [_outcome(offer, offer.scope.lines(left)) for offer in waiting]
        best = max(outcomes, key=lambda outcome: (outcome.saving, -outcome.offer.id))
        if best.saving <= 0:
            break
        applied.append(best)
        waiting.remove(best.offer)
        taken = {id(line) for line in best.lines}
        left = [line for line in left if id(line) not in taken]
    near = []
    for offer in waiting:
        outcome = _outcome(offer, offer.scope.lines(left))
        if outcome.lines and outcome.next_step is not None:
            near.append(outcome)
    near.sort(key=lambda outcome: outcome.next_step[0])
    return OfferVerdict(applied=applied, near=near)


# --- the running offers, kept -----------------------------------------------------------------

_kept_offers: KeptPerVersion[tuple[OfferTerms, ...]] = KeptPerVersion(
    "catalog", size=len(settings.LANGUAGES)
)


def _read_offers() -> tuple[OfferTerms, ...]:
    from apps.promotions.models import Offer

    offers = (
        Offer.objects.filter(is_active=True, ends_at__gt=timezone.now())
        .select_related("campaign")
        .prefetch_related("products", "series", "categories")
        .order_by("id")
    )
    terms = []
    for offer in offers:
        campaign = offer.campaign
        festival = campaign is not None and campaign.is_major_festival
        terms.append(
            OfferTerms(
                id=offer.pk,
                name=offer.name,
                kind=offer.kind,
                tiers=parse_tiers(offer.tiers) if offer.kind == offer.Kind.TIERS else (),
                repeat_every=offer.repeat_every if offer.kind == offer.Kind.REPEATING else None,
                repeat_amount=offer.repeat_amount if offer.kind == offer.Kind.REPEATING else None,
                repeat_limit=offer.repeat_limit,
                scope=scope_of(offer),
                starts_at=offer.starts_at,
                ends_at=offer.ends_at,
                festival_from=campaign.starts_at if festival else None,
                festival_until=campaign.ends_at if festival else None,
            )
        )
    return tuple(terms)


def kept_offers() -> tuple[OfferTerms, ...]:
    """Every active offer that has not ended, running or not."""
    return _kept_offers.get("offers", _read_offers)


def running_offers(now: datetime) -> list[OfferTerms]:
    return [offer for offer in kept_offers() if offer.is_running(now)]
