"""China's province → city → district list (GB/T 2260 codes), read once per process from
data/china_regions.json (see data/LICENSE-china-division.txt for where it comes from).

Codes are strings: six digits for provinces and cities in the GB/T 2260 form (110000 北京市,
110100 市辖区) and for districts (110101 东城区); the few cities without districts (东莞市,
中山市, 儋州市, 嘉峪关市) list their towns, whose codes have nine digits. Names are Chinese
only, in both languages: that is how addresses in China are written.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
