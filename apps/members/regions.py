"""China's province → city → district list (GB/T 2260 codes), read once per process from
data/china_regions.json (see data/LICENSE-china-division.txt for where it comes from).

Codes are strings: six digits for provinces and cities in the GB/T 2260 form (110000 北京市,
110100 市辖区) and for districts (110101 东城区); the few cities without districts (东莞市,
中山市, 儋州市, 嘉峪关市) list their towns, whose codes have nine digits. Names are stored and
sent to couriers in Chinese, in both languages: that is how addresses in China are written.
English pages show the pinyin beside them (`label`: 广东省 Guangdong), made with pypinyin once
per name and process.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from pypinyin import lazy_pinyin

DATA_FILE = Path(__file__).resolve().parent / "data" / "china_regions.json"

# Cities that only group a province's districts; a written address leaves them out
# (北京市东城区, 海南省五指山市).
PLACEHOLDER_CITY_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

PROVINCE, CITY, DISTRICT = "province", "city", "district"


@dataclass(frozen=True)
class _Regions:
    names: dict[str, str]
    levels: dict[str, str]
    parents: dict[str, str]
    children: dict[str, tuple[tuple[str, str], ...]]


def _full_code(code: str) -> str:
    """The source gives provinces two digits and cities four; GB/T 2260 pads them to six."""
    return code.ljust(6, "0") if len(code) < 6 else code


@cache
def _regions() -> _Regions:
    with DATA_FILE.open(encoding="utf-8") as source:
        tree = json.load(source)
    names: dict[str, str] = {}
    levels: dict[str, str] = {}
    parents: dict[str, str] = {}
    children: dict[str, list[tuple[str, str]]] = {"": []}

    def add(node: dict, level: str, parent: str) -> str:
        code = _full_code(node["code"])
        names[code] = node["name"]
        levels[code] = level
        parents[code] = parent
        children.setdefault(parent, []).append((code, node["name"]))
        return code

    for province in tree:
        province_code = add(province, PROVINCE, "")
        for city in province.get("children", []):
            city_code = add(city, CITY, province_code)
            for district in city.get("children", []):
                add(district, DISTRICT, city_code)
    return _Regions(
        names=names,
        levels=levels,
        parents=parents,
        children={code: tuple(items) for code, items in children.items()},
    )


def provinces() -> list[tuple[str, str]]:
    """Every province as (code, name), in code order."""
    return list(_regions().children[""])


def cities(province_code: str | None) -> list[tuple[str, str]]:
    """The cities of a province as (code, name); empty for anything that is not a province."""
    return _children_at(province_code, PROVINCE)


def districts(city_code: str | None) -> list[tuple[str, str]]:
    """The districts of a city as (code, name); empty for anything that is not a city."""
    return _children_at(city_code, CITY)


def children_of(code: str | None) -> list[tuple[str, str]] | None:
    """The next level down from a province or a city; the provinces for an empty code; None
    for a code that is not in the list (or is a district, which has nothing below it)."""
    if not code:
        return provinces()
    level = level_of(code)
    if level == PROVINCE:
        return cities(code)
    if level == CITY:
        return districts(code)
    return None


def _children_at(code: str | None, level: str) -> list[tuple[str, str]]:
    if not code or level_of(code) != level:
        return []
    return list(_regions().children.get(code, ()))


def level_of(code: str | None) -> str | None:
    """PROVINCE, CITY or DISTRICT, or None for an unknown code."""
    return _regions().levels.get(code or "")


def parent_of(code: str | None) -> str:
    """The province of a city, the city of a district; "" for a province or an unknown code."""
    return _regions().parents.get(code or "", "")


def name_of(code: str | None) -> str:
    """The Chinese name of a province, city or district; "" for an unknown code."""
    return _regions().names.get(code or "", "")


def is_valid_chain(province_code: str, city_code: str, district_code: str) -> bool:
    """True when the district belongs to the city and the city to the province."""
    data = _regions()
    return (
        data.levels.get(district_code) == DISTRICT
        and data.parents.get(district_code) == city_code
        and data.levels.get(city_code) == CITY
        and data.parents.get(city_code) == province_code
        and data.levels.get(province_code) == PROVINCE
    )


def full_region_name(province_name: str, city_name: str, district_name: str) -> str:
    """The region as written on a parcel: 广东省深圳市南山区, 北京市东城区."""
    parts = [province_name]
    if city_name not in PLACEHOLDER_CITY_NAMES:
        parts.append(city_name)
    parts.append(district_name)
    return "".join(part for part in parts if part)


# Names whose English spelling is not their plain pinyin.
ENGLISH_NAMES = {
    "内蒙古自治区": "Inner Mongolia",
    "西藏自治区": "Tibet",
    "陕西省": "Shaanxi",
    "香港特别行政区": "Hong Kong",
    "澳门特别行政区": "Macao",
    "市辖区": "City districts",
    "县": "Counties",
    "省直辖县级行政区划": "County-level divisions",
    "自治区直辖县级行政区划": "County-level divisions",
}
# Endings of administrative names and their English words, longest first.
_ENDINGS = [
    ("特别行政区", ""),
    ("自治区", ""),
    ("自治州", " Prefecture"),
    ("自治县", " County"),
    ("自治旗", " Banner"),
    ("地区", " Prefecture"),
    ("高新技术产业开发区", " Hi-tech Industrial Development Zone"),
    ("高新技术产业园区", " Hi-tech Industrial Park"),
    ("经济技术开发区", " Economic and Technological Development Zone"),
    ("经济开发区", " Economic Development Zone"),
    ("工业园区", " Industrial Park"),
    ("开发区", " Development Zone"),
    ("示范区", " Demonstration Zone"),
    ("管理区", " Administrative Zone"),
    ("园区", " Park"),
    ("林区", " Forestry District"),
    ("新区", " New Area"),
    ("矿区", " Mining District"),
    ("街道", " Subdistrict"),
    ("区", " District"),
    ("县", " County"),
    ("旗", " Banner"),
    ("盟", " League"),
    ("市", ""),
    ("省", ""),
    ("镇", " Town"),
    ("乡", " Township"),
]
# Peoples named in autonomous regions' names (延边朝鲜族自治州 → Yanbian Prefecture).
_PEOPLES = sorted(
    """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜
    水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒
    乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各""".split(),  # noqa: SIM905
    key=len,
    reverse=True,
)
# Characters read otherwise in place names than in everyday words (长沙 Changsha, 长治).
_PLACE_READINGS = {"长": "chang"}
_VOWEL_START = re.compile(r"^[aoe]")


def _pinyin(name: str, length: int) -> str:
    """Place-name pinyin of the first `length` characters of a name: syllables run together, an
    apostrophe where a syllable starting with a vowel would blur the boundary (Xi'an), ü kept
    (Lüliang), first letter capitalised. The whole name is read, so its words decide each
    character's reading (朝阳区 Chaoyang, where 朝阳 alone would be zhaoyang)."""
    syllables = lazy_pinyin(name, v_to_u=True)
    if len(syllables) == len(name):  # one syllable per character: readings can be fixed
        syllables = [
            _PLACE_READINGS.get(char, syllable)
            for char, syllable in zip(name, syllables, strict=True)
        ][:length]
    text = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        text += f"'{syllable}" if _VOWEL_START.match(syllable) else syllable
    return text[:1].upper() + text[1:]


@cache
def english_name(name: str) -> str:
    """A region's name for English readers: 广东省 → Guangdong, 南山区 → Nanshan District,
    延边朝鲜族自治州 → Yanbian Prefecture. Kept per name for the life of the process."""
    if name in ENGLISH_NAMES:
        return ENGLISH_NAMES[name]
    stem, ending = name, ""
    for suffix, english in _ENDINGS:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem, ending = name[: -len(suffix)], english
            break
    stripped = True
    while stripped:
        stripped = False
        for people in _PEOPLES:
            marker = f"{people}族"
            if stem.endswith(marker) and len(stem) > len(marker):
                stem, stripped = stem[: -len(marker)], True
                break
    return f"{_pinyin(name, len(stem))}{ending}"


def _english_wanted() -> bool:
    return (get_language() or "").startswith("en")


def label(name: str) -> str:
    """How a region is shown in the active language: its Chinese name, with the pinyin beside
    it on English pages (广东省 Guangdong). Addresses always store the Chinese name."""
    return f"{name} {english_name(name)}" if name and _english_wanted() else name


def labelled(regions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, name) pairs as (code, label) for a select's choices."""
    return [(code, label(name)) for code, name in regions]


def full_region_label(province_name: str, city_name: str, district_name: str) -> str:
    """The region as written on a parcel, followed on English pages by its English reading
    from the district up: 广东省深圳市南山区 (Nanshan District, Shenzhen, Guangdong)."""
    chinese = full_region_name(province_name, city_name, district_name)
    if not chinese or not _english_wanted():
        return chinese
    parts = [district_name]
    if city_name not in PLACEHOLDER_CITY_NAMES:
        parts.append(city_name)
    parts.append(province_name)
    english = ", ".join(english_name(part) for part in parts if part)
    return f"{chinese} ({english})"
