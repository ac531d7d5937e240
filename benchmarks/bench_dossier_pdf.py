"""The 安心屋 exemption dossier as PDF (kechuang.transfer.services.dossier_pdf, fpdf2 + the system CJK
font): how long one dossier takes, wall and CPU, and where the time goes.

    .venv/bin/python benchmarks/bench_dossier_pdf.py [--rounds 5]

No database: a dossier of the demo's shape (8 steps, an objection, a declaration) is built as blocks
and rendered ``--rounds`` times in one process; each render loads the font afresh (as a request does).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import django


def blocks():
    from kechuang.transfer.services.cases import Block

    steps = ["申请", "法律审查", "价值评估", "公示", "审批", "签约", "履约监督", "结案"]
    rows = [
        [
            s,
            "高校院所用户",
            "东莞理工学院 成果转化办 陈老师",
            "2025-03-03 10:00",
            "2025-03-03",
            "通过",
            "演示记录；材料：申请表",
        ]
        for s in steps
    ]
    return [
        Block("title", "科技成果转化尽职免责材料"),
        Block(
            "text",
            "事项：DGUT-2026-00286《基于区块链的供应链数据可信共享平台研发与产业化》许可给 东莞某精密制造有限公司",
        ),
        Block("heading", "缺失或超期的环节"),
        Block("bullet", "超期 1 天：公示（时限 2025-04-05）"),
        Block("heading", "办理环节"),
        Block(
            "table",
            headers=("环节", "责任角色", "办理人", "办理时间", "时限", "结论", "意见与材料"),
            rows=rows,
        ),
        Block("heading", "公示与异议"),
        Block(
            "bullet", "2025-04-01 校内教师甲：对定价依据有疑问 —— 答复（2025-04-04）：已补充评估报告并公开"
        ),
        Block("text", "以上内容由平台根据办理记录与审计日志自动生成，办理记录不可修改。"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    django.setup()
    t0 = time.perf_counter()
    import fpdf  # noqa: F401

    from kechuang.transfer.services import dossier_pdf

    print(f"import fpdf2: {time.perf_counter() - t0:.2f} s wall")
    if not dossier_pdf.available():
        sys.exit("no CJK font: nothing to measure")
    print(f"font: {dossier_pdf.cjk_font()} ({os.path.getsize(dossier_pdf.cjk_font()) / 1e6:.1f} MB)")
    b = blocks()
    walls, cpus, size = [], [], 0
    for _ in range(args.rounds):
        w, c = time.perf_counter(), time.process_time()
        size = len(dossier_pdf.render(b))
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    walls.sort(), cpus.sort()
    print(
        f"render ×{args.rounds}: wall min {walls[0]:.2f} s, median {walls[len(walls) // 2]:.2f} s, max {walls[-1]:.2f} s"
    )
    print(f"render CPU: min {cpus[0]:.2f} s, median {cpus[len(cpus) // 2]:.2f} s; PDF {size / 1024:.0f} KB")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
