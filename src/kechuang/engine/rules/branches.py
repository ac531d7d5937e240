"""Which blank inputs a condition's answer waits for (the gap of an "unknown" condition).

SQL's three-valued logic decides a condition without some inputs: ``a OR b`` is true when ``a`` is,
``a AND b`` false when ``a`` is false, whatever ``b``. A condition is unknown only when no known
branch decides it, and then the inputs that matter are those of its undecided (null) branches: a
branch already false in an OR, or true in an AND, cannot change the answer, so its blank inputs are
not named. ``blank_branches(expr)`` splits a condition at its top-level OR / AND / NOT into its
comparisons and gives, for each, the input names it reads and an expression true (row by row,
vectorised) when the comparison and every enclosing branch are null — the comparisons whose blank
inputs the gap names. A text the splitter does not understand (BETWEEN … AND, CASE …) stays one
comparison: all its blank inputs are named, as before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import polars as pl

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Node:
    op: str  # "or", "and", "not" or "atom"
    text: str
    children: tuple[Node, ...] = ()


def _top_level_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, upper-case word) of each word outside parentheses and quotes."""
    out, depth, i, quote = [], 0, 0, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and (m := _WORD.match(text, i)) and (i == 0 or not _WORD.match(text[i - 1])):
            out.append((m.start(), m.end(), m.group().upper()))
            i = m.end()
            continue
        i += 1
    return out


def _split(text: str, word: str, words: list[tuple[int, int, str]]) -> list[str]:
    cuts, between = [], False
    for start, end, w in words:
        if w == "BETWEEN":
            between = True
        elif w == "AND" and between:  # the AND of BETWEEN … AND … is not a branch
            between = False
        elif w == word:
            cuts.append((start, end))
    parts, last = [], 0
    for start, end in cuts:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return [p.strip() for p in parts]


def _wrapped(text: str) -> bool:
    """The whole text is one parenthesised group."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def parse(text: str) -> Node:
    """The condition's OR / AND / NOT structure down to its comparisons."""
    text = text.strip()
    while _wrapped(text):
        text = text[1:-1].strip()
    words = _top_level_words(text)
    for word in ("OR", "AND"):
        parts = _split(text, word, words)
        if len(parts) > 1:
            if not all(parts):
                return Node("atom", text)
            return Node(word.lower(), text, tuple(parse(p) for p in parts))
    if words and words[0][0] == 0 and words[0][2] == "NOT" and text[3:].strip():
        return Node("not", text, (parse(text[3:]),))
    return Node("atom", text)


def _atoms_parse(node: Node) -> bool:
    if node.op == "atom":
        try:
            pl.sql_expr(node.text)
        except Exception:  # noqa: BLE001 — the splitter cut a construct it does not know
            return False
        return True
    return all(_atoms_parse(c) for c in node.children)


@cache
def structure(expr: str) -> Node:
    """parse(), or the whole text as one comparison when a piece is not SQL on its own."""
    node = parse(expr)
    return node if _atoms_parse(node) else Node("atom", expr.strip())


def blank_branches(expr: str) -> list[tuple[list[str], pl.Expr]]:
    """For each comparison of the condition: (the input names it reads, an expression that is true
    when it and every branch enclosing it are null — its blank inputs are the ones the answer waits
    for)."""
    out: list[tuple[list[str], pl.Expr]] = []

    def walk(node: Node, undecided: pl.Expr) -> None:
        here = undecided & pl.sql_expr(node.text).is_null()
        if node.op == "atom":
            out.append((pl.sql_expr(node.text).meta.root_names(), here))
            return
        for child in node.children:
            walk(child, here)

    walk(structure(expr), pl.lit(True))
    return out
