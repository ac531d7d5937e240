"""Strict YAML with node lines, and pydantic errors in Chinese — for versioned YAML config files.

`StrictLoader` is PyYAML's SafeLoader with dates left as text (the schema checks them) and only
true/false as booleans. `locate` maps a pydantic error location to the 1-based line of its YAML
node; `parse_yaml` reads a file into its root node and data with every problem found on the way;
`pydantic_message` turns a pydantic error into a Chinese message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class StrictLoader(yaml.SafeLoader):
    """SafeLoader with dates left as text (pydantic checks them) and only true/false as booleans."""


StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

Loc = tuple[str | int, ...]


def path_str(loc: Sequence[str | int]) -> str:
    """("indicators", 3, "target_value") -> "indicators[3].target_value"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def locate(root: yaml.Node, loc: Sequence[str | int]) -> int | None:
    """1-based line of the deepest YAML node on `loc` (a key's own line for mapping entries)."""
    node, line = root, root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == str(part)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def duplicate_keys(node: yaml.Node, loc: Loc = ()) -> list[tuple[Loc, int]]:
    """Keys repeated within one mapping (PyYAML would silently keep the last one)."""
    out: list[tuple[Loc, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                out.append((loc + (key.value,), key.start_mark.line + 1))
            seen.add(key.value)
            out += duplicate_keys(value, loc + (key.value,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out += duplicate_keys(item, loc + (i,))
    return out


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any, list[tuple[int | None, str, str]]]:
    """(root node, data, problems) of a YAML config file read with `StrictLoader`; every problem is
    (1-based line, field path, Chinese message): an empty file, repeated keys, a syntax error, or a
    top level that is not a mapping. The data is to be validated only when there are no problems."""
    loader = StrictLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None, [(None, "", "文件为空")]
        dups = duplicate_keys(root)
        if dups:
            return root, None, [(line, path_str(loc), f"重复的键「{loc[-1]}」") for loc, line in dups]
        data = loader.construct_document(root)
    except yaml.YAMLError as exc:
        line, message = yaml_error_message(exc)
        return None, None, [(line, "", message)]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return root, data, [(root.start_mark.line + 1, "", "文件顶层应为映射（键: 值）")]
    return root, data, []


def check_yaml(
    text: str,
    model: type[M],
    error: Callable[[list[str]], Exception],
    not_mapping: str,
    skip: Sequence[str] = (),
) -> tuple[M, yaml.Node]:
    """``text`` read as YAML and checked as ``model``: (the model, the YAML root for ``locate``).

    Raises ``error(messages)``: a YAML syntax error with its line, ``not_mapping`` when the file is
    not a mapping, or every pydantic error as 第 N 行 field：why (location parts in ``skip``, the
    tags of a union, left out; a validator's ValueError says its own text)."""
    try:
        root = yaml.compose(text, Loader=StrictLoader)
        data = yaml.load(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        line, message = yaml_error_message(exc)
        raise error([f"第 {line} 行：{message}" if line else message]) from exc
    if not isinstance(data, dict):
        raise error([not_mapping])
    try:
        return model.model_validate(data), root
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if p not in skip]
            line = locate(root, loc) if root is not None else None
            message = pydantic_message(err) if err["type"] != "value_error" else str(err["ctx"]["error"])
            errors.append(f"第 {line} 行 {path_str(loc)}：{message}")
        raise error(errors) from exc


def unknown_keys(root: yaml.Node, section: str, unknown: Iterable[str], what: str) -> list[str]:
    """第 N 行 section.key：规划中没有该<what>, per key of ``section`` the plan does not have (sorted)."""
    return [f"第 {locate(root, [section, c])} 行 {section}.{c}：规划中没有该{what}" for c in sorted(unknown)]


def mtime_cached(path: Callable[[], Path], parse: Callable[[str], T]) -> Callable[[], T]:
    """A loader of the file at ``path()``, parsed once and again whenever the file changes (mtime)."""

    @lru_cache(maxsize=1)
    def cached(mtime: float) -> T:
        return parse(path().read_text(encoding="utf-8"))

    def load() -> T:
        return cached(path().stat().st_mtime)

    return load


# --------------------------------------------------------------------------- messages

_YAML_PROBLEMS = (
    ("mapping values are not allowed here", "此处不能出现「键: 值」（多为缩进或冒号有误）"),
    ("found character '\\t' that cannot start any token", "含有制表符（请用空格缩进）"),
    ("could not find expected ':'", "缺少冒号「:」"),
    ("expected <block end>", "缩进不一致"),
    ("expected ',' or ']'", "方括号列表未正确结束（缺少「,」或「]」）"),
    ("expected ',' or '}'", "花括号映射未正确结束（缺少「,」或「}」）"),
    ("found unexpected end of stream", "文件意外结束（引号或括号未闭合）"),
    ("found undefined alias", "引用了未定义的锚点"),
    ("expected a single document", "文件只能包含一个 YAML 文档"),
)


def yaml_error_message(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """(1-based line, Chinese message) for a PyYAML error; the original wording is kept in brackets."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return None, f"YAML 语法错误：{exc}"
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = exc.problem or exc.context or ""
    both = f"{exc.context or ''} {exc.problem or ''}"
    zh = next((text for key, text in _YAML_PROBLEMS if key in both), "")
    detail = f"{zh}（{problem}）" if zh else problem
    ctx = exc.context_mark
    if ctx is not None and mark is not None and ctx.line != mark.line:
        detail += f"，相关结构始于第 {ctx.line + 1} 行"
    return line, f"YAML 语法错误：{detail}"


_TYPE_NAMES = {
    **dict.fromkeys(("string_type",), "文本"),
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "整数"),
    **dict.fromkeys(("float_type", "float_parsing"), "数字"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "布尔值（true 或 false）"),
    **dict.fromkeys(("list_type",), "列表"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), "映射（键: 值）"),
}
_BOUNDS = {"greater_than": ("应大于", "gt"), "greater_than_equal": ("应不小于", "ge")}
_BOUNDS |= {"less_than": ("应小于", "lt"), "less_than_equal": ("应不大于", "le")}


def _describe_input(value: Any) -> str:
    kinds = {str: "文本", bool: "布尔值", int: "整数", float: "数字", list: "列表", dict: "映射"}
    kind = kinds.get(type(value), type(value).__name__)
    shown = repr(value)
    return f"{kind} {shown[:40] + '…' if len(shown) > 40 else shown}"


def pydantic_message(err: dict[str, Any]) -> str:
    """Chinese text for one pydantic error (an item of `ValidationError.errors()`)."""
    kind, ctx, loc = err["type"], err.get("ctx") or {}, err["loc"]
    field = loc[-1] if loc else ""
    if kind == "missing":
        return f"缺少字段「{field}」"
    if kind == "extra_forbidden":
        return f"未知字段「{field}」"
    if kind in _TYPE_NAMES:
        return f"类型错误：应为{_TYPE_NAMES[kind]}，实际为{_describe_input(err.get('input'))}"
    if kind.startswith("date") or kind == "plan_date":
        return "日期格式错误：应为 YYYY-MM-DD 形式的有效日期"
    if kind == "literal_error":
        return f"取值无效：应为 {str(ctx.get('expected', '')).replace(' or ', ', ').replace(', ', '、')} 之一，实际为{_describe_input(err.get('input'))}"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_pattern_mismatch":
        return f"格式错误：「{err.get('input')}」不符合格式 {ctx.get('pattern')}"
    if kind == "too_short":
        return f"数量不足：至少应有 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"数量过多：至多 {ctx.get('max_length')} 项"
    if kind == "finite_number":
        return "数值无效：应为有限数字"
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return f"数值超出范围：{words} {ctx.get(key)}"
    return f"校验失败：{err['msg']}"
