"""Forms of the data-entry pages: one value, one file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.plans.entry.services import Writable
from kechuang.web import names

# The Chinese column names the import reports → the form field they belong to.
COLUMN_FIELDS = {
    "指标": "indicator",
    "地区": "region",
    "年份": "year",
    "数值": "value",
    "来源": "source",
    "备注": "note",
}


class ObservationForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"))
    region = forms.ChoiceField(label=_("地区"))
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    value = forms.FloatField(label=_("数值"))
    source = forms.CharField(label=_("来源"), max_length=500)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)
    # The pk of the value a correction replaces, once the user has seen it (nothing is overwritten unseen).
    replaces = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, writable: Writable, **kwargs):
        super().__init__(*args, **kwargs)
        self.writable = writable
        self.fields["indicator"].choices = [
            (
                i.code,
                _("{name}（{unit}）").format(name=names.localized(i), unit=names.unit(i.unit, i.unit_en)),
            )
            for i in writable.indicators
        ]
        self.fields["region"].choices = writable.regions
        self.fields["source"].widget.attrs["placeholder"] = _("如：东莞统计年鉴2025、市统计局快报")
        self.fields["value"].widget.attrs["step"] = "any"
        self.fields["source"].widget.attrs["size"] = 60
        self.fields["note"].widget.attrs["size"] = 60
        self.fields["year"].error_messages.update(
            {"min_value": _("年份须在 2000–2100 之间"), "max_value": _("年份须在 2000–2100 之间")}
        )
        self.fields["value"].error_messages["invalid"] = _("请输入数字（按指标单位，不带单位和百分号）")
        self.fields["source"].error_messages["required"] = _("请填写数据来源")

    def clean(self):
        data = super().clean()
        ind, region = data.get("indicator"), data.get("region")
        if ind and region and not self.writable.allows(ind, region):
            raise forms.ValidationError(_("您无权填报该指标在该地区的数据"))
        return data

    def indicator_obj(self):
        code = self.cleaned_data["indicator"]
        return next(i for i in self.writable.indicators if i.code == code)

    def add_row_errors(self, errors) -> None:
        """Attach the import's row errors (RowError) to the fields they name."""
        for err in errors:
            field = COLUMN_FIELDS.get(err.column)
            self.add_error(field if field in self.fields else None, err.message)


class UploadForm(forms.Form):
    # An empty file is accepted here so that the reader says, as for every upload, that it holds no data.
    file = forms.FileField(label=_("数据文件（CSV 或 Excel .xlsx）"), allow_empty_file=True)
