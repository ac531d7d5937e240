"""统一社会信用代码 (GB 32100-2015): the check character, the reasons, vectorised checks, generation."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.engine import credit_code as cc

# shared/rules/credit-code.md, section 6
VALID = [
    "91440300192317458F",  # 比亚迪
    "91440300100012316L",  # 中国平安
    "91440300192181490G",  # 万科
    "91100000100003962T",
    "91310110666007217T",  # hutool unit test
]
CHECK_FAILS = {"91100000100003962A": "T", "91110108MA01712M9L": "7"}
ORG_WARNING = "91310000631295002H"  # passes the 18th character, fails GB 11714 (expects 1)


@pytest.mark.parametrize("code", VALID)
def test_the_documents_valid_codes_are_accepted(code):
    assert cc.is_valid(code)
    assert cc.invalid_reason(code) is None
    assert cc.check_char(code[:17]) == code[17]
    assert cc.is_valid(code, check_org=True)


@pytest.mark.parametrize(("code", "expected"), CHECK_FAILS.items())
def test_the_documents_bad_codes_are_rejected_naming_the_right_check_character(code, expected):
    assert not cc.is_valid(code)
    assert cc.invalid_reason(code) == f"校验码错误，应为{expected}"
    assert cc.check_char(code[:17]) == expected


def test_the_embedded_organisation_code_check_is_only_an_option_and_a_warning():
    assert cc.is_valid(ORG_WARNING)  # default: the weaker GB 11714 check is off
    assert not cc.is_valid(ORG_WARNING, check_org=True)
    assert cc.org_code_warning(ORG_WARNING) == "内含组织机构代码校验位错误，应为1"
    assert cc.org_code_warning(VALID[0]) is None
    assert cc.org_check_char("19231745") == "8"  # 比亚迪's 组织机构代码 19231745-8


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "为空"),
        (None, "为空"),
        ("9144030019231745", "长度不是18位"),
        ("91440300192317458FF", "长度不是18位"),
        ("91440300I92317458F", "含非法字符"),  # I, O, S, V, Z are not used
        ("91440300O92317458F", "含非法字符"),
        ("91440300192317458f", "含非法字符"),  # lower case: the import folds case before checking
        ("9144030019231745８F", "含非法字符"),  # full-width digit: the import folds it
    ],
)
def test_malformed_codes_say_why(code, reason):
    assert cc.invalid_reason(code) == reason
    assert not cc.is_valid(code)


def test_check_char_refuses_anything_but_seventeen_legal_characters():
    with pytest.raises(ValueError):
        cc.check_char("9144030019231745")
    with pytest.raises(ValueError):
        cc.check_char("9144030019231745O")


def test_the_vectorised_checks_agree_with_the_scalar_ones():
    rng = np.random.default_rng(5)
    codes = [*VALID, *CHECK_FAILS, ORG_WARNING, "", None, "abc", "91440300I92317458F"]
    codes += cc.generate(50, rng, ["441900"])
    codes += [
        c[:17] + cc.CHARSET[(cc.CHARSET.index(c[17]) + 1) % 31] for c in cc.generate(50, rng, ["441900"])
    ]
    s = pl.Series("credit_code", codes)
    for check_org in (False, True):
        expected = [cc.invalid_reason(c, check_org=check_org) for c in codes]
        assert cc.reasons(s, check_org=check_org).to_list() == expected
        frame = pl.DataFrame({"c": s}).select(cc.reason_expr("c", check_org=check_org)).to_series()
        assert frame.to_list() == expected
        assert cc.validate(s, check_org=check_org).to_list() == [r is None for r in expected]
        assert pl.DataFrame({"c": s}).select(
            cc.valid_expr("c", check_org=check_org)
        ).to_series().to_list() == [r is None for r in expected]


def test_generated_codes_are_distinct_valid_dongguan_enterprise_codes():
    codes = cc.generate(20_000, np.random.default_rng(1), ["441900"])
    assert len(set(codes)) == 20_000
    assert all(c[0] == "9" and c[1] in "123" and c[2:8] == "441900" for c in codes)
    assert cc.validate(pl.Series(codes), check_org=True).all()
    assert sum(c[1] == "1" for c in codes) > 0.9 * len(codes)  # mostly 企业
    assert any(c[8:10] == "MA" for c in codes) and any(c[8:16].isdigit() for c in codes)


def test_generation_is_deterministic_and_honours_regions_and_exclusions():
    a = cc.generate(100, np.random.default_rng(9), ["441900", "441901"])
    assert a == cc.generate(100, np.random.default_rng(9), ["441900", "441901"])
    assert {c[2:8] for c in a} == {"441900", "441901"}
    b = cc.generate_array(100, np.random.default_rng(9), ["441900", "441901"], exclude=a)
    assert not set(b) & set(a)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    position=st.integers(0, 17),
    shift=st.integers(1, 30),
    foreign=st.sampled_from(list("IOSVZabc*８ ")),
)
def test_any_generated_code_validates_and_any_single_change_breaks_it(seed, position, shift, foreign):
    code = cc.generate(1, np.random.default_rng(seed), ["441900", "441911", "441999"])[0]
    assert cc.is_valid(code)
    # another legal character: the weighted sum changes by a non-zero multiple of 3^i mod 31
    legal = cc.CHARSET[(cc.CHARSET.index(code[position]) + shift) % 31]
    changed = code[:position] + legal + code[position + 1 :]
    assert not cc.is_valid(changed)
    assert cc.invalid_reason(changed).startswith("校验码错误")
    # a character outside the set
    changed = code[:position] + foreign + code[position + 1 :]
    assert not cc.is_valid(changed)
