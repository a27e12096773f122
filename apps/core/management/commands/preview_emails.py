"""Write every kind of shopper email for a demo order into a folder, to look at in a browser
or screenshot: `manage.py preview_emails --out DIR` writes `<kind>.html` and `<kind>.txt`.

A demo order is placed from the demo catalog (`manage.py load_demo_shop`) and taken through
payment, shipping, delivery and a return by the shop's own services, each email rendered at
its step. All of it happens in one transaction that is rolled back: nothing is sent and
nothing is kept."""

import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone, translation

from apps.aftersales import services as aftersales_services
from apps.aftersales.emails import return_email
from apps.aftersales.models import ReturnKind, ReturnReason
from apps.cart import services as cart_services
from apps.cart.models import Cart
from apps.catalog.models import Sku
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.core.emails import absolute_url
from apps.members.emails import membership_renewal_email
from apps.members.models import Membership, MembershipPlan, Tier, User
from apps.orders import services as order_services
from apps.orders.emails import order_email
from apps.orders.models import Order
from apps.payments import services as payment_services

RETURN_ADDRESS = "家味电器售后部 王师傅 021-6000 8000\n上海市闵行区 莘庄工业区 春东路 88 号"


class _RolledBack(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Write each kind of shopper email (order placed, paid, shipped, refunded, cancelled, "
        "out of stock, every return step, account confirmation and password reset, membership "
        "renewal) for a demo order into DIR as <kind>.html and <kind>.txt. Nothing is sent or "
        "kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="Folder to write into.")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
        )
        parser.add_argument(
            "--server-images",
            action="store_true",
            help="Keep the product pictures' links on SHOP_SITE_URL (default: link the files "
            "in MEDIA_ROOT, so the pages show pictures without a running server).",
        )

    def handle(self, *args, out: Path, language: str, server_images: bool, **options):
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.out, self.server_images = out, server_images
        self.written: list[str] = []
        with translation.override(language):
            try:
                with transaction.atomic():
                    self._journey(language)
                    raise _RolledBack
            except _RolledBack:
                pass
        self.stdout.write(f"{len(self.written)} emails written to {out}: {' '.join(self.written)}")

    def _write(self, kind: str, message) -> None:
        [(html, _mimetype)] = message.alternatives
        if not self.server_images:
            media = absolute_url(settings.MEDIA_URL)
            html = html.replace(media, Path(settings.MEDIA_ROOT).resolve().as_uri() + "/")
        (self.out / f"{kind}.html").write_text(html, encoding="utf-8")
        (self.out / f"{kind}.txt").write_text(
            f"Subject: {message.subject}\n\n{message.body}", encoding="utf-8"
        )
        self.written.append(kind)

    def _demo_order(self, language: str) -> Order:
        # Two products of different categories, with pictures.
        skus: list[Sku] = []
        candidates = (
            Sku.objects.filter(is_active=True, stock__gte=5, product__is_published=True)
            .exclude(product__cover_image="")
            .select_related("product")
            .order_by("product__category_id", "id")
        )
        for sku in candidates.iterator():
            if not skus or sku.product.category_id != skus[-1].product.category_id:
                skus.append(sku)
            if len(skus) == 2:
                break
        if len(skus) < 2:
            raise CommandError("No demo catalog: run `manage.py load_demo_shop` first.")
        cart = Cart.objects.create()
        cart_services.cart_add(cart=cart, sku_id=skus[0].pk, quantity=1)
        cart_services.cart_add(cart=cart, sku_id=skus[1].pk, quantity=2)
        details = order_services.CheckoutDetails(
            email="buyer@example.com",
            phone="13800138000",
            recipient_name="王小明" if language.startswith("zh") else "Wang Xiaoming",
            shipping_method=ShippingMethod.COURIER,
            payment_method=PaymentMethod.ONLINE,
            province="上海市",
            city="市辖区",
            district="黄浦区",
            region_code="310101",
            street="南京东路 100 号 5 楼",
        )
        return order_services.order_place(
            cart=cart,
            details=details,
            idempotency_key=secrets.token_urlsafe(24),
            language=language,
        )

    def _journey(self, language: str) -> None:
        order = self._demo_order(language)
        self._write("order_placed", order_email(order=order, kind="placed"))
        self._write(
            "order_out_of_stock",
            order_email(order=order, kind="out_of_stock", line_id=order.lines.first().pk),
        )
        with transaction.atomic():
            cancelled = order_services.order_cancel(order=order)
            self._write("order_cancelled", order_email(order=cancelled, kind="cancelled"))
            transaction.set_rollback(True)

        payment_services.payment_record(
            order=order,
            provider="simulator",
            provider_event_id=f"preview-{order.number}",
            amount=order.total_amount,
        )
        order = Order.objects.get(pk=order.pk)
        self._write("order_paid", order_email(order=order, kind="paid"))
        order = order_services.order_mark_shipped(
            order=order, carrier="顺丰速运", tracking_number="SF1400123456789"
        )
        self._write("order_shipped", order_email(order=order, kind="shipped"))
        order = order_services.order_mark_delivered(order=Order.objects.get(pk=order.pk))

        with transaction.atomic():
            refunded = order_services.order_refund(order=Order.objects.get(pk=order.pk))
            self._write("order_refunded", order_email(order=refunded, kind="refunded"))
            transaction.set_rollback(True)

        self._return_steps(order)
        self._account_emails(language)
        self._membership_email(order)

    def _return_steps(self, order: Order) -> None:
        line = order.lines.order_by("-quantity", "id").first()
        request = aftersales_services.return_request_create(
            order=order,
            kind=ReturnKind.RETURN,
            reason=ReturnReason.QUALITY,
            lines={line.pk: 1},
            description="",
        )
        self._write("return_requested", return_email(return_request=request, step="requested"))
        for step, act in (
            (
                "rejected",
                lambda: aftersales_services.return_reject(
                    return_request=request,
                    reason=translation.gettext("Outside the rules for returns."),
                    actor=None,
                ),
            ),
            (
                "closed",
                lambda: aftersales_services.return_close(return_request=request, actor=None),
            ),
        ):
            with transaction.atomic():
                self._write(f"return_{step}", return_email(return_request=act(), step=step))
                transaction.set_rollback(True)
        request = aftersales_services.return_approve(
            return_request=request, return_address=RETURN_ADDRESS, actor=None
        )
        self._write("return_approved", return_email(return_request=request, step="approved"))
        request = aftersales_services.return_mark_received(return_request=request, actor=None)
        self._write("return_received", return_email(return_request=request, step="received"))
        with transaction.atomic():
            refunded = aftersales_services.return_refund(return_request=request, actor=None)
            self._write("return_refunded", return_email(return_request=refunded, step="refunded"))
            transaction.set_rollback(True)
        exchange = aftersales_services.return_request_create(
            order=order,
            kind=ReturnKind.EXCHANGE,
            reason=ReturnReason.QUALITY,
            lines={other.pk: 1 for other in order.lines.exclude(pk=line.pk).order_by("id")[:1]},
        )
        exchange = aftersales_services.return_approve(
            return_request=exchange, return_address=RETURN_ADDRESS, actor=None
        )
        exchange = aftersales_services.return_mark_received(return_request=exchange, actor=None)
        exchange = aftersales_services.return_ship_exchange(
            return_request=exchange,
            carrier="顺丰速运",
            tracking_number="SF1400987654321",
            actor=None,
        )
        self._write(
            "return_exchange_shipped",
            return_email(return_request=exchange, step="exchange_shipped"),
        )

    def _account_emails(self, language: str) -> None:
        from allauth.account.adapter import get_adapter
        from allauth.core.context import request_context
        from django.contrib.sessions.backends.base import SessionBase
        from django.contrib.sites.shortcuts import get_current_site

        member = User.objects.filter(is_staff=False).order_by("id").first() or User(
            email="buyer@example.com"
        )
        request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
        request.session, request.user, request.LANGUAGE_CODE = SessionBase(), member, language
        adapter = get_adapter(request)
        base = {"user": member, "email": member.email, "current_site": get_current_site(request)}
        with request_context(request):
            confirmation = adapter.render_mail(
                "account/email/email_confirmation_signup",
                member.email,
                {**base, "activate_url": absolute_url("/accounts/confirm-email/preview-key/")},
            )
            reset = adapter.render_mail(
                "account/email/password_reset_key",
                member.email,
                {
                    **base,
                    "password_reset_url": absolute_url("/accounts/password/reset/key/preview/"),
                },
            )
        self._write("account_confirmation", confirmation)
        self._write("account_password_reset", reset)

    def _membership_email(self, order: Order) -> None:
        """The renewal reminder for a Gold year ending in a week, bought with the demo order
        (the demo shop's plan when there is one, else one made for the preview)."""
        plan = MembershipPlan.objects.select_related("tier", "sku__product").first()
        if plan is None:
            tier = Tier.objects.order_by("-threshold_amount").first() or Tier.objects.create(
                name="金卡", threshold_amount=Decimal("2000.00"), discount_percent=Decimal("5")
            )
            plan = MembershipPlan.objects.create(sku=order.lines.first().sku, tier=tier)
        member = User.objects.filter(is_staff=False).order_by("id").first() or (
            User.objects.create_user(email="buyer@example.com", last_name="王", first_name="小明")
        )
        now = timezone.now()
        membership = Membership.objects.create(
            member=member,
            plan=plan,
            tier=plan.tier,
            order=order,
            starts_at=now - timedelta(days=plan.duration_days - 7),
            ends_at=now + timedelta(days=7),
        )
        self._write("membership_renewal", membership_renewal_email(membership=membership))
