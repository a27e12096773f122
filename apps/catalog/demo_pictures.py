"""Pictures of the demo shop, drawn with Pillow: one silhouette per category (a kettle, a wok,
a knife ...) in the colour of a SKU, on a light studio background with a soft shadow; the
small category pictures of the home page's grid; and the campaign banners, with their text in
both languages.

Shapes are drawn on a 100 × 100 grid (`Painter` maps it onto the picture) at twice the size
and scaled down, which smooths their edges. Each picture takes some tens of milliseconds: the
demo draws each (silhouette, colour) once and lets products share the file.
"""

import math
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

Colour = tuple[int, int, int]

PRODUCT_SIZE = 600
CATEGORY_SIZE = 200
BANNER_SIZE = (1200, 600)
SUPERSAMPLE = 2

STEEL: Colour = (188, 192, 197)
DARK: Colour = (48, 50, 54)
SCREEN: Colour = (96, 206, 196)
GLASS: Colour = (214, 232, 240)
STUDIO_TOP: Colour = (252, 251, 249)
STUDIO_BOTTOM: Colour = (228, 226, 222)

# Where the CJK font of the machine usually is (Debian's fonts-noto-cjk, which CI installs);
# without one the banners carry their English text only.
CJK_FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
]


def _mix(colour: Colour, other: Colour, amount: float) -> Colour:
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def _shade(colour: Colour, factor: float) -> Colour:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


@cache
def _cylinder_light(width: int) -> tuple[float, ...]:
    """How much light each column of a cylinder `width` pixels wide gets."""
    lights = []
    for x in range(width):
        t = x / width
        light = 0.74 + 0.3 * math.sin(math.pi * t) ** 0.7
        lights.append(light + 0.16 * math.exp(-(((t - 0.3) / 0.06) ** 2)))
    return tuple(lights)


class Painter:
    """Draws on `image` in grid units: (0, 0) is the top left of the box given by `origin`
    and `scale` (pixels per unit)."""

    def __init__(self, image: Image.Image, origin: tuple[float, float], scale: float):
        self.image = image
        self.origin = origin
        self.scale = scale

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        ox, oy = self.origin
        s = self.scale
        return (round(ox + x0 * s), round(oy + y0 * s), round(ox + x1 * s), round(oy + y1 * s))

    def points(self, *points: tuple[float, float]) -> list[tuple[int, int]]:
        ox, oy = self.origin
        return [(round(ox + x * self.scale), round(oy + y * self.scale)) for x, y in points]

    def units(self, length: float) -> int:
        return max(1, round(length * self.scale))

    def solid(self, shape: Callable[[ImageDraw.ImageDraw], None], colour: Colour) -> None:
        """Fill a shape drawn (in white) on a mask with one colour."""
        mask = Image.new("L", self.image.size, 0)
        shape(ImageDraw.Draw(mask))
        self._paste(colour, mask)

    def _paste(self, fill: Colour | Image.Image, mask: Image.Image) -> None:
        """Paste through the mask's drawn part only: whole-picture pastes are what is slow."""
        bounds = mask.getbbox()
        if bounds is None:
            return
        if isinstance(fill, Image.Image):
            fill = fill.crop(bounds)
        self.image.paste(fill, bounds, mask.crop(bounds))

    def rounded(self, box, radius: float, colour: Colour, *, shaded: bool = True) -> None:
        shape = lambda d: d.rounded_rectangle(self.box(*box), radius=self.units(radius), fill=255)  # noqa: E731
        self.body(shape, box, colour) if shaded else self.solid(shape, colour)

    def body(self, shape: Callable[[ImageDraw.ImageDraw], None], box, colour: Colour) -> None:
        """Fill a shape with the light of a studio on a cylinder: a highlight left of the
        middle, darker towards both edges, so white bodies still stand out."""
        mask = Image.new("L", self.image.size, 0)
        shape(ImageDraw.Draw(mask))
        bounds = mask.getbbox()
        if bounds is None:
            return
        left, _top, right, _bottom = self.box(*box)
        width = max(right - left, 1)
        row = Image.new("RGB", (width, 1))
        for x, light in enumerate(_cylinder_light(width)):
            row.putpixel((x, 0), _shade(colour, light))
        fill = Image.new("RGB", (bounds[2] - bounds[0], bounds[3] - bounds[1]), colour)
        height = bounds[3] - bounds[1]
        fill.paste(row.resize((width, height), Image.Resampling.NEAREST), (left - bounds[0], 0))
        self.image.paste(fill, bounds, mask.crop(bounds))

    def ellipse(self, box, colour: Colour, *, shaded: bool = False) -> None:
        shape = lambda d: d.ellipse(self.box(*box), fill=255)  # noqa: E731
        self.body(shape, box, colour) if shaded else self.solid(shape, colour)

    def polygon(self, points, colour: Colour, *, shaded: bool = False) -> None:
        xs = [x for x, _y in points]
        ys = [y for _x, y in points]
        shape = lambda d: d.polygon(self.points(*points), fill=255)  # noqa: E731
        box = (min(xs), min(ys), max(xs), max(ys))
        self.body(shape, box, colour) if shaded else self.solid(shape, colour)

    def line(self, points, colour: Colour, width: float) -> None:
        self.solid(
            lambda d: d.line(
                self.points(*points), fill=255, width=self.units(width), joint="curve"
            ),
            colour,
        )

    def arc(self, box, start: float, end: float, colour: Colour, width: float) -> None:
        self.solid(
            lambda d: d.arc(self.box(*box), start, end, fill=255, width=self.units(width)),
            colour,
        )

    def translucent(self, points, colour: Colour, opacity: int) -> None:
        mask = Image.new("L", self.image.size, 0)
        ImageDraw.Draw(mask).polygon(self.points(*points), fill=opacity)
        self._paste(colour, mask)


# Silhouettes ---------------------------------------------------------------------------------
# Each draws one product standing on the floor line (y ≈ 82) of the 100 × 100 grid; `floor`
# gives the shadow's width in grid units.


def _rice_cooker(p: Painter, colour: Colour) -> None:
    p.rounded((18, 44, 82, 81), 11, colour)
    lid = (19, 28, 81, 60)
    p.body(lambda d: d.chord(p.box(*lid), 180, 360, fill=255), lid, colour)
    p.solid(
        lambda d: d.chord(p.box(*lid), 180, 360, outline=255, width=p.units(1)),
        _shade(colour, 0.7),
    )
    p.rounded((40, 26, 60, 31), 2, DARK, shaded=False)
    p.rounded((18, 43, 82, 46), 1, _shade(colour, 0.72), shaded=False)
    p.rounded((35, 55, 65, 71), 3, DARK, shaded=False)
    p.rounded((39, 58, 53, 63), 1, SCREEN, shaded=False)
    p.ellipse((56, 58, 61, 63), (220, 80, 60))
    p.ellipse((56, 65, 61, 70), STEEL)


def _kettle(p: Painter, colour: Colour) -> None:
    p.line([(66, 40), (80, 44), (80, 64), (67, 72)], _shade(colour, 0.8), 6)
    p.polygon([(30, 44), (26, 40), (12, 30), (10, 33), (24, 58), (30, 58)], colour, shaded=True)
    p.polygon([(30, 34), (64, 34), (71, 77), (23, 77)], colour, shaded=True)
    p.ellipse((29, 30, 65, 38), _shade(colour, 0.9))
    p.rounded((42, 26, 52, 32), 2, DARK, shaded=False)
    p.translucent([(56, 44), (60, 44), (62, 70), (58, 70)], GLASS, 170)
    p.rounded((20, 76, 74, 83), 3, DARK, shaded=False)
    p.rounded((44, 78, 50, 80), 1, (230, 90, 70), shaded=False)


def _air_fryer(p: Painter, colour: Colour) -> None:
    p.rounded((23, 20, 77, 81), 14, colour)
    p.rounded((33, 26, 67, 38), 5, DARK, shaded=False)
    p.ellipse((45, 28, 55, 36), STEEL)
    p.rounded((37, 30, 42, 34), 1, SCREEN, shaded=False)
    p.rounded((27, 45, 73, 77), 8, _shade(colour, 0.85))
    p.rounded((27, 44, 73, 46), 1, _shade(colour, 0.6), shaded=False)
    p.rounded((41, 53, 59, 67), 4, DARK, shaded=False)
    p.rounded((28, 80, 34, 83), 1, DARK, shaded=False)
    p.rounded((66, 80, 72, 83), 1, DARK, shaded=False)


def _soymilk_maker(p: Painter, colour: Colour) -> None:
    p.line([(64, 40), (78, 42), (78, 66), (64, 70)], _shade(colour, 0.75), 5)
    p.rounded((32, 32, 66, 81), 7, colour)
    p.translucent([(37, 42), (41, 42), (41, 74), (37, 74)], GLASS, 150)
    p.polygon([(33, 36), (25, 32), (26, 37), (33, 42)], _shade(colour, 0.85))
    p.rounded((28, 18, 70, 35), 8, _shade(colour, 0.9))
    p.rounded((40, 22, 58, 28), 3, DARK, shaded=False)
    p.ellipse((43, 23, 47, 27), SCREEN)
    p.ellipse((51, 23, 55, 27), STEEL)


def _blender(p: Painter, colour: Colour) -> None:
    p.translucent([(33, 20), (67, 20), (62, 62), (38, 62)], GLASS, 210)
    p.line([(66, 26), (76, 28), (74, 52), (64, 54)], _mix(GLASS, DARK, 0.35), 4)
    p.polygon([(44, 58), (56, 58), (53, 62), (47, 62)], STEEL)
    p.polygon([(40, 56), (60, 54), (58, 57), (42, 58)], STEEL)
    p.rounded((31, 15, 69, 22), 3, DARK, shaded=False)
    p.polygon([(36, 61), (64, 61), (70, 82), (30, 82)], colour, shaded=True)
    p.ellipse((45, 66, 55, 76), STEEL)
    p.ellipse((48, 69, 52, 73), DARK)


def _wok(p: Painter, colour: Colour) -> None:
    p.line([(76, 50), (96, 38)], DARK, 6)
    p.line([(84, 45), (97, 37)], _shade(colour, 0.8), 7)
    p.arc((6, 44, 18, 56), 90, 270, DARK, 2)
    p.body(lambda d: d.chord(p.box(14, 26, 86, 80), 0, 180, fill=255), (14, 26, 86, 80), colour)
    p.ellipse((14, 47, 86, 59), (62, 62, 66))
    p.ellipse((17, 49, 83, 58), (84, 84, 90))


def _stock_pot(p: Painter, colour: Colour) -> None:
    p.rounded((11, 46, 25, 52), 3, DARK, shaded=False)
    p.rounded((75, 46, 89, 52), 3, DARK, shaded=False)
    p.rounded((22, 40, 78, 81), 5, colour)
    p.body(lambda d: d.chord(p.box(21, 30, 79, 48), 180, 360, fill=255), (21, 30, 79, 48), STEEL)
    p.rounded((20, 38, 80, 42), 2, _shade(STEEL, 0.8), shaded=False)
    p.ellipse((45, 27, 55, 33), DARK)
    p.rounded((22, 60, 78, 62), 1, _shade(colour, 0.85), shaded=False)


def _knife(p: Painter, colour: Colour) -> None:
    blade = [(6, 62), (14, 54), (30, 46), (64, 36), (66, 36), (66, 62), (24, 66)]
    p.polygon(blade, STEEL, shaded=True)
    p.polygon([(10, 62), (24, 64), (66, 60), (66, 62), (24, 66), (8, 63)], _shade(STEEL, 1.14))
    p.rounded((65, 42, 69, 58), 1, _shade(STEEL, 0.78), shaded=False)
    p.rounded((68, 43, 96, 56), 5, colour)
    for x in (74, 81, 88):
        p.ellipse((x, 48, x + 3, 51), STEEL)


def _cutting_board(p: Painter, colour: Colour) -> None:
    p.rounded((16, 34, 84, 82), 6, _shade(colour, 0.75), shaded=False)
    p.rounded((16, 30, 84, 78), 6, colour)
    for y in (44, 53, 62, 70):
        p.line([(22, y), (66, y - 1)], _shade(colour, 0.94), 0.5)
    p.ellipse((72, 35, 79, 42), _mix(STUDIO_TOP, STUDIO_BOTTOM, 0.4))


def _storage_box(p: Painter, colour: Colour) -> None:
    edge = _mix(GLASS, DARK, 0.25)
    p.translucent([(21, 52), (79, 52), (77, 82), (23, 82)], edge, 200)
    p.translucent([(22, 52), (78, 52), (76, 81), (24, 81)], GLASS, 230)
    p.rounded((20, 46, 80, 53), 2, colour)
    for x in (22, 74):
        p.rounded((x, 51, x + 4, 58), 1, _shade(colour, 0.85), shaded=False)
    p.translucent([(29, 27), (71, 27), (69, 46), (31, 46)], edge, 200)
    p.translucent([(30, 27), (70, 27), (68, 45), (32, 45)], GLASS, 230)
    p.rounded((28, 22, 72, 28), 2, colour)
    for x in (30, 66):
        p.rounded((x, 26, x + 4, 32), 1, _shade(colour, 0.85), shaded=False)


# category slug -> (drawing, shadow width, floor line) in grid units.
SILHOUETTES: dict[str, tuple[Callable[[Painter, Colour], None], float, float]] = {
    "rice-cookers": (_rice_cooker, 70, 82),
    "kettles": (_kettle, 60, 82),
    "air-fryers": (_air_fryer, 60, 82),
    "soymilk-makers": (_soymilk_maker, 46, 82),
    "blenders": (_blender, 46, 82),
    "woks": (_wok, 76, 80),
    "stock-pots": (_stock_pot, 66, 82),
    "knives": (_knife, 84, 70),
    "cutting-boards": (_cutting_board, 76, 82),
    "storage-boxes": (_storage_box, 64, 82),
}


def _studio(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    """A soft vertical gradient, like paper curving from the wall onto the table."""
    return _studio_kept(size, top, bottom).copy()


@cache
def _studio_kept(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    mask = Image.linear_gradient("L").resize((1, size[1]), Image.Resampling.BILINEAR)
    column = Image.new("RGB", (1, size[1]), top)
    column.paste(bottom, (0, 0), mask)
    return column.resize(size, Image.Resampling.NEAREST)


def _shadow(image: Image.Image, painter: Painter, width: float, floor: float = 82) -> None:
    """A blurred ellipse under the product, blurred small and scaled up (cheap)."""
    left, top, right, bottom = painter.box(50 - width / 2, floor - 3, 50 + width / 2, floor + 4)
    margin = (bottom - top) * 2
    region = (left - margin, top - margin, right + margin, bottom + margin)
    size = (region[2] - region[0], region[3] - region[1])
    mask = Image.new("L", (max(size[0] // 8, 1), max(size[1] // 8, 1)), 0)
    ImageDraw.Draw(mask).ellipse(
        (margin // 8, margin // 8, (right - region[0]) // 8, (bottom - region[1]) // 8), fill=110
    )
    mask = mask.filter(ImageFilter.GaussianBlur(3)).resize(size, Image.Resampling.BILINEAR)
    image.paste((90, 86, 80), region, mask)


def _silhouette(category_slug: str):
    return SILHOUETTES.get(category_slug, SILHOUETTES["rice-cookers"])


def _jpeg(image: Image.Image, size: tuple[int, int]) -> bytes:
    buffer = BytesIO()
    image.reduce(image.width // size[0]).save(buffer, "JPEG", quality=88, optimize=True)
    return buffer.getvalue()


def draw_product_picture(category_slug: str, colour: Colour) -> bytes:
    """A product of the category in `colour`, as a square JPEG of PRODUCT_SIZE pixels."""
    size = PRODUCT_SIZE * SUPERSAMPLE
    image = _studio((size, size), STUDIO_TOP, STUDIO_BOTTOM)
    painter = Painter(image, (0, 0), size / 100)
    draw, shadow_width, floor = _silhouette(category_slug)
    _shadow(image, painter, shadow_width, floor)
    draw(painter, colour)
    return _jpeg(image, (PRODUCT_SIZE, PRODUCT_SIZE))


def draw_category_picture(category_slug: str, colour: Colour) -> bytes:
    """The small picture of a category in the home page's grid: its silhouette on a light
    disc tinted with the category's colour, CATEGORY_SIZE pixels square."""
    size = CATEGORY_SIZE * SUPERSAMPLE
    image = Image.new("RGB", (size, size), (255, 255, 255))
    disc = _mix((255, 255, 255), colour, 0.12)
    ImageDraw.Draw(image).ellipse((size * 0.06, size * 0.06, size * 0.94, size * 0.94), fill=disc)
    painter = Painter(image, (size * 0.1, size * 0.06), size * 0.8 / 100)
    draw, shadow_width, floor = _silhouette(category_slug)
    _shadow(image, painter, shadow_width, floor)
    draw(painter, colour)
    return _jpeg(image, (CATEGORY_SIZE, CATEGORY_SIZE))


@cache
def _font(size: int, *, cjk: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if cjk:
        for path, index in CJK_FONTS:
            if Path(path).exists():
                return ImageFont.truetype(path, size, index=index)
        raise LookupError("no CJK font")
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def has_cjk_font() -> bool:
    return any(Path(path).exists() for path, _index in CJK_FONTS)


def draw_banner(
    *,
    heading_zh: str,
    heading_en: str,
    line_zh: str,
    line_en: str,
    category_slug: str,
    colour: Colour,
    background: tuple[Colour, Colour],
    text: Colour,
) -> bytes:
    """A 2:1 campaign banner (BANNER_SIZE): Chinese and English text on the left, a product on
    a stage on the right. Without a CJK font on the machine only the English is written."""
    width, height = (side * SUPERSAMPLE for side in BANNER_SIZE)
    image = _studio((width, height), *background)
    stage = _mix(background[0], (255, 255, 255), 0.55)
    glow = Image.new("L", (width // 8, height // 8), 0)
    ImageDraw.Draw(glow).ellipse(
        (width // 16, -height // 40, width // 8 + 20, height // 8), fill=150
    )
    glow = glow.filter(ImageFilter.GaussianBlur(8))
    glow = glow.resize((width, height), Image.Resampling.BILINEAR)
    image.paste(stage, (0, 0), glow)
    painter = Painter(image, (width * 0.58, height * 0.06), height * 0.9 / 100)
    draw, shadow_width, floor = _silhouette(category_slug)
    _shadow(image, painter, shadow_width, floor)
    draw(painter, colour)

    canvas = ImageDraw.Draw(image)
    left = round(width * 0.07)
    y = round(height * 0.22)
    lines: list[tuple[str, int, bool]] = []
    if has_cjk_font():
        lines += [(heading_zh, 150, True), (line_zh, 70, True)]
    lines += [(heading_en, 78, False), (line_en, 50, False)]
    for words, size, cjk in lines:
        font = _font(size, cjk=cjk)
        canvas.text((left, y), words, font=font, fill=text)
        y += round(size * 1.45)
    # A "button" under the text, as campaign banners have.
    top = y + 20
    pill = _shade(text, 1.0) if text != (255, 255, 255) else (255, 255, 255)
    canvas.rounded_rectangle((left, top, left + 420, top + 110), radius=55, fill=pill)
    label_font = _font(48, cjk=False)
    label = "→"
    if has_cjk_font():
        label_font = _font(48, cjk=True)
        label = "立即选购 →"
    text_width = canvas.textlength(label, font=label_font)
    canvas.text(
        (left + (420 - text_width) / 2, top + 28),
        label,
        font=label_font,
        fill=background[0] if pill == (255, 255, 255) else (255, 255, 255),
    )
    return _jpeg(image, BANNER_SIZE)
