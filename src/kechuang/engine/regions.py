"""The city's own division code: the one constant every layer uses for city-wide rows."""

from __future__ import annotations

CITY_CODE = "441900"  # 东莞市 (GB/T 2260); its towns and areas are 441900xxx
