"""The demo catalog: two series, ten categories, about fifty products with drawn pictures.
Running it again creates only what is missing (by slug or SKU code) and never changes a row
that exists: prices, stock and texts edited by an operator survive `make run`."""

import random
from decimal import Decimal
from io import BytesIO

from django.db import transaction
from PIL import Image, ImageDraw

from apps.catalog import services
from apps.catalog.models import Category, Product, ProductImage, ProductSpec, Series, Sku
from apps.catalog.search import document_for

SERIES = [
    ("appliances", "小家电", "Small home appliances", "让厨房更省心", "Less effort in the kitchen"),
    ("kitchenware", "厨具", "Kitchenware", "好锅好刀，好好做饭", "Good pans, good knives"),
]

# slug, series, zh, en, colour, products (zh, en, base price, options zh/en, specs)
CATEGORIES = [
    ("rice-cookers", "appliances", "电饭煲", "Rice cookers", (214, 69, 65)),
    ("kettles", "appliances", "电水壶", "Electric kettles", (52, 120, 180)),
    ("air-fryers", "appliances", "空气炸锅", "Air fryers", (230, 140, 40)),
    ("soymilk-makers", "appliances", "豆浆机", "Soy milk makers", (120, 160, 80)),
    ("blenders", "appliances", "料理机", "Blenders", (140, 90, 170)),
    ("woks", "kitchenware", "炒锅", "Woks", (60, 60, 60)),
    ("stock-pots", "kitchenware", "汤锅", "Stock pots", (170, 110, 70)),
    ("knives", "kitchenware", "刀具", "Knives", (100, 130, 140)),
    ("cutting-boards", "kitchenware", "砧板", "Cutting boards", (150, 120, 60)),
    ("storage-boxes", "kitchenware", "保鲜盒", "Food storage boxes", (70, 150, 150)),
]
SUB_CATEGORIES = [
    ("mini-rice-cookers", "rice-cookers", "迷你电饭煲", "Mini rice cookers"),
    ("chef-knives", "knives", "厨师刀", "Chef's knives"),
]
MODELS = [
    ("经典款", "Classic", Decimal("199")),
    ("智能款", "Smart", Decimal("399")),
    ("轻享款", "Lite", Decimal("129")),
    ("专业款", "Pro", Decimal("699")),
    ("家庭款", "Family", Decimal("299")),
]
OPTIONS = [
    ("白色", "White"),
    ("红色", "Red"),
    ("灰色", "Grey"),
    ("大号", "Large"),
]
HERO_SLUGS = {"rice-cookers-smart", "woks-pro"}


def draw_picture(colour: tuple[int, int, int], seed: int, label: str) -> bytes:
    """A simple product picture: a coloured body on a light background, drawn with Pillow."""
    rng = random.Random(seed)  # noqa: S311 - decoration, not security
    image = Image.new("RGB", (600, 600), (245, 243, 240))
    draw = ImageDraw.Draw(image)
    top = 140 + rng.randint(0, 60)
    draw.rounded_rectangle((130, top, 470, 480), radius=rng.randint(20, 90), fill=colour)
    draw.ellipse((250, top - 40, 350, top + 20), fill=tuple(max(c - 40, 0) for c in colour))
    draw.rectangle((110, 490, 490, 510), fill=(210, 205, 200))
    draw.text((20, 560), label, fill=(90, 90, 90))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _series() -> dict[str, Series]:
    result = {}
    for index, (slug, zh, en, tagline_zh, tagline_en) in enumerate(SERIES):
        result[slug], _ = Series.objects.get_or_create(
            slug=slug,
            defaults={
                "name_zh_hans": zh,
                "name_en": en,
                "tagline_zh_hans": tagline_zh,
                "tagline_en": tagline_en,
                "sort_order": index,
            },
        )
    return result


def _categories(series: dict[str, Series]) -> dict[str, Category]:
    result = {}
    for index, (slug, series_slug, zh, en, _colour) in enumerate(CATEGORIES):
        result[slug], _ = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "series": series[series_slug],
                "name_zh_hans": zh,
                "name_en": en,
                "description_zh_hans": f"精选{zh}，品牌直营，正品保障。",
                "description_en": f"Our {en.lower()}, sold directly by the brand.",
                "sort_order": index,
            },
        )
    for index, (slug, parent_slug, zh, en) in enumerate(SUB_CATEGORIES):
        parent = result[parent_slug]
        result[slug], _ = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "series": parent.series,
                "parent": parent,
                "name_zh_hans": zh,
                "name_en": en,
                "sort_order": index,
            },
        )
    return result


def _product_fields(category_row, model_row, number: int) -> dict:
    slug, _series_slug, zh, en, _colour = category_row
    model_zh, model_en, _price = model_row
    return {
        "name_zh_hans": f"{model_zh}{zh} {number:02d}",
        "name_en": f"{model_en} {en[:-1] if en.endswith('s') else en} {number:02d}",
        "subtitle_zh_hans": f"{model_zh}{zh}，品质之选",
        "subtitle_en": f"The {model_en.lower()} choice in {en.lower()}",
        "description_zh_hans": (
            f"这款{model_zh}{zh}做工扎实，易于清洁，适合日常家用。\n\n全国联保一年。"
        ),
        "description_en": (
            f"A {model_en.lower()} {en.lower()[:-1]} that is well made, easy to clean and right"
            " for everyday cooking.\n\nOne-year nationwide warranty."
        ),
        "keywords_zh_hans": f"{zh} 厨房 家用",
        "keywords_en": f"{en.lower()} kitchen home",
        "seo_title_zh_hans": f"{model_zh}{zh} - 官方旗舰店",
        "seo_title_en": f"{model_en} {en} - official store",
    }


@transaction.atomic
def load_catalog(*, with_images: bool = True) -> int:
    """Create the demo series, categories, products, SKUs, specs and pictures that are
    missing; returns how many demo products there are."""
    series = _series()
    categories = _categories(series)
    count = 0
    for category_row in CATEGORIES:
        slug, series_slug, zh, en, colour = category_row
        for model_index, model_row in enumerate(MODELS):
            count += 1
            product_slug = f"{slug}-{model_row[1].lower()}"
            category = categories[slug]
            if slug in {"rice-cookers", "knives"} and model_index == 2:
                category = categories[SUB_CATEGORIES[0 if slug == "rice-cookers" else 1][0]]
            product, created = Product.objects.get_or_create(
                slug=product_slug,
                defaults={
                    "series": series[series_slug],
                    "category": category,
                    "is_published": True,
                    "is_hero": product_slug in HERO_SLUGS,
                    "sales_count": (count * 37) % 500 + (5000 if product_slug in HERO_SLUGS else 0),
                    "popularity": (count * 53) % 900 + (9000 if product_slug in HERO_SLUGS else 0),
                    **_product_fields(category_row, model_row, count),
                },
            )
            option_count = 2 + (count % 3)
            for option_index, (option_zh, option_en) in enumerate(OPTIONS[:option_count]):
                price = model_row[2] + Decimal(option_index * 20)
                stock = 0 if (count % 11 == 0 and option_index == 0) else 5 + (count * 7) % 120
                _, sku_created = Sku.objects.get_or_create(
                    code=f"{slug[:3].upper()}-{count:03d}-{option_index + 1}",
                    defaults={
                        "product": product,
                        "options_zh_hans": option_zh,
                        "options_en": option_en,
                        "price": price,
                        "stock": stock,
                        "sort_order": option_index,
                    },
                )
                created = created or sku_created
            specs = [
                ("品牌", "Brand", "家味", "Homely"),
                ("型号", "Model", f"HM-{count:03d}", f"HM-{count:03d}"),
                (
                    "重量",
                    "Weight",
                    f"{1 + count % 4}.{count % 10} 千克",
                    f"{1 + count % 4}.{count % 10} kg",
                ),
                ("保修", "Warranty", "一年", "One year"),
            ]
            for spec_index, (name_zh, name_en, value_zh, value_en) in enumerate(specs):
                ProductSpec.objects.get_or_create(
                    product=product,
                    sort_order=spec_index,
                    defaults={
                        "name_zh_hans": name_zh,
                        "name_en": name_en,
                        "value_zh_hans": value_zh,
                        "value_en": value_en,
                    },
                )
            if with_images and not product.images.exists():
                created = True
                for picture in range(2):
                    services.product_image_create(
                        product=product,
                        data=draw_picture(colour, count * 10 + picture, f"HM-{count:03d}"),
                        alt=f"{product.name_zh_hans}",
                        sort_order=picture,
                    )
            if created:
                services.product_refresh_summary(product=product)
    return count


def _bulk_cover(sample_images: list[ProductImage], serial: int) -> str:
    """The cover path of a bulk product, which shares the picture `serial` picks below."""
    if not sample_images:
        return ""
    source = sample_images[serial % len(sample_images)]
    return source.card_thumbnail or source.image.name


def load_bulk_products(*, total: int, batch_size: int = 2000) -> int:
    """Top the catalog up to `total` products quickly with bulk inserts (for benchmarks).
    Bulk products share the demo pictures and reuse precomputed search words."""
    existing = Product.objects.count()
    if existing >= total:
        return 0
    categories = list(Category.objects.select_related("series"))
    by_slug = {row[0]: row for row in CATEGORIES}
    sample_images = list(ProductImage.objects.order_by("id")[:20])
    documents: dict[tuple[str, int], str] = {}
    created = 0
    number = existing
    while number < total:
        products, skus, images = [], [], []
        for _ in range(min(batch_size, total - number)):
            number += 1
            category = categories[number % len(categories)]
            root_slug = category.parent.slug if category.parent_id else category.slug
            row = by_slug[root_slug]
            model_index = number % len(MODELS)
            fields = _product_fields(row, MODELS[model_index], number)
            key = (root_slug, model_index)
            if key not in documents:
                documents[key] = document_for(
                    names=[fields["name_zh_hans"], fields["name_en"]],
                    texts=[fields["keywords_zh_hans"], fields["keywords_en"], row[2], row[3]],
                    codes=[],
                )
            price = MODELS[model_index][2] + Decimal(number % 50)
            products.append(
                Product(
                    slug=f"bulk-{number}",
                    series=category.series,
                    category=category,
                    is_published=True,
                    sales_count=(number * 37) % 1000,
                    popularity=(number * 53) % 1000,
                    min_price=price,
                    max_price=price + 20,
                    total_stock=number % 90,
                    search_text=f"{documents[key]} bulk {number}",
                    cover_image=_bulk_cover(sample_images, number),
                    **fields,
                )
            )
        Product.objects.bulk_create(products, batch_size=1000)
        saved = Product.objects.filter(slug__in=[p.slug for p in products]).values_list(
            "id", "slug"
        )
        for product_id, slug in saved:
            serial = int(slug.rsplit("-", 1)[1])
            base = MODELS[serial % len(MODELS)][2] + Decimal(serial % 50)
            for option_index in range(2):
                skus.append(
                    Sku(
                        product_id=product_id,
                        code=f"BULK-{serial}-{option_index + 1}",
                        options_zh_hans=OPTIONS[option_index][0],
                        options_en=OPTIONS[option_index][1],
                        price=base + option_index * 20,
                        stock=(serial % 90) // 2,
                        sort_order=option_index,
                    )
                )
            if sample_images:
                source = sample_images[serial % len(sample_images)]
                images.append(
                    ProductImage(
                        product_id=product_id,
                        image=source.image.name,
                        card_thumbnail=source.card_thumbnail,
                        small_thumbnail=source.small_thumbnail,
                        alt_zh_hans=source.alt_zh_hans,
                    )
                )
        Sku.objects.bulk_create(skus, batch_size=2000)
        ProductImage.objects.bulk_create(images, batch_size=2000)
        created += len(products)
    from apps.core import pagecache

    pagecache.bump_version("catalog")
    return created
