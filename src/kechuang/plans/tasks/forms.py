"""Forms of the task pages: the board's filters and a progress report."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.plans.tasks.services import EVIDENCE_SUFFIXES
from kechuang.web.names import localized


class BoardFilter(forms.Form):
    chapter = forms.TypedChoiceField(label=_("章"), required=False, coerce=int, empty_value=None)
    department = forms.ChoiceField(label=_("部门"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    # the as-of year (or a date) is read by the view (plans.asof.for_tasks), like the overview's

    def __init__(self, *args, chapters: dict[int, str], departments, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["chapter"].choices = everything + [(str(k), v) for k, v in sorted(chapters.items())]
        self.fields["department"].choices = everything + list(departments)
        self.fields["status"].choices = everything + list(statuses)


class TaskReportForm(forms.Form):
    department = forms.ChoiceField(label=_("填报部门"))
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    milestones = forms.TypedMultipleChoiceField(
        label=_("本次完成的节点"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    evidence = forms.FileField(label=_("佐证材料（可选）"), required=False)

    def __init__(self, *args, departments, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = departments
        if len(departments) == 1:
            self.fields["department"].initial = departments[0][0]
        self.fields["milestones"].choices = [
            (m.seq, _("{title}（{due}）").format(title=localized(m, "title"), due=f"{m.due:%Y-%m-%d}"))
            for m in milestones
            if not m.done
        ]
        self.fields["percent"].error_messages.update(
            {
                "min_value": _("进度须在 0–100 之间"),
                "max_value": _("进度须在 0–100 之间"),
                "invalid": _("进度须为 0–100 的整数"),
                "required": _("请填写完成进度"),
            }
        )
        self.fields["text"].error_messages["required"] = _("请填写进展情况")
        self.fields["evidence"].widget.attrs["accept"] = ",".join(EVIDENCE_SUFFIXES)

    def clean_evidence(self):
        f = self.cleaned_data.get("evidence")
        if f and Path(f.name).suffix.lower() not in EVIDENCE_SUFFIXES:
            raise forms.ValidationError(
                _("不支持的文件类型：请上传 PDF、OFD、Word、WPS、Excel、PPT、图片、ZIP 或文本文件")
            )
        return f
