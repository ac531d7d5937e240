"""The Excel template for observations: the columns the import reads, drop-downs, an instructions sheet.

Built with XlsxWriter from what the user may write (plans.entry.services.writable), so a department reporter's
template offers only its own indicators and a town officer's only its own town.
"""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter

from kechuang.engine.observation_import import COLUMNS
from kechuang.engine.years import YEAR_MAX, YEAR_MIN
from kechuang.web.xlsx import Cells

HEADERS = [COLUMNS[c] for c in ("indicator", "region", "year", "value", "source", "note")]
DATA_SHEET = "填报"
LIST_SHEET = "选项"
HELP_SHEET = "说明"
MAX_ROWS = 2000  # rows 2..MAX_ROWS+1 carry the validations


def _list_range(column: str, count: int) -> str:
    return f"='{LIST_SHEET}'!${column}$2:${column}${count + 1}"


def build_template(plan, indicators, regions, department_names: dict[str, str] | None = None) -> bytes:
    """indicators: Indicator rows the user may write; regions: (code, name) pairs. Returns .xlsx bytes."""
    department_names = department_names or {}
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    cells = Cells(wb)  # names and codes as text, never formulas
    wb.set_properties(
        {"title": f"{plan.name} 指标数据填报模板", "author": "kechuang", "comments": "科创平台生成"}
    )
    head = wb.add_format({"bold": True, "bg_color": "#F0F3F6", "border": 1, "align": "center"})
    bold = wb.add_format({"bold": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    text = wb.add_format({"num_format": "@"})

    data = wb.add_worksheet(DATA_SHEET)
    helpsheet = wb.add_worksheet(HELP_SHEET)
    lists = wb.add_worksheet(LIST_SHEET)

    # ---- the sheet the import reads: first sheet, header in row 1
    for col, header in enumerate(HEADERS):
        data.write(0, col, header, head)
    data.set_column(0, 0, 34)
    data.set_column(1, 1, 22)
    data.set_column(2, 2, 10)
    data.set_column(3, 3, 14)
    data.set_column(4, 4, 36, text)
    data.set_column(5, 5, 30, text)
    data.freeze_panes(1, 0)
    last = MAX_ROWS
    names = [i.name for i in indicators]
    region_labels = [name for _, name in regions]
    data.data_validation(
        1,
        0,
        last,
        0,
        {
            "validate": "list",
            "source": _list_range("A", max(len(names), 1)),
            "input_title": "指标",
            "input_message": "从下拉列表选择您有权填报的指标",
            "error_title": "指标无效",
            "error_message": "请从下拉列表选择指标（仅列出您有权填报的指标）",
        },
    )
    data.data_validation(
        1,
        1,
        last,
        1,
        {
            "validate": "list",
            "source": _list_range("B", max(len(region_labels), 1)),
            "input_title": "地区",
            "input_message": "从下拉列表选择地区（东莞市或镇街、园区）",
            "error_title": "地区无效",
            "error_message": "请从下拉列表选择地区",
        },
    )
    data.data_validation(
        1,
        2,
        last,
        2,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": YEAR_MIN,
            "maximum": YEAR_MAX,
            "input_title": "年份",
            "input_message": f"四位整数年份（{YEAR_MIN}–{YEAR_MAX}）",
            "error_title": "年份无效",
            "error_message": f"年份须为 {YEAR_MIN}–{YEAR_MAX} 之间的整数",
        },
    )
    data.data_validation(
        1,
        3,
        last,
        3,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": -1e15,
            "maximum": 1e15,
            "input_title": "数值",
            "input_message": "按指标自身单位填写数字（如 4.01 表示 4.01%），不要填写单位或百分号",
            "error_title": "数值无效",
            "error_message": "数值须为数字（按指标单位，不带单位和百分号）",
        },
    )
    data.data_validation(
        1,
        4,
        last,
        4,
        {
            "validate": "length",
            "criteria": "between",
            "minimum": 1,
            "maximum": 500,
            "ignore_blank": True,
            "input_title": "来源",
            "input_message": "数据来源（必填），如：东莞统计年鉴2025、市统计局快报",
        },
    )

    # ---- the lists behind the drop-downs
    lists.write(0, 0, "指标", bold)
    lists.write(0, 1, "地区", bold)
    for row, name in enumerate(names, start=1):
        cells.write_text(lists, row, 0, name)
    for row, name in enumerate(region_labels, start=1):
        cells.write_text(lists, row, 1, name)
    lists.set_column(0, 1, 36)
    lists.hide()

    # ---- instructions
    helpsheet.set_column(0, 0, 34)
    helpsheet.set_column(1, 1, 34)
    helpsheet.set_column(2, 5, 14)
    cells.write_text(helpsheet, 0, 0, f"{plan.name} · 指标数据填报说明", {"bold": True, "font_size": 14})
    notes = [
        f"1. 在「{DATA_SHEET}」工作表逐行填写：指标、地区、年份、数值、来源（必填）、备注（可选）。第一行表头不要修改。",
        "2. 指标和地区请从下拉列表选择；列表只包含您有权填报的指标和地区。",
        f"3. 年份为 {YEAR_MIN}–{YEAR_MAX} 之间的整数；数值按下表所列单位填写（如 4.01 表示 4.01%），不要填写单位或百分号。",
        "4. 同一指标、地区、年份只能出现一行；计数类指标（家、件、人年等）不能为负数。",
        "5. 上传为「全部或全不」：只要有一行有误，整个文件都不导入，并列出每一个错误行；改正后重新上传即可。",
        "6. 已有数值的修正会保存为新的修订版次，原值保留可查；数值和来源都未变的行不会重复写入。",
        f"模板生成日期：{date.today():%Y-%m-%d}",
    ]
    for row, note in enumerate(notes, start=2):
        helpsheet.merge_range(row, 0, row, 5, note, wrap)
        helpsheet.set_row(row, 32)
    table_row = len(notes) + 3
    for col, header in enumerate(["指标", "代码", "单位", "2030年目标", "填报部门", "属性"]):
        helpsheet.write(table_row, col, header, head)
    for row, ind in enumerate(indicators, start=table_row + 1):
        cells.write_text(helpsheet, row, 0, ind.name)
        cells.write_text(helpsheet, row, 1, ind.code)
        cells.write_text(helpsheet, row, 2, ind.unit)
        cells.write_text(helpsheet, row, 3, ind.target_text or str(ind.target_value))
        cells.write_text(helpsheet, row, 4, department_names.get(ind.owner_department, ind.owner_department))
        cells.write_text(helpsheet, row, 5, ind.nature)
    region_row = table_row + len(indicators) + 3
    helpsheet.write(region_row, 0, "可填报地区", bold)
    helpsheet.write(region_row, 1, "区划代码", bold)
    for row, (code, name) in enumerate(regions, start=region_row + 1):
        cells.write_text(helpsheet, row, 0, name)
        cells.write_text(helpsheet, row, 1, code)

    data.activate()
    wb.close()
    return buf.getvalue()
