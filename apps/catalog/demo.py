"""The demo catalog: two series, ten categories, about fifty products with drawn pictures.
Running it again creates only what is missing (by slug or SKU code) and never changes a row
that exists: prices, stock and texts edited by an operator survive `make run`."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from apps.catalog import demo_pictures, services
from apps.catalog.models import Banner, Category, Product, ProductImage, ProductSpec, Series, Sku
from apps.catalog.search import document_for, words

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
# The colours SKUs come in: each option is a colour, and each of its pictures shows it.
COLOURS = {
    "white": ("白色", "White", (236, 234, 228)),
    "red": ("红色", "Red", (200, 56, 52)),
    "grey": ("灰色", "Grey", (112, 116, 122)),
    "green": ("绿色", "Green", (92, 150, 110)),
    "blue": ("蓝色", "Blue", (58, 110, 170)),
}
# Per model, its colours in option order: the first is the cover, so the products of a
# category show five different colours in a listing.
MODEL_COLOURS = [
    ("white", "red", "grey", "blue"),
    ("red", "grey", "white", "green"),
    ("green", "red", "white", "grey"),
    ("grey", "blue", "white", "red"),
    ("blue", "green", "red", "white"),
]
PICTURES_PER_PRODUCT = 3
HERO_SLUGS = {"rice-cookers-smart", "woks-pro"}

# What catalogue names are made of, per category: its name in an English title, then
# (Chinese, English) features and sizes. The demo's products take one of each by model;
# bulk products combine them with a product line and an edition.
NAME_PARTS = {
    "rice-cookers": (
        "Rice Cooker",
        [
            ("智能", "Smart"),
            ("IH", "IH"),
            ("球釜", "Round-pot"),
            ("低糖", "Low-sugar"),
            ("柴火饭", "Wood-fire"),
        ],
        ["3L", "4L", "5L"],
    ),
    "mini-rice-cookers": (
        "Mini Rice Cooker",
        [
            ("便携", "Portable"),
            ("单人", "Single-serve"),
            ("智能", "Smart"),
            ("宿舍", "Dorm"),
            ("陶瓷胆", "Ceramic-pot"),
        ],
        ["1.2L", "1.6L", "2L"],
    ),
    "kettles": (
        "Electric Kettle",
        [
            ("恒温", "Keep-warm"),
            ("不锈钢", "Stainless"),
            ("玻璃", "Glass"),
            ("双层防烫", "Cool-touch"),
            ("快煮", "Fast-boil"),
        ],
        ["1.5L", "1.7L", "1.8L"],
    ),
    "air-fryers": (
        "Air Fryer",
        [
            ("可视", "See-through"),
            ("无油", "Oil-free"),
            ("双篮", "Twin-basket"),
            ("智能", "Smart"),
            ("蒸烤", "Steam"),
        ],
        ["3.5L", "5L", "6L", "7L"],
    ),
    "soymilk-makers": (
        "Soy Milk Maker",
        [
            ("破壁", "High-speed"),
            ("免滤", "No-filter"),
            ("静音", "Quiet"),
            ("预约", "Timer"),
            ("迷你", "Mini"),
        ],
        ["0.6L", "1L", "1.2L"],
    ),
    "blenders": (
        "Blender",
        [
            ("破壁", "High-speed"),
            ("静音", "Quiet"),
            ("便携", "Portable"),
            ("多功能", "Multi"),
            ("加热", "Heated"),
        ],
        ["1.5L", "1.75L", "2L"],
    ),
    "woks": (
        "Wok",
        [
            ("不粘", "Non-stick"),
            ("铸铁", "Cast-iron"),
            ("精铁", "Carbon-steel"),
            ("麦饭石", "Stone-coated"),
            ("无涂层", "Uncoated"),
        ],
        ["30cm", "32cm", "34cm"],
    ),
    "stock-pots": (
        "Stock Pot",
        [
            ("不锈钢", "Stainless"),
            ("珐琅", "Enamel"),
            ("复底", "Tri-ply"),
            ("加厚", "Heavy"),
            ("双耳", "Two-handle"),
        ],
        ["20cm", "22cm", "24cm", "26cm"],
    ),
    "knives": (
        "Kitchen Knife",
        [
            ("大马士革", "Damascus"),
            ("锻打", "Forged"),
            ("不锈钢", "Stainless"),
            ("中式", "Chinese"),
            ("切片", "Slicing"),
        ],
        ["17cm", "19cm", "21cm"],
    ),
    "chef-knives": (
        "Chef's Knife",
        [
            ("日式", "Japanese-style"),
            ("德式", "German-style"),
            ("锻打", "Forged"),
            ("大马士革", "Damascus"),
            ("陶瓷", "Ceramic"),
        ],
        ["18cm", "20cm", "23cm"],
    ),
    "cutting-boards": (
        "Cutting Board",
        [
            ("抗菌", "Antibacterial"),
            ("竹制", "Bamboo"),
            ("双面", "Double-sided"),
            ("防霉", "Mould-proof"),
            ("加厚", "Thick"),
        ],
        ["36×24cm", "40×28cm", "45×30cm"],
    ),
    "storage-boxes": (
        "Food Storage Set",
        [
            ("玻璃", "Glass"),
            ("密封", "Airtight"),
            ("可微波", "Microwave-safe"),
            ("分格", "Divided"),
            ("叠放", "Stackable"),
        ],
        ["3件套", "5件套", "8件套"],
    ),
}
NAME_SIZES_EN = {"3件套": "3-piece", "5件套": "5-piece", "8件套": "8-piece"}
# Bulk products only: none of these is a demo model's name, so no bulk name repeats a demo one.
PRODUCT_LINES = [
    ("悦享", "Joy"),
    ("臻选", "Select"),
    ("青禾", "Qinghe"),
    ("云朵", "Cloud"),
    ("小暖", "Warmth"),
    ("轻语", "Whisper"),
    ("山茶", "Camellia"),
    ("拾光", "Moments"),
]
EDITIONS = [
    ("青春款", "Youth Edition"),
    ("尊享版", "Premium"),
    ("标准版", "Standard"),
    ("礼盒装", "Gift Box"),
    ("升级版", "Upgraded"),
    ("国潮款", "Guochao Edition"),
    ("简约款", "Simple"),
    ("旗舰版", "Flagship"),
]
BANNERS = [
    {
        "slug": "year-end-deals",
        "title": ("双十二 年终好价", "12.12 Year-end deals"),
        "line": ("全场小家电 低至 7 折", "Small appliances up to 30% off"),
        # The demo campaign's landing page (apps.promotions.demo).
        "link": "/campaigns/year-end-deals/",
        "category": "rice-cookers",
        "colour": "white",
        "background": ((214, 52, 48), (168, 30, 36)),
        "text": (255, 255, 255),
    },
    {
        "slug": "new-arrivals",
        "title": ("新品上市", "New arrivals"),
        "line": ("好锅好刀，好好做饭", "Good pans, good knives"),
        "link": "/category/woks/",
        "category": "woks",
        "colour": "red",
        "background": ((238, 244, 240), (206, 224, 214)),
        "text": (31, 31, 31),
    },
]


def _size_en(size: str) -> str:
    return NAME_SIZES_EN.get(size, size)


def demo_product_names(category: Category, model_index: int) -> tuple[str, str]:
    """The name of a demo model, e.g. 智能电饭煲 3L 经典款 / Smart Rice Cooker 3L, Classic."""
    name_en, features, sizes = NAME_PARTS[category.slug]
    feature_zh, feature_en = features[model_index % len(features)]
    size = sizes[model_index % len(sizes)]
    model_zh, model_en, _price = MODELS[model_index]
    return (
        f"{feature_zh}{category.name_zh_hans} {size} {model_zh}",
        f"{feature_en} {name_en} {_size_en(size)}, {model_en}",
    )


@dataclass(frozen=True)
class BulkName:
    zh: str
    en: str
    kind: tuple[str, str]  # the feature and the category's name, e.g. 智能电饭煲
    extra: tuple[str, ...]  # the product line, size and edition in both languages


def bulk_product_names(category: Category, serial: int) -> BulkName:
    """The `serial`-th catalogue name of a category, e.g. 悦享 智能电饭煲 4L 青春款 / Joy Smart
    Rice Cooker 4L Youth Edition: a product line, a feature, a size and an edition, shuffled
    so neighbours differ in more than one word. Names repeat only after every combination
    (960 or more per category) was used."""
    name_en, features, sizes = NAME_PARTS[category.slug]
    total = len(PRODUCT_LINES) * len(EDITIONS) * len(features) * len(sizes)
    rest = (serial * 7919) % total  # 7919 is prime: a different combination for each serial
    rest, edition = divmod(rest, len(EDITIONS))
    rest, line = divmod(rest, len(PRODUCT_LINES))
    size, feature = divmod(rest, len(features))
    line_zh, line_en = PRODUCT_LINES[line]
    feature_zh, feature_en = features[feature]
    edition_zh, edition_en = EDITIONS[edition]
    kind = (f"{feature_zh}{category.name_zh_hans}", f"{feature_en} {name_en}")
    return BulkName(
        zh=f"{line_zh} {kind[0]} {sizes[size]} {edition_zh}",
        en=f"{line_en} {kind[1]} {_size_en(sizes[size])} {edition_en}",
        kind=kind,
        extra=(line_zh, line_en, sizes[size], _size_en(sizes[size]), edition_zh, edition_en),
    )


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


def _product_fields(category_row, model_row, names: tuple[str, str]) -> dict:
    slug, _series_slug, zh, en, _colour = category_row
    model_zh, model_en, _price = model_row
    name_zh, name_en = names
    return {
        "name_zh_hans": name_zh,
        "name_en": name_en,
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
        "seo_title_zh_hans": f"{name_zh} - 官方旗舰店",
        "seo_title_en": f"{name_en} - official store",
    }


class DemoPictures:
    """Draws each (category, colour) picture once and lets every later product of that
    category in that colour share its files (image and thumbnails)."""

    def __init__(self):
        self.drawn: dict[tuple[str, str], ProductImage] = {}

    def add(self, *, product: Product, root_slug: str, colour: str, sort_order: int) -> None:
        colour_zh, colour_en, rgb = COLOURS[colour]
        alt = {
            "alt_zh_hans": f"{product.name_zh_hans}（{colour_zh}）",
            "alt_en": f"{product.name_en} ({colour_en})",
        }
        source = self.drawn.get((root_slug, colour))
        if source is None:
            picture = services.product_image_create(
                product=product,
                data=demo_pictures.draw_product_picture(root_slug, rgb),
                sort_order=sort_order,
            )
            ProductImage.objects.filter(pk=picture.pk).update(**alt)
            self.drawn[(root_slug, colour)] = picture
            return
        ProductImage.objects.create(
            product=product,
            image=source.image.name,
            card_thumbnail=source.card_thumbnail,
            small_thumbnail=source.small_thumbnail,
            sort_order=sort_order,
            **alt,
        )


@transaction.atomic
def load_catalog(*, with_images: bool = True) -> int:
    """Create the demo series, categories, products, SKUs, specs, pictures and banners that
    are missing; returns how many demo products there are."""
    series = _series()
    categories = _categories(series)
    pictures = DemoPictures()
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
                    **_product_fields(
                        category_row, model_row, demo_product_names(category, model_index)
                    ),
                },
            )
            option_count = 2 + (count % 3)
            colours = MODEL_COLOURS[model_index][:option_count]
            for option_index, colour_key in enumerate(colours):
                option_zh, option_en, _rgb = COLOURS[colour_key]
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
                for picture, colour_key in enumerate(colours[:PICTURES_PER_PRODUCT]):
                    pictures.add(
                        product=product, root_slug=slug, colour=colour_key, sort_order=picture
                    )
            if created:
                services.product_refresh_summary(product=product)
    if with_images:
        load_category_pictures(categories)
        load_series_banners(series)
        load_banners()
    return count


def load_series_banners(series: dict[str, Series]) -> int:
    """A banner for each demo series that has none: its name and tagline in both languages
    beside its first category's product; returns how many were drawn."""
    drawn = 0
    for slug, zh, en, tagline_zh, tagline_en in SERIES:
        row = series[slug]
        if row.banner:
            continue
        first = next(category for category in CATEGORIES if category[1] == slug)
        data = demo_pictures.draw_banner(
            heading_zh=zh,
            heading_en=en,
            line_zh=tagline_zh,
            line_en=tagline_en,
            category_slug=first[0],
            colour=COLOURS["white"][2],
            background=((246, 240, 236), (228, 214, 206)),
            text=(31, 31, 31),
        )
        row.banner.save(f"{slug}.jpg", ContentFile(data), save=False)
        Series.objects.filter(pk=row.pk).update(banner=row.banner.name)
        drawn += 1
    if drawn:
        services.catalog_tree_changed()
    return drawn


def load_category_pictures(categories: dict[str, Category]) -> int:
    """A picture for each category that has none (its root's silhouette in its colour);
    returns how many were drawn."""
    colours = {row[0]: row[4] for row in CATEGORIES}
    drawn = 0
    for category in categories.values():
        if category.image:
            continue
        root_slug = category.parent.slug if category.parent_id else category.slug
        data = demo_pictures.draw_category_picture(root_slug, colours[root_slug])
        category.image.save(f"{category.slug}.jpg", ContentFile(data), save=False)
        Category.objects.filter(pk=category.pk).update(image=category.image.name)
        drawn += 1
    if drawn:
        services.catalog_tree_changed()
    return drawn


def load_banners() -> int:
    """The demo campaign banners that are missing (matched by their link), drawn with their
    text in both languages; returns how many were added."""
    added = 0
    for index, row in enumerate(BANNERS):
        if Banner.objects.filter(link=row["link"]).exists():
            continue
        data = demo_pictures.draw_banner(
            heading_zh=row["title"][0],
            heading_en=row["title"][1],
            line_zh=row["line"][0],
            line_en=row["line"][1],
            category_slug=row["category"],
            colour=COLOURS[row["colour"]][2],
            background=row["background"],
            text=row["text"],
        )
        banner = Banner(
            title_zh_hans=row["title"][0],
            title_en=row["title"][1],
            link=row["link"],
            sort_order=index,
        )
        banner.image_zh_hans.save(f"{row['slug']}.jpg", ContentFile(data), save=False)
        banner.save()
        added += 1
    if added:
        services.banners_changed()
    return added


def _bulk_pictures() -> dict[str, list[ProductImage]]:
    """The demo pictures of each top category, for bulk products of that category to share."""
    by_root: dict[str, list[ProductImage]] = {}
    seen: set[str] = set()
    for picture in ProductImage.objects.select_related("product__category__parent").order_by("id"):
        if picture.image.name in seen:
            continue
        seen.add(picture.image.name)
        category = picture.product.category
        root = category.parent if category.parent_id else category
        by_root.setdefault(root.slug, []).append(picture)
        if len(seen) >= 200:
            break
    return by_root


def _bulk_picture(shared: list[ProductImage] | None, serial: int) -> ProductImage | None:
    """The shared picture a bulk product shows, scattered (multiplicative hashing) so products
    next to each other in a listing rarely show the same colour."""
    if not shared:
        return None
    return shared[((serial * 2654435761) % 2**32 >> 16) % len(shared)]


def load_bulk_products(*, total: int, batch_size: int = 2000) -> int:
    """Top the catalog up to `total` products quickly with bulk inserts (for benchmarks).
    Bulk products share the demo pictures of their category and reuse precomputed search
    words."""
    existing = Product.objects.count()
    if existing >= total:
        return 0
    by_slug = {row[0]: row for row in CATEGORIES}
    # Only the demo's own categories: others (the membership cards) hold no everyday goods.
    categories = [
        category
        for category in Category.objects.select_related("series", "parent")
        if (category.parent.slug if category.parent_id else category.slug) in by_slug
    ]
    pictures = _bulk_pictures()
    documents: dict[tuple[str, str, str], str] = {}
    part_words: dict[str, str] = {}
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
            name = bulk_product_names(category, number // len(categories))
            fields = _product_fields(row, MODELS[model_index], (name.zh, name.en))
            # Search words: segmented once per kind of product and per word around it (jieba
            # for every one of 10,000 names would be most of the loading time).
            key = (category.slug, *name.kind)
            if key not in documents:
                documents[key] = document_for(
                    names=list(name.kind),
                    texts=[fields["keywords_zh_hans"], fields["keywords_en"], row[2], row[3]],
                    codes=[],
                )
            for part in name.extra:
                if part not in part_words:
                    part_words[part] = " ".join(words(part))
            search_text = " ".join([documents[key], *(part_words[part] for part in name.extra)])
            price = MODELS[model_index][2] + Decimal(number % 50)
            picture = _bulk_picture(pictures.get(root_slug), number)
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
                    search_text=search_text,
                    cover_image=(picture.card_thumbnail or picture.image.name) if picture else "",
                    **fields,
                )
            )
        Product.objects.bulk_create(products, batch_size=1000)
        saved = Product.objects.filter(slug__in=[p.slug for p in products]).values_list(
            "id", "slug", "category_id", "name_zh_hans", "name_en"
        )
        by_id = {category.pk: category for category in categories}
        for product_id, slug, category_id, name_zh, name_en in saved:
            serial = int(slug.rsplit("-", 1)[1])
            model_index = serial % len(MODELS)
            base = MODELS[model_index][2] + Decimal(serial % 50)
            for option_index, colour_key in enumerate(MODEL_COLOURS[model_index][:2]):
                option_zh, option_en, _rgb = COLOURS[colour_key]
                skus.append(
                    Sku(
                        product_id=product_id,
                        code=f"BULK-{serial}-{option_index + 1}",
                        options_zh_hans=option_zh,
                        options_en=option_en,
                        price=base + option_index * 20,
                        stock=(serial % 90) // 2,
                        sort_order=option_index,
                    )
                )
            category = by_id[category_id]
            root_slug = category.parent.slug if category.parent_id else category.slug
            source = _bulk_picture(pictures.get(root_slug), serial)
            if source is not None:
                images.append(
                    ProductImage(
                        product_id=product_id,
                        image=source.image.name,
                        card_thumbnail=source.card_thumbnail,
                        small_thumbnail=source.small_thumbnail,
                        alt_zh_hans=name_zh,
                        alt_en=name_en,
                    )
                )
        Sku.objects.bulk_create(skus, batch_size=2000)
        ProductImage.objects.bulk_create(images, batch_size=2000)
        created += len(products)
    from apps.core import pagecache

    pagecache.bump_version("catalog")
    return created
