"""The demo customer-service centre: seven help pages in Chinese and English, each naming the
team that answers for it. Idempotent: running it again updates the pages by slug."""

# Each paragraph of page text is one line: a single line break inside it would show as a
# line break on the page, so the texts cannot be wrapped to the line length.
# ruff: noqa: E501

from django.conf import settings
from django.db import transaction
from django.utils import translation

from apps.community import services
from apps.community.models import HelpPage

Section = HelpPage.Section

SHOPPING_GUIDE = {
    "slug": "shopping-guide",
    "section": Section.SHOPPING_GUIDE,
    "responsible_email": "service@example.com",
    "title_zh_hans": "购物指南",
    "title_en": "Shopping guide",
    "summary_zh_hans": "从挑选商品到签收，五步完成购物。",
    "summary_en": "From choosing a product to signing for the parcel, in five steps.",
    "body_zh_hans": """\
第一步：挑选商品。在首页或“全部商品”中按系列、分类浏览，也可以在页面顶部的搜索框输入商品名称或型号。商品页列出每个规格（颜色、容量等）的价格和库存；拿不定主意时，可以把最多 4 件商品加入“对比”，并排查看价格、参数和库存。

第二步：加入购物车。选好规格和数量后点击“加入购物车”。购物车显示单价、已享受的优惠、运费和合计；库存不足时会提醒您，数量不会超过现有库存。

第三步：下单。不注册也可以下单，只需留下邮箱和手机号；注册会员可以保存收货地址、查看全部订单、收藏商品并享受会员价。填写收货地址（省、市、区和详细地址）和手机号，选择快递配送或门店自提，再选择支付方式。需要发票的，下单时填写发票抬头即可。

第四步：付款。选择在线支付的订单请在 30 分钟内完成付款，超时订单会自动取消，商品重新上架。银行转账和货到付款的说明见“支付方式”。

第五步：收货与查询。付款后 48 小时内发货，发货时我们会发邮件告诉您快递公司和运单号。会员在“我的账户”中查看订单；未注册的顾客在“订单查询”中输入订单号和下单时的手机号或邮箱即可查看进度。""",
    "body_en": """\
Step 1: choose. Browse by series and category from the home page or "All products", or type a product name or model number into the search box at the top of every page. Each product page lists the price and stock of every variant (colour, capacity and so on). Undecided? Add up to 4 products to "Compare" to see their prices, specifications and stock side by side.

Step 2: add to the cart. Pick the variant and quantity, then "Add to cart". The cart shows unit prices, the discounts you receive, the delivery fee and the total; it warns you when stock runs short and never lets a quantity exceed the stock we have.

Step 3: place the order. You can order without an account: we only need an email address and a mobile number. Members can save addresses, see all their orders, keep favourites and get member prices. Enter the delivery address (province, city, district and street) and a mobile number, choose courier delivery or in-store pickup, then choose how to pay. If you need an invoice (fapiao), enter its title when you order.

Step 4: pay. Orders paid online must be paid within 30 minutes; after that the order is cancelled and the goods go back on sale. See "Payment methods" for bank transfer and cash on delivery.

Step 5: receive and track. We ship within 48 hours of payment and email you the carrier and tracking number when the parcel leaves. Members see their orders under "My account"; anyone can follow an order under "Track an order" with the order number and the mobile number or email address used to order.""",
}

SERVICE_PROMISE = {
    "slug": "service-promise",
    "section": Section.SERVICE_PROMISE,
    "responsible_email": "service@example.com",
    "title_zh_hans": "服务承诺",
    "title_en": "Our service promise",
    "summary_zh_hans": "品牌直营正品、48 小时发货、7 天退换、质量问题运费由我们承担。",
    "summary_en": (
        "Genuine goods from the brand, shipped within 48 hours, 7-day returns, and we pay the "
        "shipping for quality problems."
    ),
    "body_zh_hans": """\
品牌直营，件件正品：本店商品全部由品牌直接供货、从自有仓库发出，每笔订单都可以开具发票。

付款后 48 小时内发货：您付款后 48 小时内，商品从仓库发出；发货时邮件通知快递公司和运单号。

签收后 7 天内可退换：在签收后 7 天内可以申请退货或换货，详细规则见“退换货政策”。

质量问题，运费我们出：因商品质量问题退换货，寄回和再次寄出的运费全部由本店承担。

有问必答：客服邮件在 1 个工作日内回复；我们收到退回的商品后，3 个工作日内处理完毕。

保护您的信息：您的姓名、地址和电话只用于发货和售后联系，不会提供给与订单无关的任何人。""",
    "body_en": """\
Genuine goods, straight from the brand: everything we sell comes directly from the brand and ships from our own warehouse. Every order can have an invoice (fapiao).

Shipped within 48 hours of payment: your parcel leaves the warehouse within 48 hours of payment, and we email you the carrier and tracking number when it does.

7 days to return or exchange: you can ask to return or exchange an item within 7 days of delivery. See "Returns and exchanges" for the rules.

Quality problems are on us: when an item is returned or exchanged because of a quality problem, we pay the shipping both ways.

We answer: we reply to customer-service email within one working day, and settle a return within 3 working days of receiving the goods.

Your details stay private: your name, address and phone number are used only to deliver your order and look after it, and are never given to anyone unconnected with it.""",
}

RETURNS = {
    "slug": "returns-and-exchanges",
    "section": Section.RETURNS,
    "responsible_email": "aftersales@example.com",
    "title_zh_hans": "退换货政策",
    "title_en": "Returns and exchanges",
    "summary_zh_hans": "签收后 7 天内可申请退换；质量问题运费由本店承担。",
    "summary_en": (
        "Ask within 7 days of delivery; we pay the shipping when the item has a quality problem."
    ),
    "body_zh_hans": """\
申请期限：签收后 7 天内可以申请退货或换货。会员在“我的订单”中选择要退换的商品，选择原因（质量问题或非质量问题），写明情况并上传照片；未注册的顾客请先在“订单查询”中找到订单，或写信到 aftersales@example.com，注明订单号。

商品要求：退回的商品连同配件、说明书、赠品和包装应当齐全。因使用不当或人为损坏的商品不能退换。

运费规则——质量问题：商品有质量问题（如无法使用、到货破损、与描述不符）时，寄回和换货再次寄出的运费全部由本店承担。

运费规则——非质量问题：不喜欢、买错规格等非质量问题，运费由买家承担：寄回的运费由您支付，换货再次寄出的运费也由您支付。如果该商品下单时享受包邮，您只需承担寄回的运费。

我们如何处理：收到退回的商品后，我们会检查商品状况。商品完好：退货在 3 个工作日内退款，退回原支付方式（货到付款和银行转账的订单退到您提供的银行账户）；换货则尽快寄出新的商品。商品被人为损坏：我们会拒绝申请并说明原因，商品寄还给您。""",
    "body_en": """\
When to ask: you can ask to return or exchange an item within 7 days of delivery. Members choose the items under "My orders", pick a reason (quality problem or not a quality problem), describe what happened and add photos. Without an account, find the order under "Track an order", or write to aftersales@example.com with the order number.

What to send back: the item with all its accessories, manual, free gifts and packaging. Items damaged by misuse or by the buyer cannot be returned or exchanged.

Shipping when there is a quality problem: if the item has a quality problem (it does not work, arrived broken, or is not as described), we pay all the shipping: sending it back and sending the exchange out.

Shipping when there is no quality problem: if you changed your mind or ordered the wrong variant, the buyer pays the shipping: you pay to send the item back and, for an exchange, to send the new one out. If the item was delivered free, you pay only for sending it back.

What we do: we check every item we receive. Intact: for a return we refund within 3 working days, to the way you paid (orders paid by cash on delivery or bank transfer are refunded to a bank account you give us); for an exchange we send the new item out promptly. Damaged by the buyer: we turn the request down, tell you why, and send the item back to you.""",
}

PAYMENT = {
    "slug": "payment-methods",
    "section": Section.PAYMENT,
    "responsible_email": "finance@example.com",
    "title_zh_hans": "支付方式",
    "title_en": "Payment methods",
    "summary_zh_hans": "支付宝、微信支付、银行转账、货到付款。",
    "summary_en": "Alipay, WeChat Pay, bank transfer, or cash on delivery.",
    "body_zh_hans": """\
在线支付（支付宝、微信支付）：提交订单后进入支付页面，选择支付宝或微信支付（电脑上扫描二维码，手机上直接跳转），付款成功后订单立即确认并安排发货。如果付款后页面没有更新，请点“我已完成支付”。在线支付的订单请在 30 分钟内完成付款，超时订单自动取消。

银行转账：提交订单后，订单页面会列出本店的收款账户和应付金额。转账时请在附言中填写订单号，款项到账并核对无误后（通常 1 个工作日内）我们安排发货。

货到付款：快递员送货上门时当面付款。货到付款的订单无需预先付款，下单后即安排发货。

支付安全：在线支付的每一笔付款通知都经过签名校验，金额不符的通知会被拒绝；本店不会通过电话、短信或邮件向您索取支付密码或验证码。

付款遇到问题，或需要核对转账，请写信到 finance@example.com，注明订单号。""",
    "body_en": """\
Online payment (Alipay, WeChat Pay): after placing the order you go to the payment page and choose Alipay or WeChat Pay (scan a QR code on a computer, or switch to the app on a phone). As soon as the payment succeeds the order is confirmed and we prepare it for shipping. If the page does not update after you paid, press "I have paid". Orders paid online must be paid within 30 minutes; after that they are cancelled automatically.

Bank transfer: after placing the order, its page shows our bank account and the amount to pay. Put the order number in the transfer reference; we ship once the money has arrived and been matched to the order (usually within one working day).

Cash on delivery: pay the courier when the parcel is delivered. Nothing is paid in advance; we prepare the order for shipping as soon as it is placed.

Paying safely: every online payment notification we receive is checked by signature, and one with the wrong amount is refused. We never ask for your card password or verification code by phone, text message or email.

For any problem with a payment, or to check a transfer, write to finance@example.com with the order number.""",
}

DELIVERY_FEES = {
    "slug": "delivery-fees",
    "section": Section.DELIVERY_FEES,
    "responsible_email": "warehouse@example.com",
    "title_zh_hans": "配送费用",
    "title_en": "Delivery fees",
    "summary_zh_hans": "快递每单 ¥12，满 ¥199 包邮；门店自提免费。",
    "summary_en": "Courier ¥12 per order, free from ¥199; in-store pickup is free.",
    "body_zh_hans": """\
快递配送：每笔订单运费 ¥12。

满额包邮：订单商品金额（扣除优惠后）满 ¥199，快递免运费。购物车和结算页会显示还差多少可以包邮。

门店自提：选择门店自提免运费。订单备好后，凭订单号和下单手机号到店取货。

说明：运费按订单计算，与件数无关；同一订单的商品尽量一次发出，如需分开发货，不再另收运费。退换货的运费规则见“退换货政策”。""",
    "body_en": """\
Courier delivery: ¥12 per order.

Free delivery from ¥199: when the goods in an order come to ¥199 or more after discounts, courier delivery is free. The cart and checkout show how much more you need to spend for free delivery.

In-store pickup: free. Once the order is ready, collect it at the store with the order number and the mobile number you ordered with.

Good to know: the fee is per order, not per item. We send an order in one parcel where we can; if we have to split it, you pay nothing more. For shipping on returns and exchanges, see "Returns and exchanges".""",
}

SHIPPING_TIME = {
    "slug": "shipping-time",
    "section": Section.SHIPPING_TIME,
    "responsible_email": "warehouse@example.com",
    "title_zh_hans": "发货时间",
    "title_en": "Shipping time",
    "summary_zh_hans": "付款后 48 小时内发货。",
    "summary_en": "We ship within 48 hours of payment.",
    "body_zh_hans": """\
发货时间：付款成功后 48 小时内发货。货到付款的订单从下单时起算，银行转账的订单从款项到账时起算。

发货通知：包裹发出时，我们会发邮件告诉您快递公司和运单号；您也可以随时在“我的订单”或“订单查询”中查看发货日期和物流进度。

在途时间：发货后江浙沪一般 1 至 2 天送达，其他地区一般 2 至 4 天，偏远地区可能更久。

如超过 48 小时仍未发货，请写信到 warehouse@example.com，注明订单号，我们会尽快查明原因。""",
    "body_en": """\
When we ship: within 48 hours of a successful payment. For cash on delivery the 48 hours start when you place the order; for bank transfer, when the money arrives.

Shipping notice: when the parcel leaves we email you the carrier and tracking number. You can also see the ship date and the parcel's progress at any time under "My orders" or "Track an order".

Time on the road: after shipping, parcels usually arrive in 1 to 2 days in Jiangsu, Zhejiang and Shanghai, and in 2 to 4 days elsewhere; remote areas can take longer.

If your order has not shipped after 48 hours, write to warehouse@example.com with the order number and we will find out why.""",
}

FAQ = {
    "slug": "faq",
    "section": Section.FAQ,
    "responsible_email": "service@example.com",
    "title_zh_hans": "常见问题",
    "title_en": "Frequently asked questions",
    "summary_zh_hans": "下单、付款、发货和售后中最常被问到的问题。",
    "summary_en": "The questions we are asked most about ordering, paying, shipping and returns.",
    "body_zh_hans": """\
问：不注册可以购物吗？
答：可以。下单时填写邮箱和手机号即可，之后用订单号加手机号或邮箱查询订单。注册会员还可以保存地址、收藏商品并享受会员价。

问：下单后可以修改收货地址吗？
答：发货前可以。请写信到 service@example.com，注明订单号和新的地址、电话，我们核对后为您修改。

问：在线支付的订单为什么被取消了？
答：在线支付的订单需要在 30 分钟内付款，超时会自动取消，商品重新上架。如果仍然需要，请重新下单。

问：多久可以收到货？
答：付款后 48 小时内发货，发货后江浙沪一般 1 至 2 天送达，其他地区一般 2 至 4 天。

问：运费怎么算？
答：快递每单 ¥12，订单满 ¥199 包邮；门店自提免费。

问：可以开发票吗？
答：可以。下单时填写发票抬头，如已下单，请写信到 finance@example.com 补开。

问：收到的商品有问题怎么办？
答：签收后 7 天内在“我的订单”中申请退换货，选择“质量问题”并上传照片。质量问题退换的往返运费由本店承担。""",
    "body_en": """\
Q: Can I buy without an account?
A: Yes. Give an email address and a mobile number when you order, then look the order up with its number and that mobile number or email. Members can also save addresses, keep favourites and get member prices.

Q: Can I change the delivery address after ordering?
A: Yes, until the order ships. Write to service@example.com with the order number and the new address and phone number; we check and change it for you.

Q: Why was my online order cancelled?
A: Orders paid online must be paid within 30 minutes, or they are cancelled and the goods go back on sale. If you still want them, please order again.

Q: How soon will my order arrive?
A: We ship within 48 hours of payment. After that, parcels usually arrive in 1 to 2 days in Jiangsu, Zhejiang and Shanghai and in 2 to 4 days elsewhere.

Q: How much is delivery?
A: Courier delivery is ¥12 per order and free from ¥199; in-store pickup is free.

Q: Can I get an invoice (fapiao)?
A: Yes. Enter the invoice title when you order; if you have already ordered, write to finance@example.com.

Q: Something I received is faulty. What now?
A: Within 7 days of delivery, ask for a return or exchange under "My orders", choose "quality problem" and add photos. For quality problems we pay the shipping both ways.""",
}

HELP_PAGES = [
    SHOPPING_GUIDE,
    SERVICE_PROMISE,
    RETURNS,
    PAYMENT,
    DELIVERY_FEES,
    SHIPPING_TIME,
    FAQ,
]


@transaction.atomic
def load_help_pages() -> int:
    """Create the demo help pages that are missing (by slug), leaving pages an editor has
    changed as they are; returns how many demo pages there are."""
    # In the default language, so the untranslated columns mirror it as modeltranslation does.
    with translation.override(settings.LANGUAGE_CODE):
        for sort_order, page in enumerate(HELP_PAGES, start=1):
            fields = {key: value for key, value in page.items() if key != "slug"}
            fields.update(is_published=True, sort_order=sort_order * 10)
            HelpPage.objects.get_or_create(slug=page["slug"], defaults=fields)
    services.help_pages_changed()
    return len(HELP_PAGES)
