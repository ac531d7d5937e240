"""Demo data of 创新载体与人才: Dongguan's incubators of each type and level with incubated enterprises
from the synthetic registry, annual reports and three years of operating evaluations, three new R&D
institutions with 「一院一策」 targets, an instrument catalogue with bookings and vouchers, and talent
applications in each route. Names of real carriers carry 「演示」: every figure is synthetic.
Idempotent: a second run writes nothing."""

from __future__ import annotations

import datetime as dt

import numpy as np

from kechuang.accounts.services import DemoAccount

PASSWORD = "kechuang-demo-2026"
CITY = "441900"

# (org code, carrier code, name, kind, level, class, region, specialisation, area)
INCUBATORS = (
    (
        "car_ssh_cy",
        "FH001",
        "松山湖国际创新创业社区（演示）",
        "incubator",
        "国家级",
        "comprehensive",
        "441900401",
        "",
        52000,
    ),
    (
        "car_hg",
        "FH002",
        "华工东莞科技企业孵化器（演示）",
        "incubator",
        "标准级",
        "specialised",
        "441900401",
        "智能制造",
        38000,
    ),
    (
        "car_cd",
        "FH003",
        "成电孵化器（演示）",
        "incubator",
        "省级",
        "specialised",
        "441900401",
        "电子信息",
        21000,
    ),
    ("car_gd", "FH004", "光大We谷（演示）", "incubator", "国家级", "comprehensive", "441900116", "", 45000),
    (
        "car_zk",
        "FH005",
        "中科·创新广场孵化器（演示）",
        "incubator",
        "国家级",
        "comprehensive",
        "441900119",
        "",
        30000,
    ),
    ("car_yy", "FH006", "燕园孵化器（演示）", "incubator", "市级", "comprehensive", "441900003", "", 12000),
    (
        "car_zy",
        "FH007",
        "滨海湾卓越孵化器（演示）",
        "incubator",
        "卓越级",
        "specialised",
        "441900404",
        "新材料",
        60000,
    ),
    (
        "car_ssh_cy",
        "ZC001",
        "松山湖众创空间（演示）",
        "maker_space",
        "国家级",
        "comprehensive",
        "441900401",
        "",
        3000,
    ),
    (
        "car_hm",
        "ZC002",
        "虎门青年众创空间（演示）",
        "maker_space",
        "市级",
        "comprehensive",
        "441900121",
        "",
        1200,
    ),
    (
        "car_ca",
        "ZC003",
        "长安智能硬件众创空间（演示）",
        "maker_space",
        "省级",
        "specialised",
        "441900119",
        "智能硬件",
        1800,
    ),
    (
        "car_ssh_js",
        "JS001",
        "松山湖科技企业加速器（演示）",
        "accelerator",
        "省级",
        "comprehensive",
        "441900401",
        "",
        80000,
    ),
    (
        "car_bhw",
        "JS002",
        "滨海湾新区加速器（演示）",
        "accelerator",
        "市级",
        "specialised",
        "441900404",
        "新能源",
        40000,
    ),
)
INSTITUTIONS = (
    ("car_jqr", "YJ001", "东莞松山湖国际机器人研究院（演示）", "co_built", "1", "441900401", "机器人"),
    ("car_hzgy", "YJ002", "广东华中科技大学工业技术研究院（演示）", "co_built", "1", "441900401", "智能制造"),
    ("car_clgy", "YJ003", "东莞材料基因高等理工研究院（演示）", "innovation", "2", "441900401", "新材料"),
)
PLATFORMS = (
    ("car_csns", "PT001", "中国散裂中子源（演示）", "441900113"),
    ("car_sslab", "PT002", "松山湖材料实验室（演示）", "441900401"),
    ("car_zj", "PT003", "东莞市质量监督检测中心（演示）", "441900003"),
)
# (owner, code, name, English name, category, facility, value 万元, fee 元/机时)
INSTRUMENTS = (
    (
        "PT001",
        "YQ001",
        "通用粉末衍射谱仪",
        "General-purpose powder diffractometer",
        "中子散射",
        True,
        12000,
        3000,
    ),
    (
        "PT001",
        "YQ002",
        "小角中子散射谱仪",
        "Small-angle neutron scattering instrument",
        "中子散射",
        True,
        9000,
        3000,
    ),
    ("PT001", "YQ003", "多功能反射谱仪", "Multi-purpose reflectometer", "中子散射", True, 8000, 2500),
    (
        "PT002",
        "YQ004",
        "球差校正透射电子显微镜",
        "Aberration-corrected transmission electron microscope",
        "电子显微",
        False,
        2200,
        1200,
    ),
    ("PT002", "YQ005", "X 射线光电子能谱仪", "X-ray photoelectron spectrometer", "表面分析", False, 650, 600),
    ("PT002", "YQ006", "分子束外延系统", "Molecular beam epitaxy system", "材料制备", False, 1800, 900),
    (
        "PT003",
        "YQ007",
        "电感耦合等离子体质谱仪",
        "Inductively coupled plasma mass spectrometer",
        "成分分析",
        False,
        280,
        500,
    ),
    (
        "PT003",
        "YQ008",
        "电磁兼容测试系统",
        "Electromagnetic compatibility test system",
        "检测",
        False,
        1500,
        800,
    ),
    ("PT003", "YQ009", "三坐标测量机", "Coordinate measuring machine", "计量", False, 120, 300),
    (
        "YJ001",
        "YQ010",
        "六轴工业机器人测试平台",
        "Six-axis industrial robot test platform",
        "机器人",
        False,
        90,
        200,
    ),
    ("YJ002", "YQ011", "激光加工中心", "Laser machining centre", "智能制造", False, 320, 400),
    (
        "YJ003",
        "YQ012",
        "高通量材料计算集群",
        "High-throughput materials computing cluster",
        "材料计算",
        False,
        860,
        150,
    ),
)
TARGETS = (  # (code, name, English name, unit, baseline 2022, target 2026, yearly step multiplier per institution)
    ("T1", "研发投入", "R&D spending", "万元", 3000, 6000),
    ("T2", "发明专利授权", "Invention patents granted", "件", 20, 60),
    ("T3", "孵化科技企业", "Technology enterprises incubated", "家", 10, 40),
    ("T4", "技术合同成交额", "Technology contract turnover", "万元", 2000, 8000),
)

DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("fhq", "松山湖国际创新创业社区 运营方", "carrier_operator", "car_ssh_cy"),
    DemoAccount("xyj", "松山湖国际机器人研究院 运营方", "carrier_operator", "car_jqr"),
    DemoAccount("yiqi", "松山湖材料实验室 仪器管理员", "carrier_operator", "car_sslab"),
    DemoAccount("rencai", "人才申报人 林博士", "individual", CITY),
    DemoAccount("rc_expert", "人才评价专家 周教授", "expert", CITY),
)


def _org(code: str, name: str, region: str):
    from kechuang.accounts.models import OrgKind, OrgUnit

    parent = OrgUnit.objects.filter(code=region).first() or OrgUnit.objects.filter(code=CITY).first()
    org, _ = OrgUnit.objects.get_or_create(
        code=code, defaults={"name": name, "kind": OrgKind.CARRIER, "region_code": region, "parent": parent}
    )
    return org


def _user(username: str, display: str, role: str, org_code: str):
    from kechuang.accounts.models import OrgUnit, User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username, display_name=display, role=role, org=OrgUnit.objects.get(code=org_code)
        )
        user.set_password(PASSWORD)
        user.save()
    return user


def load_demo(seed: int = 2026) -> list[str]:
    from django.db import transaction
    from django.db.models import Max

    from kechuang.carriers.models import Carrier
    from kechuang.enterprises.models import Enterprise, Fact

    if Carrier.objects.filter(code="FH001").exists():
        return ["创新载体：演示数据已存在，未改动"]
    if not Enterprise.objects.exists():
        return ["创新载体：企业库为空，跳过（先加载企业库演示数据）"]
    year = Fact.objects.aggregate(y=Max("year"))["y"] or 2025
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        lines = _incubators(rng, year)
        lines += _institutions(rng, year)
        lines += _instruments(rng, year)
        lines += _talent(rng)
    return lines


def _incubators(rng, year: int) -> list[str]:
    from kechuang.carriers import services
    from kechuang.carriers.models import Carrier, CarrierReport, IncubatedEnterprise
    from kechuang.enterprises.models import Enterprise

    enterprises = list(Enterprise.objects.order_by("id").values_list("pk", flat=True))
    cursor = 0
    weak = {"FH005"}  # 国家级, two 不合格 in a row: the consequence shows
    strong = {"FH004"}  # 国家级, 优秀 in the latest year: the 运营评价奖励 shows
    for org_code, code, name, kind, level, cls, region, spec, area in INCUBATORS:
        org = _org(org_code, name.replace("（演示）", "") + "运营公司（演示）", region)
        c = Carrier.objects.create(
            code=code,
            name=name,
            kind=kind,
            level=level,
            evaluation_class=cls,
            operator=org,
            region_code=region,
            specialisation=spec,
            area=area,
            recognised_year=int(rng.integers(2012, 2021)),
            note="演示数据",
        )
        n = {"maker_space": 25, "incubator": 55, "accelerator": 30}[kind] + int(rng.integers(-10, 15))
        if code in weak:
            n = 16
        if code in strong:
            n = 75
        mine = enterprises[cursor : cursor + n] if cursor + n <= len(enterprises) else enterprises[:n]
        cursor += n
        links = []
        for pk in mine:
            entered = int(rng.integers(year - 6, year + 1))
            graduated = (
                int(rng.integers(entered + 1, year + 2)) if rng.random() < 0.35 and entered < year else None
            )
            invested = bool(rng.random() < (0.05 if code in weak else 0.3 if code in strong else 0.15))
            links.append(
                IncubatedEnterprise(
                    carrier=c,
                    enterprise_id=pk,
                    entered_year=entered,
                    graduated_year=graduated if graduated and graduated <= year else None,
                    invested=invested,
                    # the 标准级 check counts the enterprises invested in the report year
                    invested_year=int(rng.integers(max(entered, year - 2), year + 1)) if invested else None,
                )
            )
        IncubatedEnterprise.objects.bulk_create(links)
        for y in (year - 2, year - 1, year):
            poor = code in weak and y >= year - 1
            best = code in strong and y == year
            total = float(round(rng.uniform(300, 3000), 1))
            staff = int(rng.integers(8, 40))
            CarrierReport.objects.create(
                carrier=c,
                year=y,
                occupancy_rate=float(
                    round(
                        rng.uniform(45, 60) if poor else rng.uniform(92, 98) if best else rng.uniform(70, 98),
                        1,
                    )
                ),
                staff=staff,
                service_staff=int(rng.integers(5, staff + 1)),
                mentors=int(
                    rng.integers(1, 3) if poor else rng.integers(12, 20) if best else rng.integers(5, 20)
                ),
                incubation_fund=float(round(rng.uniform(200, 3000), 0)),
                total_income=total,
                non_rent_income=float(
                    round(
                        total
                        * (
                            rng.uniform(0.05, 0.15)
                            if poor
                            else rng.uniform(0.55, 0.65)
                            if best
                            else rng.uniform(0.2, 0.6)
                        ),
                        1,
                    )
                ),
                industry_share=float(round(rng.uniform(80, 90) if best else rng.uniform(40, 90), 1)),
                new_national_title=bool(rng.random() < 0.1),
                listed_graduates=1 if best else int(rng.random() < 0.1),
            )
    for y in (year - 2, year - 1, year):
        services.run_evaluation("incubator_operation", str(y))
    return [
        f"创新载体：孵化载体 {len(INCUBATORS)} 个（众创空间、孵化器、加速器；市级至卓越级），{year - 2}–{year} 年运营评价"
    ]


def _institutions(rng, year: int) -> list[str]:
    from kechuang.carriers import services
    from kechuang.carriers.models import Carrier, CarrierReport, InstitutionTarget, TargetValue

    for i, (org_code, code, name, cls, tier, region, spec) in enumerate(INSTITUTIONS):
        org = _org(org_code, name, region)
        c = Carrier.objects.create(
            code=code,
            name=name,
            kind="institution",
            level="省级" if tier == "1" else "市级",
            operator=org,
            region_code=region,
            specialisation=spec,
            area=float(rng.integers(3000, 20000)),
            recognised_year=2018 + i,
            institution_class=cls,
            institution_tier=tier,
            evaluation_class="comprehensive",
            note="演示数据",
        )
        for y in (year - 2, year - 1, year):
            income = float(round(rng.uniform(3000, 12000), 0))
            operating = float(round(income * rng.uniform(0.5, 0.8), 0))
            staff = int(rng.integers(60, 300))
            CarrierReport.objects.create(
                carrier=c,
                year=y,
                instrument_value=float(round(rng.uniform(150, 5000), 0)),
                research_area=float(rng.integers(500, 8000)),
                resident_rd_staff=int(staff * rng.uniform(0.3, 0.7)),
                employees=staff,
                rd_spending=float(round(income * rng.uniform(0.15, 0.45), 0)),
                income=income,
                operating_income=operating,
                transfer_income=float(round(operating * rng.uniform(0.2, 0.6), 0)),
                patents=int(rng.integers(3, 40)),
                spinoffs=int(rng.integers(0, 25)),
            )
        pace = (1.15, 0.9, 0.55)[i]  # ahead, on track, behind
        for code_t, name_t, name_en, unit, base, target in TARGETS:
            t = InstitutionTarget.objects.create(
                carrier=c,
                code=code_t,
                name=name_t,
                name_en=name_en,
                unit=unit,
                baseline_year=year - 3,
                baseline_value=base,
                target_year=year + 1,
                target_value=target,
            )
            for k, y in enumerate((year - 2, year - 1, year), start=1):
                planned = base + (target - base) * k / 4
                TargetValue.objects.create(
                    target=t, year=y, value=round(base + (planned - base) * pace * rng.uniform(0.9, 1.1), 1)
                )
    services.run_evaluation("institution_dynamic", f"{year - 2}-{year}")
    return [
        f"创新载体：新型研发机构 {len(INSTITUTIONS)} 家，「一院一策」目标各 {len(TARGETS)} 项，{year - 2}-{year} 动态评估"
    ]


def _instruments(rng, year: int) -> list[str]:
    from kechuang.carriers import services
    from kechuang.carriers.models import Booking, Carrier, Instrument, Voucher, VoucherBudget
    from kechuang.enterprises.models import Enterprise

    for org_code, code, name, region in PLATFORMS:
        org = _org(org_code, name, region)
        Carrier.objects.create(
            code=code, name=name, kind="platform", operator=org, region_code=region, note="演示数据"
        )
    owners = {c.code: c for c in Carrier.objects.all()}
    instruments = []
    for owner, code, name, name_en, cat, facility, value, fee in INSTRUMENTS:
        instruments.append(
            Instrument.objects.create(
                code=code,
                name=name,
                name_en=name_en,
                owner=owners[owner],
                category=cat,
                is_facility=facility,
                value=value,
                location=owners[owner].name.replace("（演示）", ""),
                fee_per_hour=fee,
                rules="提前 3 个工作日预约；须经培训后上机（演示）",
                open_for_sharing=code != "YQ009",
            )
        )
    users = list(Enterprise.objects.order_by("id").values_list("pk", "name")[:120])
    budget, _ = VoucherBudget.objects.get_or_create(year=year, defaults={"amount": 300})
    used = 0.0
    bookings = []
    for inst in instruments:
        busy = rng.uniform(0.2, 1.6)
        for _ in range(int(rng.integers(25, 45))):  # 对外服务
            pk, name = users[int(rng.integers(0, len(users)))]
            day = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 360)))
            hours = float(round(rng.uniform(2, 16) * busy, 1)) or 1.0
            state = rng.choice(["done"] * 7 + ["approved", "requested", "rejected"])
            b = Booking(
                instrument=inst,
                applicant_name=name,
                enterprise_id=pk,
                external=True,
                year=year,
                date=day,
                hours_requested=hours,
                status=state,
            )
            if state == "done":
                b.hours_used = hours
                b.rating = int(rng.integers(3, 6))
                b.fee = round(hours * inst.fee_per_hour, 2)
            bookings.append(b)
        for _ in range(int(rng.integers(15, 30))):  # 自用
            day = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 360)))
            hours = float(round(rng.uniform(10, 60) * busy, 1)) or 1.0
            bookings.append(
                Booking(
                    instrument=inst,
                    applicant_name=inst.owner.name,
                    external=False,
                    year=year,
                    date=day,
                    hours_requested=hours,
                    hours_used=hours,
                    status="done",
                    fee=0,
                )
            )
    Booking.objects.bulk_create(bookings)
    vouchers = 0
    for b in Booking.objects.filter(status="done", external=True, fee__gt=0).order_by("pk")[:60]:
        amount = round(min(b.fee * 0.5 / 10000, 5.0), 2)
        if amount <= 0 or used + amount > budget.amount * 0.8:
            continue
        Voucher.objects.create(booking=b, year=year, amount=amount)
        used += amount
        vouchers += 1
    services.run_evaluation("instrument_sharing", str(year))
    return [
        f"创新载体：科研仪器设施 {len(instruments)} 台（套），预约 {len(bookings)} 条，创新券 {vouchers} 张（预算 {budget.amount:g} 万元）"
    ]


def _talent(rng) -> list[str]:
    from kechuang.carriers import services, talent_rules
    from kechuang.carriers.models import TalentApplication

    for acc in DEMO_ACCOUNTS:
        _user(acc.username, acc.display_name, acc.role, acc.org_code)
    from kechuang.accounts.models import OrgUnit, User

    applicant = User.objects.get(username="rencai")
    expert = User.objects.get(username="rc_expert")
    others = []
    for i, name in enumerate(("陈工程师", "黄研究员", "吴总监")):
        u = User.objects.filter(username=f"rencai_{i + 2}").first()
        if u is None:
            u = User(
                username=f"rencai_{i + 2}",
                display_name=name,
                role="individual",
                org=OrgUnit.objects.get(code=CITY),
            )
            u.set_unusable_password()
            u.save()
        others.append(u)
    second_expert = User.objects.filter(username="rc_expert_2").first()
    if second_expert is None:  # declares a conflict on one application (no login)
        second_expert = User(
            username="rc_expert_2",
            display_name="人才评价专家 郑研究员",
            role="expert",
            org=OrgUnit.objects.get(code=CITY),
        )
        second_expert.set_unusable_password()
        second_expert.save()
    jqr = OrgUnit.objects.get(code="car_jqr")
    sslab = OrgUnit.objects.get(code="car_sslab")
    rows = [
        (
            applicant,
            "林博士",
            "东莞松山湖国际机器人研究院",
            jqr,
            "441900401",
            "recognition",
            "C",
            "C01",
            "approve",
        ),
        (
            others[0],
            "陈工程师",
            "松山湖材料实验室",
            sslab,
            "441900401",
            "nomination",
            "C",
            "C02",
            "recommend",
        ),
        (
            others[1],
            "黄研究员",
            "东莞松山湖国际机器人研究院",
            jqr,
            "441900401",
            "expert",
            "B",
            "B02",
            "score",
        ),
        (
            others[2],
            "吴总监",
            "长安某智能硬件企业（演示）",
            None,
            "441900119",
            "nomination",
            "D",
            "D02",
            "submit",
        ),
        (applicant, "林博士", "东莞松山湖国际机器人研究院", jqr, "441900401", "expert", "B", "B02", "submit"),
    ]
    # the facts each applicant states (the people vocabulary), so the pages show the 认定 rules per
    # class and the 专家评定 template on them
    lin = dict(
        academician=False,
        top_international_award=False,
        national_award=0,
        programme_level=3,
        title_level=4,
        degree_level=4,
        age=41,
        years_in_dongguan=3,
        full_time_dongguan=True,
        annual_salary=80,
        projects_led=2,
        patents_as_inventor=12,
    )
    facts = [
        lin,
        dict(
            degree_level=3,
            title_level=3,
            age=35,
            years_in_dongguan=4,
            full_time_dongguan=True,
            key_employer=True,
            patents_as_inventor=6,
            annual_salary=35,
        ),
        dict(
            title_level=4,
            programme_level=2,
            projects_led=2,
            patents_as_inventor=8,
            years_in_dongguan=5,
            degree_level=4,
            age=48,
            full_time_dongguan=True,
            chief_scientist=True,
            annual_salary=60,
        ),
        dict(
            title_level=2,
            degree_level=2,
            age=44,
            years_in_dongguan=1.5,
            full_time_dongguan=True,
            annual_salary=55,
            key_employer=False,
        ),
        lin,
    ]
    for k, (user, name, employer, org, region, route, cls, crit, stage) in enumerate(rows):
        app = services.submit_application(
            user,
            f"DEMO-{k}",
            facts=facts[k],
            person_name=name,
            employer_name=employer,
            employer_org=org,
            region_code=region,
            route=route,
            claimed_class=cls,
            criterion=crit,
            evidence="演示：主要业绩与成果说明。",
        )
        if stage in ("recommend", "score", "approve"):
            services.recommend(app, "同意推荐（演示）")
        if stage in ("score",):
            services.declare(app, expert, False)  # 回避声明 before scoring
            services.add_score(app, expert, float(rng.integers(70, 95)))
            services.declare(app, second_expert, True, "近三年与申报人合作发表论文（演示）")
        if stage == "approve":
            services.decide(app, True, cls, "符合目录 C01（演示）")
    fraud = services.submit_application(
        others[2],
        "DEMO-3",
        person_name="吴总监",
        employer_name="长安某智能硬件企业（演示）",
        region_code="441900119",
        route="recognition",
        claimed_class="C",
        criterion="C01",
        evidence="演示",
    )
    services.revoke_for_fraud(fraud, "材料弄虚作假（演示）")
    # the 专家评定 template run once per submission year, as the bureau does from the decision page
    for year in TalentApplication.objects.filter(route="expert").dates("submitted_at", "year"):
        talent_rules.store_results(str(year.year))
    n = TalentApplication.objects.count()
    return [
        f"创新载体：人才分类评价申报 {n} 件（认定、专家评定、举荐自评；一件因弄虚作假撤销，五年内不得申报）"
    ]
