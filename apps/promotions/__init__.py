"""Promotions: festival campaigns, spend-and-save offers (满减), coupons, flash sales and
group buys. They never compute a price on their own: each plugs a rule into the one pricing
service (apps.cart.pricing), whose price guard has the last word.

The stacking rule (the cart shows it in short, templates/promotions/partials/
cart_promotions.jinja):

1. Member price (unit-price rule, order 200): the member's tier discount off the list price.
2. Flash sale price (unit-price rule, order 300): replaces the member price when lower; the
   two never add up (the lower wins). A group buy's deal price (order 250) counts only for
   orders of that group buy.
3. Spend-and-save offers (discount rule "offers", order 100 among discounts): counted on what
   the lines in an offer's scope cost at their unit prices. A line counts for one offer only:
   the offer saving the most takes its lines first, then the next counts what is left.
   Tiers: the highest tier reached applies; repeating: every step, up to its limit.
4. One coupon (discount rule "coupons", order 200): the first code given, on what the lines
   in its scope cost after the offers; its minimum spend counts that too.
5. Points (discount rule "points", order 900): on what is left to pay.
6. The price guard, last: no unit is sold below SHOP_PRICE_FLOOR_PERCENT of its list price
   after its share of every discount; discounts give way, the last applied first (points,
   then the coupon, then offers). Only a promotion of a campaign flagged "major festival
   promotion", while the campaign runs, may go below it.

Order discounts are spread over their lines in proportion to what each still costs, to the
cent (apps.cart.pricing.spread_cents). Coupon uses are drawn by a conditional update inside
order placement's transaction and come back when an unpaid order is cancelled or expires
(apps.promotions.services)."""
