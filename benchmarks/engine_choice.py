"""Render the same listing grid (20 product cards and the header's links) with Django
templates and with Jinja2, to choose the storefront's rendering engine.

    .venv/bin/python benchmarks/engine_choice.py

Three ways, same output: Django templates as the listing was written (an `{% include %}`
per card, model-like objects, `{% url %}` and the `cny` filter per card), Django templates
with the loop inlined over precomputed plain values, and Jinja2 over the same plain values.
Prints the median µs per render over interleaved rounds. No database: only rendering.
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

import jinja2  # noqa: E402
from django.template import engines  # noqa: E402
from django.template.backends.django import DjangoTemplates  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from apps.core.money import format_cny  # noqa: E402

HEADER_LINKS = ["catalog:home", "catalog:product_list", "catalog:compare", "cart:detail"]

DJANGO_AS_WRITTEN = {
    "card.html": """{% load i18n shop %}<article class="product-card">
  <a href="{% url 'catalog:product_detail' product.slug %}">
    {% with image=product.cover %}{% if image %}<img src="{{ image.card_url }}" alt="{{ image.alt|default:product.name }}" width="240" height="240" loading="lazy">{% endif %}{% endwith %}
    <h3>{{ product.name }}</h3>
  </a>
  {% if product.is_hero %}<span class="badge">{% translate "Hero" %}</span>{% endif %}
  <p><span class="price">{{ product.min_price|cny }}</span>{% if product.max_price > product.min_price %} <small>{% translate "and up" %}</small>{% endif %}</p>
  {% if not product.in_stock %}<p class="stock-out"><small>{% translate "Sold out" %}</small></p>{% endif %}
</article>""",
    "page.html": """{% load i18n %}<nav><ul>{% for name in links %}<li><a href="{% url name %}">{% translate "All products" %}</a></li>{% endfor %}</ul></nav>
<ul class="product-grid">{% for product in products %}<li>{% include "card.html" %}</li>{% endfor %}</ul>""",
}

DJANGO_INLINED = {
    "page.html": """{% load i18n %}<nav><ul>{% for link in links %}<li><a href="{{ link }}">{% translate "All products" %}</a></li>{% endfor %}</ul></nav>
<ul class="product-grid">{% for card in cards %}<li><article class="product-card">
  <a href="{{ card.url }}">
    {% if card.image_url %}<img src="{{ card.image_url }}" alt="{{ card.image_alt }}" width="240" height="240" loading="lazy">{% endif %}
    <h3>{{ card.name }}</h3>
  </a>
  {% if card.is_hero %}<span class="badge">{% translate "Hero" %}</span>{% endif %}
  <p><span class="price">{{ card.price }}</span>{% if card.price_varies %} <small>{% translate "and up" %}</small>{% endif %}</p>
  {% if not card.in_stock %}<p class="stock-out"><small>{% translate "Sold out" %}</small></p>{% endif %}
</article></li>{% endfor %}</ul>""",
}

JINJA2 = {
    "page.html": """<nav><ul>{% for link in links %}<li><a href="{{ link }}">{{ _("All products") }}</a></li>{% endfor %}</ul></nav>
<ul class="product-grid">{% for card in cards %}<li><article class="product-card">
  <a href="{{ card.url }}">
    {% if card.image_url %}<img src="{{ card.image_url }}" alt="{{ card.image_alt }}" width="240" height="240" loading="lazy">{% endif %}
    <h3>{{ card.name }}</h3>
  </a>
  {% if card.is_hero %}<span class="badge">{{ _("Hero") }}</span>{% endif %}
  <p><span class="price">{{ card.price }}</span>{% if card.price_varies %} <small>{{ _("and up") }}</small>{% endif %}</p>
  {% if not card.in_stock %}<p class="stock-out"><small>{{ _("Sold out") }}</small></p>{% endif %}
</article></li>{% endfor %}</ul>""",
}


class Image:
    def __init__(self, number):
        self.card_url = f"/media/products/{number}/card.webp"
        self.alt = ""


class Product:
    def __init__(self, number):
        self.slug = f"product-{number}"
        self.name = f"智能电饭煲 {number}"
        self.cover = Image(number)
        self.is_hero = number % 7 == 0
        self.min_price = Decimal("299.00") + number
        self.max_price = self.min_price + (number % 2)
        self.in_stock = number % 5 != 0


def _django(templates: dict[str, str]):
    engine = DjangoTemplates(
        {
            "NAME": f"bench{id(templates)}",
            "DIRS": [],
            "APP_DIRS": False,
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", templates)]},
        }
    )
    return engine.get_template("page.html")


def main() -> None:
    translation.activate("zh-hans")
    products = [Product(number) for number in range(1, 21)]
    cards = [
        {
            "url": f"/product/{product.slug}/",
            "image_url": product.cover.card_url,
            "image_alt": product.cover.alt or product.name,
            "name": product.name,
            "is_hero": product.is_hero,
            "price": format_cny(product.min_price, "zh-hans"),
            "price_varies": product.max_price > product.min_price,
            "in_stock": product.in_stock,
        }
        for product in products
    ]
    links = [reverse(name) for name in HEADER_LINKS]
    # The shop's own Jinja2 environment (apps/core/jinja2.py), and for comparison a plain one
    # with jinja2.ext.i18n's gettext, which takes the template context on every call.
    jinja_page = engines["jinja2"].env.from_string(JINJA2["page.html"])
    with_extension = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    with_extension.install_gettext_callables(
        translation.gettext, translation.ngettext, newstyle=True
    )
    extension_page = with_extension.from_string(JINJA2["page.html"])
    ways = {
        "Django templates, include per card, model objects": (
            _django(DJANGO_AS_WRITTEN),
            {"products": products, "links": HEADER_LINKS},
        ),
        "Django templates, inlined loop, plain values": (
            _django(DJANGO_INLINED),
            {"cards": cards, "links": links},
        ),
        "Jinja2 (jinja2.ext.i18n gettext), plain values": (
            extension_page,
            {"cards": cards, "links": links},
        ),
        "Jinja2 (the shop's environment), plain values": (
            jinja_page,
            {"cards": cards, "links": links},
        ),
    }
    timings: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(5):
        for name, (template, context) in ways.items():
            runs = []
            for _ in range(200):
                started = time.perf_counter()
                template.render(dict(context))
                runs.append((time.perf_counter() - started) * 1_000_000)
            timings[name].append(statistics.median(runs))
    for name, medians in timings.items():
        spread = f"{min(medians):.0f}–{max(medians):.0f}"
        print(f"{name}: {statistics.median(medians):.0f} µs per grid (rounds {spread})")


if __name__ == "__main__":
    main()
