"""The tile map of Dongguan: one tile per town, subdistrict or functional area, placed roughly as on
a real map (north up; the Pearl River estuary to the west). A schematic, not a survey: columns and
rows only keep each region beside its real neighbours. English names are the regions' pinyin."""

from __future__ import annotations

# code → (column, row, English name)
TILES: dict[str, tuple[int, int, str]] = {
    "441900126": (0, 0, "Machong"),
    "441900128": (1, 0, "Zhongtang"),
    "441900129": (2, 0, "Gaobu"),
    "441900101": (3, 0, "Shijie"),
    "441900102": (4, 0, "Shilong"),
    "441900104": (5, 0, "Shipai"),
    "441900105": (6, 0, "Qishi"),
    "441900127": (0, 1, "Wangniudun"),
    "441900005": (1, 1, "Wanjiang"),
    "441900006": (2, 1, "Guancheng"),
    "441900003": (3, 1, "Dongcheng"),
    "441900403": (4, 1, "Eco-Park"),
    "441900103": (5, 1, "Chashan"),
    "441900106": (6, 1, "Hengli"),
    "441900107": (7, 1, "Qiaotou"),
    "441900125": (0, 2, "Hongmei"),
    "441900124": (1, 2, "Daojiao"),
    "441900004": (2, 2, "Nancheng"),
    "441900111": (3, 2, "Liaobu"),
    "441900109": (4, 2, "Dongkeng"),
    "441900110": (5, 2, "Changping"),
    "441900123": (0, 3, "Shatian"),
    "441900122": (1, 3, "Houjie"),
    "441900118": (2, 3, "Dalingshan"),
    "441900401": (3, 3, "Songshan Lake"),
    "441900113": (4, 3, "Dalang"),
    "441900114": (5, 3, "Huangjiang"),
    "441900112": (6, 3, "Zhangmutou"),
    "441900108": (7, 3, "Xiegang"),
    "441900402": (0, 4, "Dongguan Port"),
    "441900121": (1, 4, "Humen"),
    "441900116": (4, 4, "Tangxia"),
    "441900115": (5, 4, "Qingxi"),
    "441900404": (0, 5, "Binhaiwan"),
    "441900119": (1, 5, "Chang'an"),
    "441900117": (4, 5, "Fenggang"),
}
COLUMNS = 1 + max(c for c, _r, _n in TILES.values())
ROWS = 1 + max(r for _c, r, _n in TILES.values())
