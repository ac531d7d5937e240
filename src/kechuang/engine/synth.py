"""A realistic synthetic enterprise population for Dongguan, calibrated to the city's published counts.

``synthesize(count, years, seed, towns)`` returns (registry, facts) in the columns and types of
shared/contracts/enterprise-data.md (engine/vocabulary.py). Everything is drawn with numpy in
whole-column operations; a million enterprises take a few seconds.

Calibration. The population is a sample of the enterprises the bureau tracks, of size
``DONGGUAN_POPULATION`` (P = 30,000): the union of the 高新技术企业 (10,200 at the end of 2024, plan
第一章), the 规上工业企业 (about 13,500 — an outside figure, not in reference-statistics.csv; only the
overlap 规上工业高企 = 5,769 is published, plan 表1) and the 科技型中小企业 and other R&D-reporting
enterprises outside both groups (about 12,000, assumed), i.e. 10,200 + 13,500 − 5,769 + 12,000 ≈
30,000. Each synthetic enterprise stands for ``scale_factor(count) = P / count`` real ones. The holders
of a 高企 certificate valid on 31 Dec of the last year are drawn as exact quotas, so that scaled up
they come out at 10,200 (all) and 5,769 (industrial B/C/D with 主营业务收入 ≥ 2000 万元 in the last
year); the 规上工业 total is not forced and lands near 13,500.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from kechuang.engine import credit_code
from kechuang.engine.vocabulary import FACT_COLUMNS, RD_INSTITUTION_LEVELS, REGISTRY_COLUMNS, TECH_FIELDS

DONGGUAN_POPULATION = 30_000
HIGHTECH_COUNT = (
    10_200  # 高企, end of 2024 (plan 第一章; reference-statistics national_hte_count_lower_bound)
)
INDUSTRIAL_HIGHTECH_COUNT = 5_769  # 规上工业高新技术企业, 2024 (plan 表1 现值)
ABOVE_SCALE_INDUSTRIAL_ASSUMED = 13_500  # 规上工业企业: outside figure, reported for comparison only
ABOVE_SCALE_THRESHOLD = 2000.0  # 万元 主营业务收入
DONGGUAN_REGION_CODES = ["441900"]

# Relative weight of each town in the tracked population (unlisted towns: 1.0).
TOWN_WEIGHTS: dict[str, float] = {
    "松山湖高新技术产业开发区": 9.0, "长安镇": 7.0, "虎门镇": 6.0, "塘厦镇": 6.0, "常平镇": 5.5,
    "大朗镇": 5.0, "寮步镇": 5.0, "东城街道": 5.0, "南城街道": 4.5, "厚街镇": 4.5, "凤岗镇": 4.5,
    "清溪镇": 4.0, "大岭山镇": 4.0, "黄江镇": 3.5, "石碣镇": 3.0, "万江街道": 2.5, "横沥镇": 2.5,
    "桥头镇": 2.5, "茶山镇": 2.5, "樟木头镇": 2.0, "石排镇": 2.0, "高埗镇": 2.0, "企石镇": 1.8,
    "东坑镇": 1.8, "谢岗镇": 1.5, "石龙镇": 1.5, "中堂镇": 1.5, "麻涌镇": 1.2, "道滘镇": 1.2,
    "沙田镇": 1.2, "滨海湾新区": 1.2, "莞城街道": 1.0, "洪梅镇": 0.8, "望牛墩镇": 0.8,
    "东莞生态园": 0.5, "东莞港": 0.3,
}  # fmt: skip
SONGSHANHU = "松山湖高新技术产业开发区"

# GB/T 4754-2017 sections: (share elsewhere, share in 松山湖, median revenue 万元, revenue per employee 万元)
SECTIONS: dict[str, tuple[float, float, float, float]] = {
    "C": (0.70, 0.50, 2800, 45), "I": (0.08, 0.20, 1000, 60), "M": (0.08, 0.20, 700, 45),
    "F": (0.06, 0.05, 2500, 150), "G": (0.015, 0.01, 1800, 60), "E": (0.02, 0.01, 3000, 50),
    "D": (0.01, 0.01, 6000, 200), "N": (0.015, 0.01, 1200, 40), "B": (0.002, 0.0, 3000, 60),
}  # fmt: skip
# Classes: (code, weight in section, field index in TECH_FIELDS or -1, technology level 0–1, name word)
INDUSTRIES: tuple[tuple[str, float, int, float, str], ...] = (
    ("C3982", 5, 0, .8, "电子"), ("C3981", 3, 0, .8, "电子"), ("C3976", 2, 0, .85, "光电"),
    ("C3974", 1.5, 0, .85, "显示科技"), ("C3973", .8, 0, .95, "半导体"), ("C3972", .8, 0, .9, "半导体"),
    ("C3983", 1.5, 0, .85, "传感技术"), ("C3984", 2, 0, .7, "电声"), ("C3985", 1, 3, .85, "电子材料"),
    ("C3922", 2.5, 0, .85, "通讯"), ("C3921", 1, 0, .85, "通信技术"), ("C3912", 2, 0, .75, "电脑配件"),
    ("C3913", 1.5, 0, .7, "数码"), ("C3914", 1, 7, .9, "智能控制"), ("C3952", 1, 0, .6, "音响"),
    ("C3990", 1, 0, .7, "电子"), ("C3841", 1.5, 5, .85, "新能源"), ("C3825", .8, 5, .85, "光伏"),
    ("C3824", 1, 5, .8, "电力电子"), ("C3823", 1.5, 7, .6, "电气"), ("C3831", 1.5, 3, .5, "线缆"),
    ("C3856", 1.5, 7, .5, "电器"), ("C3855", 1, 7, .45, "电器"), ("C3872", 1.5, 5, .5, "照明"),
    ("C3525", 4, 7, .6, "模具"), ("C3562", 1, 7, .9, "半导体设备"), ("C3563", 1.5, 7, .85, "自动化设备"),
    ("C3569", 1.5, 7, .8, "智能装备"), ("C3523", 1, 7, .6, "塑胶机械"), ("C3421", 1, 7, .7, "数控机床"),
    ("C3484", 1, 7, .4, "五金"), ("C3489", 2, 7, .45, "精密五金"), ("C3483", 1, 7, .35, "紧固件"),
    ("C3360", 1.5, 6, .35, "表面处理"), ("C3399", 2, 3, .35, "金属制品"), ("C3311", .8, 7, .3, "钢结构"),
    ("C3252", .8, 3, .4, "铝业"), ("C2929", 3, 3, .4, "塑胶"), ("C2922", 1, 3, .4, "塑料"),
    ("C2927", 1, 3, .3, "塑料制品"), ("C2641", 1, 3, .55, "涂料"), ("C2669", 1.2, 3, .6, "新材料"),
    ("C2720", .6, 1, .85, "制药"), ("C2761", .4, 1, .9, "生物"), ("C3581", .8, 1, .85, "医疗器械"),
    ("C3670", 1.5, 7, .55, "汽车配件"), ("C4011", .8, 7, .85, "自动化"), ("C4028", .7, 0, .85, "仪器"),
    ("C4040", .6, 0, .75, "光学"), ("C2231", 1.5, 3, .2, "包装"), ("C2319", 1, -1, .2, "印刷"),
    ("C1811", 1.2, -1, .1, "服装"), ("C1952", 1, -1, .1, "鞋业"), ("C2110", 1.2, -1, .15, "家具"),
    ("C2452", 1, -1, .2, "玩具"), ("C1762", .8, -1, .1, "毛织"),
    ("I6513", 3, 4, .85, "软件"), ("I6511", .3, 0, .9, "软件"), ("I6531", 2, 4, .75, "信息技术"),
    ("I6520", .6, 0, .95, "芯片设计"), ("I6550", 1, 4, .7, "数据"), ("I6431", .7, 4, .7, "网络科技"),
    ("I6450", .5, 4, .75, "数据"),
    ("M7320", 2, 7, .95, "研究院"), ("M7310", .5, 1, .95, "生物研究"), ("M7452", 2, 4, .7, "检测"),
    ("M7491", 1.5, 4, .6, "工业设计"), ("M7483", 1, 4, .5, "工程设计"), ("M7519", 1.5, 4, .7, "技术"),
    ("M7514", .8, 5, .7, "节能"), ("M7530", .6, 4, .5, "科技服务"), ("M7520", .5, 4, .5, "知识产权"),
    ("F5179", 2, -1, .2, "贸易"), ("F5176", 1, 0, .3, "电子"), ("F5193", 1, 4, .35, "电子商务"),
    ("G5821", 1, -1, .1, "物流"), ("G5920", .5, -1, .1, "仓储"),
    ("E4910", 1, 7, .3, "机电工程"), ("E4920", .6, 7, .25, "安装工程"),
    ("D4416", 1, 5, .6, "新能源"), ("D4420", .5, -1, .2, "电力"), ("D4610", .3, 6, .3, "水务"),
    ("N7721", 1, 6, .6, "环保"), ("N7723", .5, 6, .55, "环保"), ("B1019", 1, -1, .1, "矿业"),
)  # fmt: skip

_NAME_CHARS = list(
    "华宏盛鑫达创联兴泰丰源信德嘉利恒新力美永通锦荣富金鸿辉捷凯瑞祥顺腾骏旭昌明海天欣佳和安成中汇亿晟"
    "维星光立博誉铭隆昊灿益宝森茂卓越精威万豪伟正优智勤劲禾润邦川福康乐远航普尚诚启奥"
)
_FIRST_YEAR = 1985

# Share of existing enterprise-years with a missing value, by column.
MISSING_RATES: dict[str, float] = {
    "revenue": 0.005, "main_business_revenue": 0.01, "hightech_revenue": 0.06, "total_cost": 0.02,
    "rd_expense": 0.02, "rd_expense_domestic": 0.05, "employees": 0.005, "tech_staff": 0.03,
    "rd_staff": 0.06, "total_assets": 0.02, "net_assets": 0.03, "net_profit": 0.02, "tax_paid": 0.04,
    "ip_class1": 0.04, "ip_class2": 0.04, "invention_patents": 0.05,
    "high_value_invention_patents": 0.15, "conversions": 0.10, "equity_financing": 0.25,
    "tech_contract_income": 0.20, "standards_led": 0.12, "funded_projects": 0.15,
}  # fmt: skip
# Columns drawn from a child generator (added after the others; see _facts).
SPAWNED_COLUMNS = frozenset({"funded_projects"})


def scale_factor(count: int) -> float:
    """How many real Dongguan enterprises one synthetic enterprise stands for."""
    return DONGGUAN_POPULATION / count


def _pick(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    return np.searchsorted(np.cumsum(p) / p.sum(), rng.random(size), side="right").clip(0, len(p) - 1)


def _top(score: np.ndarray, eligible: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the k eligible entries with the highest score."""
    idx = np.flatnonzero(eligible)
    k = min(k, idx.size)
    out = np.zeros(score.size, dtype=bool)
    if k > 0:
        out[idx[np.argpartition(-score[idx], k - 1)[:k]]] = True
    return out


def _registry(count: int, last: int, rng: np.random.Generator, towns: pl.DataFrame) -> dict:
    n = count
    if "kind" in towns.columns:
        towns = towns.filter(pl.col("kind") != "city")
    town_names = towns["name"].to_list()
    tw = np.array([TOWN_WEIGHTS.get(t, 1.0) for t in town_names])
    town = _pick(rng, tw, n)
    sm = np.array([t == SONGSHANHU for t in town_names])[town]

    sec_names = list(SECTIONS)
    cls_section = np.array([sec_names.index(c[0][0]) for c in INDUSTRIES])
    cls_w = np.array([c[1] for c in INDUSTRIES], dtype=float)
    sec_total = np.bincount(cls_section, weights=cls_w, minlength=len(sec_names))
    share = np.array([[SECTIONS[s][0] for s in sec_names], [SECTIONS[s][1] for s in sec_names]])
    p_cls = share[:, cls_section] * cls_w / sec_total[cls_section]
    cls = np.where(sm, _pick(rng, p_cls[1], n), _pick(rng, p_cls[0], n))
    section = cls_section[cls]
    tech_level = np.array([c[3] for c in INDUSTRIES])[cls]

    years = np.arange(_FIRST_YEAR, last + 1)
    reg_year = years[_pick(rng, np.exp(0.045 * (years - _FIRST_YEAR)), n)]
    reg_doy = rng.integers(0, 365, size=n)
    age = last - reg_year

    z = rng.standard_normal(n)
    med = np.array([SECTIONS[s][2] for s in sec_names])[section]
    sigma = np.where(np.isin(section, [sec_names.index("I"), sec_names.index("M")]), 1.5, 1.35)
    revenue = med * np.exp(sigma * z + 0.45 * np.tanh((age - 6) / 6))
    revenue = np.round(revenue.clip(5, 3e7), 2)
    mbr_share = np.where(section == 0, rng.uniform(0.9, 1.0, n), rng.uniform(0.78, 1.0, n))
    mbr = np.round(revenue * mbr_share, 2)
    industrial = np.isin(section, [sec_names.index(s) for s in "BCD"])
    productivity = np.array([SECTIONS[s][3] for s in sec_names])[section] * np.exp(rng.normal(0, 0.4, n))
    employees = np.maximum(np.round(revenue / productivity), 3)  # last year
    asset_ratio = np.exp(rng.normal(np.log(0.9), 0.4, n))  # total assets / revenue
    above_scale = industrial & (mbr >= ABOVE_SCALE_THRESHOLD)

    # Holders of a valid 高企 certificate: exact quotas by stratum, highest technology propensity.
    t = tech_level + 0.25 * z + 0.4 * sm + 0.15 * np.tanh((age - 3) / 3) + rng.normal(0, 0.35, n)
    can_hold = reg_year <= last - 1
    k_all = round(count * HIGHTECH_COUNT / DONGGUAN_POPULATION)
    k_ind = round(count * INDUSTRIAL_HIGHTECH_COUNT / DONGGUAN_POPULATION)
    holder = _top(t, can_hold & above_scale, k_ind) | _top(t, can_hold & ~above_scale, k_all - k_ind)
    # Near the thresholds (the 高企后备库): the next 30% of non-holders by propensity (noisier).
    t2 = t + rng.normal(0, 0.3, n)
    near = _top(t2, ~holder, round(0.3 * (~holder).sum()))
    group = np.where(holder, 2, np.where(near, 1, 0))  # 2 holder, 1 near, 0 other

    cert_year = np.maximum(last - rng.integers(0, 3, n), reg_year + 1)
    former = ~holder & (rng.random(n) < np.where(near, 0.2, 0.03))
    old_year = last - rng.integers(3, 6, n)
    former &= old_year >= reg_year + 1
    cert_year = np.where(holder, cert_year, np.where(former, old_year, 0))
    return dict(
        n=n, town=town, town_names=town_names, cls=cls, section=section, tech_level=tech_level,
        reg_year=reg_year, reg_doy=reg_doy, z=z, revenue=revenue, mbr=mbr, group=group,
        has_cert=holder | former, cert_year=cert_year, industrial=industrial, employees=employees,
        asset_ratio=asset_ratio, sm=sm,
    )  # fmt: skip


def _draw_ratios(r: dict, rng: np.random.Generator) -> dict:
    """Per-enterprise base ratios: R&D intensity, tech staff, high-tech revenue, domestic R&D."""
    n, g, rev = r["n"], r["group"], r["revenue"]
    serv = np.isin(r["section"], [1, 2])  # I, M
    band = np.where(rev <= 5000, 0.05, np.where(rev <= 20000, 0.04, 0.03))
    holder_rd = band * np.exp(rng.normal(0.4, 0.25, n)) * np.where(serv, 1.6, 1.0)
    near_rd = rng.uniform(0.025, 0.055, n)
    other_rd = np.where(rng.random(n) < 0.35, 0.0, np.exp(rng.normal(np.log(0.008), 0.8, n)).clip(0, 0.3))
    holder_ts = rng.beta(2.5, 12, n) + 0.07 + 0.2 * serv
    near_ts = rng.uniform(0.075, 0.125, n)
    other_ts = rng.beta(2, 30, n) + 0.2 * serv * rng.random(n)
    holder_ht = rng.beta(12, 3, n).clip(0.5, 0.99)
    near_ht = rng.uniform(0.45, 0.72, n)
    other_ht = np.where(r["tech_level"] < 0.3, 0.0, rng.beta(1.2, 4, n))
    # near enterprises: each condition is met (holder level) with probability 0.55, else just short
    pass_ = rng.random((3, n)) < 0.55
    rd = np.select([g == 2, g == 1], [holder_rd, np.where(pass_[0], holder_rd, near_rd)], other_rd)
    ts = np.select([g == 2, g == 1], [holder_ts, np.where(pass_[1], holder_ts, near_ts)], other_ts)
    ht = np.select([g == 2, g == 1], [holder_ht, np.where(pass_[2], holder_ht, near_ht)], other_ht)
    u = rng.random(n)
    dom = np.where(u < 0.7, 1.0, np.where(u < 0.97, rng.uniform(0.6, 1.0, n), rng.uniform(0.3, 0.6, n)))
    return dict(rd=rd, ts=ts.clip(0, 0.95), ht=ht.clip(0, 1), dom=dom)


def _facts(r: dict, years: list[int], rng: np.random.Generator) -> pl.DataFrame:
    n, ny, g = r["n"], len(years), r["group"]
    yr = np.array(years)
    exists = r["reg_year"][:, None] <= yr[None, :]
    first = r["reg_year"][:, None] == yr[None, :]
    frac = np.where(first, ((365 - r["reg_doy"]) / 365).clip(0.05, 1)[:, None], 1.0)
    ratios = _draw_ratios(r, rng)

    mu = rng.normal(0.05, 0.08, n) + 0.03 * (g == 2)
    growth = (mu[:, None] + rng.normal(0, 0.12, (n, ny))).clip(-0.6, 1.5)
    # revenue of year j = last-year revenue / product of growth factors of the later years
    later = np.cumprod((1 + growth[:, :0:-1]), axis=1)[:, ::-1]
    level = np.concatenate([1 / later, np.ones((n, 1))], axis=1)  # full-year level relative to last
    full = r["revenue"][:, None] * level
    revenue = np.where(np.arange(ny) == ny - 1, r["revenue"][:, None], np.round(full, 2)) * frac
    revenue = np.round(revenue, 2)
    mbr = np.round(revenue * (r["mbr"] / r["revenue"])[:, None], 2)
    mbr[:, -1] = np.where(first[:, -1], mbr[:, -1], r["mbr"])

    emp_last = r["employees"]
    employees = np.maximum(np.round(emp_last[:, None] * level**0.5 * np.exp(rng.normal(0, 0.05, (n, ny)))), 1)
    employees[:, -1] = emp_last

    rd_ratio = ratios["rd"][:, None] * np.exp(rng.normal(0, 0.12, (n, ny)))
    rd = np.round(revenue * rd_ratio, 2)
    rd_dom = np.round(rd * ratios["dom"][:, None], 2)
    ht_share = np.where(
        ratios["ht"][:, None] > 0, (ratios["ht"][:, None] + rng.normal(0, 0.03, (n, ny))).clip(0, 1), 0
    )
    hightech = np.round(revenue * ht_share, 2)
    tech = np.minimum(
        np.round(employees * (ratios["ts"][:, None] * np.exp(rng.normal(0, 0.08, (n, ny))))), employees
    )
    rd_staff = np.round(tech * rng.uniform(0.4, 0.95, n)[:, None])

    assets = np.round(full * r["asset_ratio"][:, None] * np.exp(rng.normal(0, 0.05, (n, ny))), 2)
    equity = rng.normal(0.45, 0.2, n).clip(-0.3, 0.95)
    net_assets = np.round(assets * (equity[:, None] + rng.normal(0, 0.02, (n, ny))), 2)
    margin = rng.normal(0.05, 0.06, n).clip(-0.5, 0.4)[:, None] + rng.normal(0, 0.03, (n, ny))
    net_profit = np.round(revenue * margin, 2)
    total_cost = np.round(revenue * (1 - margin).clip(0.3, None), 2)
    tax = np.round(revenue * np.exp(rng.normal(np.log(0.03), 0.5, n))[:, None], 2)

    # IP stock (有效) in the last year, correlated with R&D; earlier years hold fewer.
    rd_last = rd[:, -1] / frac[:, -1]
    lam1 = 0.12 * rd_last**0.6 * np.where(g == 2, 1.6, 1.0) * r["tech_level"]
    ip1 = np.empty((n, ny))
    ip2 = np.empty((n, ny))
    ip1[:, -1] = rng.poisson(lam1)
    ip2[:, -1] = rng.poisson(0.4 * rd_last**0.6 + 0.5 + 2.0 * (g == 2))
    bare = (g == 2) & (ip1[:, -1] + ip2[:, -1] == 0)
    ip2[bare, -1] = 1 + rng.poisson(3, bare.sum())
    for j in range(ny - 2, -1, -1):  # over years, not rows
        ip1[:, j] = ip1[:, j + 1] - rng.binomial(ip1[:, j + 1].astype(np.int64), 0.12)
        ip2[:, j] = ip2[:, j + 1] - rng.binomial(ip2[:, j + 1].astype(np.int64), 0.15)
    inv = rng.binomial(ip1.astype(np.int64), 0.92)
    hv = rng.binomial(inv, 0.35)
    lam_c = np.select([g == 2, g == 1], [2.5, 1.0], 0.15) * np.exp(0.2 * r["z"])
    conversions = rng.poisson(lam_c[:, None], (n, ny))
    serv = np.isin(r["section"], [1, 2])
    p_eq = (0.02 + 0.03 * (g == 2)) * np.where(serv, 2, 1)
    equity_fin = np.where(
        rng.random((n, ny)) < p_eq[:, None], np.exp(rng.normal(np.log(1500), 1.2, (n, ny))), 0
    )
    p_tc = np.select([g == 2, serv], [0.25, 0.4], 0.05)
    tech_contract = np.where(
        rng.random((n, ny)) < p_tc[:, None], np.exp(rng.normal(np.log(100), 1.3, (n, ny))), 0
    )
    std_rate = np.where(r["led_standard"], 0.5, np.where(g == 2, 0.03, 0.0))
    standards = rng.poisson(std_rate[:, None], (n, ny))
    # 承担省级以上科技计划项目 (added later): drawn from a child generator, so that every other column
    # of a seed stays what it was before the column existed.
    extra = rng.spawn(1)[0]
    lam_fp = np.select([g == 2, g == 1], [0.35, 0.08], 0.01) * np.where(r["sm"], 1.5, 1.0)
    funded = extra.poisson(lam_fp[:, None], (n, ny))

    idx = exists.ravel()
    cols: dict[str, np.ndarray] = {
        "credit_code": np.repeat(r["codes"], ny), "year": np.tile(yr, n),
        "revenue": revenue, "main_business_revenue": mbr, "hightech_revenue": hightech,
        "total_cost": total_cost, "rd_expense": rd, "rd_expense_domestic": rd_dom,
        "employees": employees, "tech_staff": tech, "rd_staff": rd_staff, "total_assets": assets,
        "net_assets": net_assets, "net_profit": net_profit, "tax_paid": tax, "ip_class1": ip1,
        "ip_class2": ip2, "invention_patents": inv, "high_value_invention_patents": hv,
        "conversions": conversions, "equity_financing": np.round(equity_fin, 2),
        "tech_contract_income": np.round(tech_contract, 2), "standards_led": standards,
        "funded_projects": funded,
    }  # fmt: skip
    # Missing values; 主营业务收入 stays known for 规上 enterprises (they report to statistics).
    keep_mbr = np.repeat(r["industrial"] & (r["mbr"] >= ABOVE_SCALE_THRESHOLD), ny)[idx]
    series = []
    for c in FACT_COLUMNS:  # over columns
        v = cols[c.name].ravel()[idx]
        s = pl.Series(c.name, v).cast(c.dtype)
        if c.name in MISSING_RATES:
            miss = (extra if c.name in SPAWNED_COLUMNS else rng).random(v.size) < MISSING_RATES[c.name]
            if c.name == "main_business_revenue":
                miss &= ~keep_mbr
            s = pl.select(pl.when(pl.lit(pl.Series(miss))).then(None).otherwise(s).alias(c.name)).to_series()
        series.append(s)
    return pl.DataFrame(series)


def _names(r: dict, rng: np.random.Generator) -> pl.Series:
    n = r["n"]
    chars = pl.Series(_NAME_CHARS)
    prefix = pl.Series(["东莞市", "东莞", "广东"])[_pick(rng, np.array([0.8, 0.1, 0.1]), n)]
    third = pl.Series(["", *_NAME_CHARS])[
        np.where(rng.random(n) < 0.3, rng.integers(1, len(_NAME_CHARS) + 1, n), 0)
    ]
    word = pl.Series([c[4] for c in INDUSTRIES])[r["cls"]]
    keji = pl.Series(["", "科技"])[((r["tech_level"] > 0.5) & (rng.random(n) < 0.6)).astype(int)]
    suffix = pl.Series(["有限公司", "股份有限公司"])[(rng.random(n) < 0.08).astype(int)]
    pick = lambda: chars[rng.integers(0, len(_NAME_CHARS), n)]  # noqa: E731
    return pl.DataFrame(
        {"a": prefix, "b": pick(), "c": pick(), "d": third, "e": word, "f": keji, "g": suffix}
    ).select(pl.concat_str(pl.all()).alias("name"))["name"]


def _registry_frame(r: dict, last: int, rng: np.random.Generator) -> pl.DataFrame:
    n, g = r["n"], r["group"]
    field_of_cls = np.array([c[2] for c in INDUSTRIES])[r["cls"]]
    fallback = _pick(rng, np.array([2, 1, 0.2, 3, 2, 1.5, 1, 4.0]), n)
    field = np.where((field_of_cls < 0) | (rng.random(n) < 0.15), fallback, field_of_cls)
    has_field = rng.random(n) < np.select([g == 2, g == 1], [1.0, 0.7], 0.15)
    # 科小 size limits: ≤ 500 employees, revenue and assets ≤ 2亿元
    small = (r["employees"] <= 500) & (r["revenue"] <= 20000) & (r["revenue"] * r["asset_ratio"] <= 20000)
    p_kx = np.select([g == 2, g == 1], [0.35, 0.4], 0.15) * small
    u = rng.random(n)
    kx_year = np.where(u < p_kx, last, np.where(u < p_kx + 0.1 * small, last - rng.integers(1, 4, n), 0))
    kx_year = np.where(kx_year >= np.maximum(r["reg_year"], 2017), kx_year, 0)
    lv_p = {2: [0.45, 0.35, 0.18, 0.02], 1: [0.7, 0.2, 0.09, 0.01], 0: [0.92, 0.06, 0.02, 0.0]}
    level_idx = np.zeros(n, dtype=np.int64)
    for k, p in lv_p.items():  # over three groups
        m = g == k
        level_idx[m] = _pick(rng, np.array(p), int(m.sum()))
    level = pl.Series(list(RD_INSTITUTION_LEVELS))[level_idx]
    level = pl.select(
        pl.when(pl.lit(pl.Series(rng.random(n) < 0.05))).then(None).otherwise(level)
    ).to_series()

    def flag(p_holder: float, p_other: float) -> pl.Series:
        v = pl.Series(rng.random(n) < np.where(g == 2, p_holder, p_other))
        return pl.select(pl.when(pl.lit(pl.Series(rng.random(n) < 0.05))).then(None).otherwise(v)).to_series()

    r["led_standard"] = rng.random(n) < np.select([g == 2, g == 1], [0.06, 0.02], 0.005)
    cert = r["cert_year"]
    issue_day = rng.integers(0, 61, n)  # certificates are issued in November–December
    df = pl.DataFrame(
        {
            "credit_code": r["codes"],
            "name": _names(r, rng),
            "reg_year": r["reg_year"], "reg_doy": r["reg_doy"],
            "region": pl.Series(r["town_names"])[r["town"]],
            "industry_code": pl.Series([c[0] for c in INDUSTRIES])[r["cls"]],
            "tech_field": pl.Series(list(TECH_FIELDS))[field],
            "has_field": has_field | r["has_cert"],
            "cert_year": cert, "issue_day": issue_day,
            "kexiao_registered_year": np.where(kx_year > 0, kx_year, -1),
            "rd_institution_level": level,
            "national_award_5y": flag(0.01, 0.0005),
            "led_standard_5y": pl.Series(r["led_standard"]),
            "abnormal_listed": flag(0.003, 0.025),
            "serious_incident_1y": flag(0.002, 0.006),
            "restricted_industry": flag(0.0, 0.006),
        }
    )  # fmt: skip
    issued = pl.date(pl.col("cert_year"), 11, 1) + pl.duration(days=pl.col("issue_day"))
    return df.select(
        "credit_code",
        "name",
        (pl.date(pl.col("reg_year"), 1, 1) + pl.duration(days=pl.col("reg_doy"))).alias("registered_on"),
        "region",
        "industry_code",
        pl.when("has_field").then("tech_field").alias("tech_field"),
        pl.when(pl.col("cert_year") > 0)
        .then(pl.date(pl.col("cert_year") + 3, issued.dt.month(), issued.dt.day()) - pl.duration(days=1))
        .alias("hightech_cert_until"),
        pl.when(pl.col("kexiao_registered_year") > 0)
        .then("kexiao_registered_year")
        .alias("kexiao_registered_year"),
        *[c.name for c in REGISTRY_COLUMNS[8:]],
    ).cast({c.name: c.dtype for c in REGISTRY_COLUMNS})


def synthesize(
    count: int, years: range | list[int], seed: int, towns: pl.DataFrame, dirty: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(registry, facts) for ``count`` enterprises over ``years``; the same seed gives the same data.

    With ``dirty=True`` both frames are text (every column Utf8, as read from a department's file)
    with a few percent of the errors real files have (see :mod:`kechuang.engine.synth_dirty`).
    """
    years = sorted(int(y) for y in years)
    if count <= 0 or not years:
        raise ValueError("count must be positive and years not empty")
    rng = np.random.default_rng(seed)
    last = years[-1]
    r = _registry(count, last, rng, towns)
    # all 91…: 高企 and 科小 must be enterprises (企业), not 个体工商户 (92) or 合作社 (93)
    r["codes"] = credit_code.generate_array(
        count, rng, DONGGUAN_REGION_CODES, new_style=r["reg_year"] >= 2016, category_p=(1.0, 0.0, 0.0)
    )
    registry = _registry_frame(r, last, rng)
    facts = _facts(r, years, rng)
    if dirty:
        from kechuang.engine.synth_dirty import make_dirty

        return make_dirty(registry, facts, seed=seed)
    return registry, facts


def city_estimates(registry: pl.DataFrame, facts: pl.DataFrame, year: int | None = None) -> dict[str, float]:
    """Counts in the sample for ``year`` (default: the last) and the same scaled to Dongguan."""
    year = year or int(facts["year"].max())
    n = registry.height
    cert = registry.select(
        "credit_code",
        (pl.col("hightech_cert_until") >= dt.date(year, 12, 31)).fill_null(False).alias("valid"),
        pl.col("industry_code").str.slice(0, 1).is_in(["B", "C", "D"]).fill_null(False).alias("industrial"),
        (pl.col("kexiao_registered_year") == year).fill_null(False).alias("kexiao"),
    )
    mbr = facts.filter(pl.col("year") == year).select("credit_code", "main_business_revenue")
    t = cert.join(mbr, on="credit_code", how="left").with_columns(
        (pl.col("industrial") & (pl.col("main_business_revenue") >= ABOVE_SCALE_THRESHOLD))
        .fill_null(False)
        .alias("gs")
    )
    sample = t.select(
        pl.col("valid").sum().alias("gaoqi"),
        (pl.col("valid") & pl.col("gs")).sum().alias("guishang_gaoqi"),
        pl.col("gs").sum().alias("guishang_industrial"),
        pl.col("kexiao").sum().alias("kexiao"),
    ).row(0, named=True)
    f = scale_factor(n)
    out: dict[str, float] = {"year": year, "enterprises": n, "fact_rows": facts.height, "scale_factor": f}
    for k, v in sample.items():
        out[k] = int(v)
        out[f"{k}_city"] = v * f
    return out


def write_population(registry: pl.DataFrame, facts: pl.DataFrame, out_dir: str | Path) -> list[Path]:
    """Write registry.csv, facts.csv (UTF-8, English headers) and their Parquet copies."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in (("registry", registry), ("facts", facts)):
        df.write_csv(out / f"{name}.csv")
        df.write_parquet(out / f"{name}.parquet")
        paths += [out / f"{name}.csv", out / f"{name}.parquet"]
    return paths
