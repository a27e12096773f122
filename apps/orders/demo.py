"""The demo shop's pickup points: two counters in Shanghai, in both languages."""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from apps.orders.models import PickupPoint

PICKUP_POINTS = [
    {
        "name_zh_hans": "家味电器 南京东路体验店",
        "name_en": "Jiawei Appliances, East Nanjing Road store",
        "address_zh_hans": "上海市黄浦区南京东路 299 号 1 楼",
        "address_en": "1F, 299 East Nanjing Road, Huangpu District, Shanghai",
        "opening_hours_zh_hans": "每天 10:00–22:00",
        "opening_hours_en": "Daily 10:00–22:00",
        "phone": "021-6322 8899",
        "map_url": "https://uri.amap.com/search?keyword=%E5%8D%97%E4%BA%AC%E4%B8%9C%E8%B7%AF299%E5%8F%B7",
        "sort_order": 10,
    },
    {
        "name_zh_hans": "家味电器 徐家汇服务中心",
        "name_en": "Jiawei Appliances, Xujiahui service centre",
        "address_zh_hans": "上海市徐汇区漕溪北路 88 号 B1 层",
        "address_en": "B1, 88 North Caoxi Road, Xuhui District, Shanghai",
        "opening_hours_zh_hans": "周一至周六 10:00–20:00，周日休息",
        "opening_hours_en": "Mon–Sat 10:00–20:00, closed on Sundays",
        "phone": "021-6468 1200",
        "map_url": "https://uri.amap.com/search?keyword=%E6%BC%95%E6%BA%AA%E5%8C%97%E8%B7%AF88%E5%8F%B7",
        "sort_order": 20,
    },
]


@transaction.atomic
def load_pickup_points() -> int:
    """Create the demo pickup points that are missing (by Chinese name), leaving points an
    operator has edited as they are; returns how many demo points there are."""
    # In the default language, so the untranslated columns mirror it as modeltranslation does.
    with translation.override(settings.LANGUAGE_CODE):
        for point in PICKUP_POINTS:
            PickupPoint.objects.get_or_create(name_zh_hans=point["name_zh_hans"], defaults=point)
    return len(PICKUP_POINTS)
