"""科技安全监测预警 as plan monitoring does it: the levels at the thresholds with their reason, each
indicator's page (history chart, light, reason, source and period of each reading), and the
departments' Excel upload of readings (all or nothing, never overwriting a reading)."""

from __future__ import annotations

import json

import pytest

from kechuang.projects import security
from kechuang.projects.models import SecurityIndicator, SecurityReading
from kechuang.web.generic import write_xlsx

pytestmark = pytest.mark.django_db


def test_levels_at_the_thresholds_and_the_reason_in_one_sentence():
    assert security.level_reason(36.5, 30, 50, True, "%") == "36.5% ≥ 黄色阈值 30%，< 红色阈值 50%"
    assert security.level_reason(30, 30, 50, True, "%") == "30% ≥ 黄色阈值 30%，< 红色阈值 50%"
    assert security.level_reason(50, 30, 50, True, "%") == "50% ≥ 红色阈值 50%"
    assert security.level_reason(29.99, 30, 50, True, "%") == "29.99% < 黄色阈值 30%"
    # lower is worse: at or below the threshold warns
    assert security.level_reason(40, 40, 25, False, "%") == "40% ≤ 黄色阈值 40%，> 红色阈值 25%"
    assert security.level_reason(2, 1, 3, True, "项") == "2 项 ≥ 黄色阈值 1 项，< 红色阈值 3 项"
    assert security.level_reason(None, 1, 3, True) == ""


def _supplier():
    ind = SecurityIndicator.objects.create(
        code="single_supplier", name="单一境外供应商依赖", name_en="Single foreign supplier", unit="%",
        yellow=30, red=50, department="工信局", sample=True, source="示例阈值",
    )  # fmt: skip
    for period, value, source in (("2024", 28.0, "工信局填报"), ("2025", 36.5, "工信局 2025 年调查"),
                                  ("2026Q1", 50.0, "工信局填报")):  # fmt: skip
        SecurityReading.objects.create(indicator=ind, period=period, value=value, source=source)
    return ind


def test_the_indicator_page_shows_the_history_the_light_and_its_reason(world, client_for):
    _supplier()
    response = client_for("bureau").get("/projects/security/single_supplier/")
    assert response.status_code == 200
    body = response.content.decode()
    # the latest reading (2026Q1, 50 %) is red with the sentence that says why
    latest = body.split('data-testid="latest"')[1].split("</p>")[0]
    assert 'class="badge red"' in latest and "50% ≥ 红色阈值 50%" in latest and "2026Q1" in latest
    readings = body.split('data-testid="readings"')[1].split("</table>")[0]
    assert readings.index("2026Q1") < readings.index("2025") < readings.index("2024")
    assert "工信局 2025 年调查" in readings and "36.5% ≥ 黄色阈值 30%，&lt; 红色阈值 50%" in readings
    assert 'data-level="yellow"' in readings and 'data-level="green"' in readings
    chart = json.loads(body.split('id="security-chart" type="application/json">')[1].split("</script>")[0])
    assert chart["xAxis"]["data"] == ["2024", "2025", "2026Q1"]
    assert [p["value"] for p in chart["series"][0]["data"]] == [28.0, 36.5, 50.0]
    assert [m["yAxis"] for m in chart["series"][0]["markLine"]["data"]] == [30.0, 50.0]
    assert "示例" in body.split('data-testid="threshold-source"')[1].split("</dd>")[0]
    # the board links to it and shows the same light
    board = client_for("bureau").get("/projects/security/").content.decode()
    assert 'href="/projects/security/single_supplier/"' in board and 'class="badge red"' in board
    assert client_for("enterprise").get("/projects/security/single_supplier/").status_code == 403
    assert client_for("bureau").get("/projects/security/nothing/").status_code == 404


def test_the_indicator_page_in_english(world, client_for):
    _supplier()
    body = client_for("bureau").get("/projects/security/single_supplier/", HTTP_ACCEPT_LANGUAGE="en").content
    text = body.decode()
    assert "Single foreign supplier" in text and "50% ≥ red threshold 50%" in text


def _sheet(tmp_path, rows, name="readings.xlsx"):
    path = tmp_path / name
    path.write_bytes(write_xlsx("监测值", ["指标代码", "期间", "数值", "来源"], rows))
    return path


def _upload(client, path):
    with path.open("rb") as fh:
        return client.post("/projects/security/readings/upload/", {"file": fh})


def test_a_department_uploads_readings_all_or_nothing(world, client_for, tmp_path):
    ind = _supplier()
    SecurityIndicator.objects.create(
        code="ethics_missing", name="未取得伦理批准", yellow=1, red=3, computed=True
    )
    reporter = client_for("reporter")
    template = reporter.get("/projects/security/readings/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")

    bad = _sheet(tmp_path, [("single_supplier", "2027", "41", ""), ("nothing", "2027", "1", ""),
                            ("single_supplier", "2025", "40", ""), ("single_supplier", "27", "1", ""),
                            ("ethics_missing", "2027", "2", ""), ("single_supplier", "2028", "很多", "")])  # fmt: skip
    body = _upload(reporter, bad).content.decode()
    assert "发现 5 处错误" in body and "整批未导入" in body
    assert "第 3 行「指标代码」：没有这个指标" in body
    assert "第 4 行「期间」：该指标本期已有数值 36.5，未覆盖" in body
    assert "第 5 行「期间」：应为年度如 2026，或季度如 2026Q3" in body
    assert "第 6 行「指标代码」：该指标由平台数据计算，无需填报" in body
    assert "第 7 行「数值」：应为数字" in body
    assert 'data-testid="upload-confirm"' not in body
    assert SecurityReading.objects.count() == 3  # nothing written

    good = _sheet(tmp_path, [("single_supplier", "2026Q2", "42.5", "工信局二季度调查"),
                             ("single_supplier", "2026Q3", "45", "")], "good.xlsx")  # fmt: skip
    preview = _upload(reporter, good).content.decode()
    assert "检查通过：2 条监测值" in preview and SecurityReading.objects.count() == 3
    token = preview.split('name="token" value="')[1].split('"')[0]
    done = reporter.post("/projects/security/readings/upload/", {"token": token, "action": "import"})
    assert done.status_code == 302
    written = {r.period: (r.value, r.source) for r in ind.readings.all()}
    assert written["2026Q2"] == (42.5, "工信局二季度调查")
    assert written["2026Q3"][0] == 45 and written["2026Q3"][1].endswith("填报")  # the department's name
    # the same file again: both periods now have a reading, neither is overwritten
    again = _upload(reporter, good).content.decode()
    assert "第 2 行「期间」：该指标本期已有数值 42.5，未覆盖" in again
    assert ind.readings.count() == 5
    assert client_for("enterprise").get("/projects/security/readings/upload/").status_code == 403
    assert client_for("leader").get("/projects/security/readings/upload/").status_code == 403


def test_the_api_gives_each_indicators_reason_and_sample_flag_as_the_board(world, client_for):
    _supplier()
    SecurityIndicator.objects.create(
        code="talent_loss", name="人才流失", unit="%", yellow=5, red=10, department="人社局"
    )  # no reading, firm thresholds
    rows = {r["code"]: r for r in client_for("bureau").get("/api/projects/security").json()}
    supplier, loss = rows["single_supplier"], rows["talent_loss"]
    assert (supplier["level"], supplier["reason"], supplier["sample"]) == ("red", "50% ≥ 红色阈值 50%", True)
    assert (loss["value"], loss["reason"], loss["sample"]) == (None, "", False)
    board = client_for("bureau").get("/projects/security/").content.decode()
    assert supplier["reason"] in board  # the board's own sentence


def test_the_shipped_indicators_read_in_english_on_the_english_pages(world, client_for):
    """The file's note_en, source_en and department_en are loaded and shown on the English board and
    indicator page; the Chinese pages show the Chinese texts as before."""
    security.load(security.read_file())
    ind = SecurityIndicator.objects.get(code="single_supplier")
    assert ind.department_en == "Bureau of Industry and Information Technology"
    assert ind.source_en.startswith("Sample thresholds") and ind.note_en.startswith(
        "Share of key enterprises"
    )
    english = client_for("bureau").get("/projects/security/single_supplier/", HTTP_ACCEPT_LANGUAGE="en")
    text = english.content.decode()
    assert "Share of key enterprises with at least one core component" in text
    assert "pending review by the city" in text.split('data-testid="threshold-source"')[1].split("</dd>")[0]
    assert "Bureau of Industry and Information Technology" in text and "工信局" not in text
    board = client_for("bureau").get("/projects/security/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = board.split('data-code="rd_talent_outflow"')[1].split("</tr>")[0]
    assert "Human Resources and Social Security Bureau" in row and "人社局" not in row
    chinese = client_for("bureau").get("/projects/security/single_supplier/").content.decode()
    assert "重点企业中，至少一种核心零部件仅有一家境外供应商" in chinese and "工信局" in chinese


def test_a_computed_indicator_with_a_department_in_english_is_refused():
    text = security.DEFAULT_PATH.read_text(encoding="utf-8").replace(
        "    computed: true\n", "    computed: true\n    department_en: Statistics Bureau\n", 1
    )
    with pytest.raises(security.SecurityFileError) as refused:
        security.check_text(text, "x.yaml")
    assert "指标「ethics_missing」 department_en（填报部门英文）：平台计算的指标不填填报部门" in str(
        refused.value
    )


def test_a_readings_source_is_shown_as_written_and_the_form_names_indicators_in_english(world, client_for):
    """A reading's source is what the department wrote (kept as written, translate="no"); the form's
    indicator choices follow the interface's language."""
    security.load(security.read_file())
    ind = SecurityIndicator.objects.get(code="single_supplier")
    SecurityReading.objects.create(indicator=ind, period="2025", value=36.5, source="工信局填报")
    english = client_for("bureau").get("/projects/security/single_supplier/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<span translate="no">工信局填报</span>' in english.content.decode()
    board = client_for("bureau").get("/projects/security/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = board.split('data-testid="reading-form"')[1].split("</form>")[0]
    assert "Key enterprises depending on a single foreign supplier" in form and ind.name not in form
    chinese = client_for("bureau").get("/projects/security/").content.decode()
    assert ind.name in chinese.split('data-testid="reading-form"')[1].split("</form>")[0]
