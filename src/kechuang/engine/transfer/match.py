"""Matching a technology demand (需求) to achievements (职务科技成果): BM25 over Chinese tokens,
with concept expansion, a field bonus and a readiness bonus. Pure: no Django.

Tokens. The dictionary is jieba's (its dict.txt: the words of two or more Chinese characters) plus
the domain terms of kechuang.engine.transfer.concepts and the keywords of the indexed achievements.
Text is cut by forward maximum matching over that dictionary — in Rust, by Polars' Aho-Corasick
(``str.extract_many``, longest word first) for the index, in Python for a query, which is the same
cut — and every word longer than two characters also yields its two- and three-character words
that are in the dictionary, as jieba's search mode (``cut_for_search``) does. Latin letters and
digits give lower-case words (5G, LED, AGV). Stop words are dropped. Why not jieba's own segmenter:
it cuts about 300,000 characters a second in Python, i.e. 1.5 minutes for 200,000 achievements
(docs/decisions, matching method).

Scores. BM25 (Lucene's variant, k1 = 1.2, b = 0.75, the same numbers as bm25s; a test checks it)
over title and keywords (each counted twice) and abstract (once). A demand's query is its own
tokens (weight 1) and the technical terms of the concepts its plain wording names (weight
EXPANSION_WEIGHT): "机器换人" brings in 工业机器人, 协作机器人, 自动化 …. The text score is then multiplied
by FIELD_BONUS when the achievement is in the demand's field (given, or inferred from the concepts
and the best text matches) and by a readiness factor from 1 − READINESS_BONUS (trl 1) to
1 + READINESS_BONUS (trl 9). Ties are broken by code; an achievement that shares no term with the
query is never returned.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse

from kechuang.engine.transfer.achievements import PUBLISHED
from kechuang.engine.transfer.concepts import CONCEPTS, STOP_WORDS, domain_terms
from kechuang.engine.transfer.fields import FIELDS, canonical_field

K1 = 1.2
B = 0.75
SECTION_WEIGHTS = {"title": 2, "keywords": 2, "abstract": 1}
EXPANSION_WEIGHT = 0.5
FIELD_BONUS = 1.15
FIELD_VOTE_DOCS = 20
FIELD_VOTE_SHARE = 0.4
READINESS_BONUS = 0.04
MAX_TERMS = 8
DEFAULT_TOP = 10
MAX_WORD = 12
AUTOMATON_CHARS = 2_000_000  # below this many characters a corpus is cut in Python
CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
LATIN = r"[a-z0-9][a-z0-9\-\.]*[a-z0-9]|[a-z]"
LATIN_RE = re.compile(LATIN)
HAS_LETTER = re.compile(r"[a-z]")
KEYWORD_SEPARATORS = r"[；;，,、\s]+"
FULL_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


@functools.cache
def jieba_words() -> pl.Series:
    """The words of jieba's dictionary (dict.txt) of two to MAX_WORD Chinese characters."""
    spec = importlib.util.find_spec("jieba")
    path = Path(spec.origin).parent / "dict.txt"
    words = pl.read_csv(
        path, separator=" ", has_header=False, new_columns=["word", "freq", "tag"], quote_char=None
    )["word"]
    return words.filter(
        words.str.contains(r"^[\u4e00-\u9fff]+$") & (words.str.len_chars().is_between(2, MAX_WORD))
    ).unique()


def _cjk_parts(term: str) -> list[str]:
    return [p for p in re.split(r"[^\u4e00-\u9fff]+", normalise(term)) if 2 <= len(p) <= MAX_WORD]


def _reach(words: pl.Series) -> dict[str, int]:
    """For each first two characters, the longest word that starts with them."""
    frame = (
        pl.DataFrame({"head": words.str.slice(0, 2), "size": words.str.len_chars()})
        .group_by("head")
        .agg(pl.col("size").max())
    )
    return dict(zip(frame["head"].to_list(), frame["size"].to_list(), strict=True))


def _longest_first(words: pl.Series) -> pl.Series:
    # Longest first: Aho-Corasick's leftmost-first match is then forward maximum matching.
    return (
        words.to_frame("w")
        .sort(pl.col("w").str.len_chars(), pl.col("w"), descending=[True, False])
        .to_series()
    )


@functools.cache
def _base() -> tuple[frozenset[str], dict[str, int], pl.Series]:
    """jieba's words and the domain terms (built once per process)."""
    domain = pl.Series([p for term in domain_terms() for p in _cjk_parts(term)], dtype=pl.String)
    words = pl.concat([jieba_words(), domain]).unique()
    return frozenset(words.to_list()), _reach(words), _longest_first(words)


def _normalise(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null("").str.replace_many(FULL_WIDTH).str.to_lowercase()


def normalise(text: str) -> str:
    return "".join(FULL_WIDTH.get(ch, ch) for ch in text).lower()


class Vocabulary:
    """The dictionary a corpus and its queries are cut with."""

    def __init__(self, extra: set[str] = frozenset()) -> None:
        self.words, self.reach, self._patterns = _base()
        # The corpus's own keywords (few): kept apart, so that the shared dictionary is not copied.
        self.added = frozenset(p for term in extra for p in _cjk_parts(term) if p not in self.words)
        self.added_reach: dict[str, int] = {}
        for word in self.added:
            self.added_reach[word[:2]] = max(self.added_reach.get(word[:2], 0), len(word))
        self._subwords: dict[str, tuple[str, ...]] = {}

    @property
    def patterns(self) -> pl.Series:
        if not self.added:
            return self._patterns
        return _longest_first(pl.concat([self._patterns, pl.Series(sorted(self.added), dtype=pl.String)]))

    def known(self, word: str) -> bool:
        return word in self.words or word in self.added

    def subwords(self, word: str) -> tuple[str, ...]:
        """The two- and three-character dictionary words inside a longer word (jieba's search mode)."""
        found = self._subwords.get(word)
        if found is None:
            found = ()
            if len(word) > 2 and CJK_WORD.match(word):
                found = tuple(
                    dict.fromkeys(
                        word[i : i + n]
                        for n in (2, 3)
                        if len(word) > n
                        for i in range(len(word) - n + 1)
                        if self.known(word[i : i + n])
                    )
                )
            self._subwords[word] = found
        return found

    def cut(self, text: str) -> list[str]:
        """A text's tokens, as the index cuts it (maximum matching + sub-words + latin words)."""
        text = normalise(text)
        words, i, n = [], 0, len(text)
        reach, known, added, added_reach = self.reach, self.words, self.added, self.added_reach
        while i < n:
            head = text[i : i + 2]
            size = min(max(reach.get(head, 0), added_reach.get(head, 0)), n - i)
            while size >= 2 and (piece := text[i : i + size]) not in known and piece not in added:
                size -= 1
            if size >= 2:
                words.append(text[i : i + size])
                i += size
            else:
                i += 1
        words += [w for w in LATIN_RE.findall(text) if HAS_LETTER.search(w)]
        out = []
        for w in words:
            out.append(w)
            out.extend(self.subwords(w))
        return [w for w in out if w not in STOP_WORDS]

    def token_counts(self, texts: pl.Series) -> pl.DataFrame:
        """cut() for a whole column: (row, token, count); a row's token may be on several lines."""
        norm = texts.to_frame("t").select(_normalise(pl.col("t"))).to_series()
        if norm.str.len_chars().sum() < AUTOMATON_CHARS:
            # Building the automaton for the whole dictionary costs seconds: a small corpus is
            # cut in Python, which gives the same tokens (tests/engine/test_transfer_match.py).
            tokens = pl.Series("token", [self.cut(t) for t in norm.to_list()], dtype=pl.List(pl.String))
            return (
                tokens.to_frame()
                .with_row_index("row")
                .explode("token")
                .drop_nulls("token")
                .group_by("row", "token")
                .agg(count=pl.len())
                .filter(~pl.col("token").is_in(list(STOP_WORDS)))
            )
        cjk = norm.str.extract_many(self.patterns.to_list(), leftmost=True)
        latin = norm.str.extract_all(LATIN).list.eval(pl.element().filter(pl.element().str.contains("[a-z]")))
        words = (
            pl.DataFrame({"c": cjk, "l": latin})
            .select(pl.concat_list("c", "l").alias("token"))
            .with_row_index("row")
            .explode("token")
            .drop_nulls("token")
            .group_by("row", "token")
            .agg(count=pl.len())
        )
        # Each long word also counts its sub-words (search mode): a table of the distinct long words.
        distinct = words["token"].unique()
        long = distinct.filter(distinct.str.len_chars() > 2).to_list()
        pairs = [(w, sub) for w in long for sub in self.subwords(w)]
        table = pl.DataFrame(pairs, schema={"token": pl.String, "sub": pl.String}, orient="row")
        subs = words.join(table, on="token").select("row", token="sub", count="count")
        # A (row, token) may repeat (a sub-word of two words, or also a word itself): sum them.
        return pl.concat([words, subs]).filter(~pl.col("token").is_in(list(STOP_WORDS)))


@dataclass
class Query:
    terms: dict[str, float]  # token → weight
    fields: dict[str, float]  # field → votes from the concepts named


def _keywords(frame: pl.DataFrame) -> set[str]:
    if "keywords" not in frame.columns:
        return set()
    words = (
        frame.select(pl.col("keywords").str.replace_all(KEYWORD_SEPARATORS, "；").str.split("；"))
        .explode("keywords")
        .drop_nulls()
        .unique()
        .to_series()
        .to_list()
    )
    return {w for w in words if w}


def bm25_weights(docs: pl.DataFrame, n_docs: int, k1: float = K1, b: float = B) -> pl.DataFrame:
    """docs: doc (row number), token, tf. Returns token, doc, weight (Lucene BM25)."""
    length = docs.group_by("doc").agg(pl.col("tf").sum().alias("dl"))
    avgdl = float(length["dl"].sum()) / max(n_docs, 1)
    return (
        docs.join(length, on="doc")
        .with_columns(df=pl.len().over("token"))
        .select(
            "token",
            "doc",
            weight=(
                (1 + (n_docs - pl.col("df") + 0.5) / (pl.col("df") + 0.5)).log()
                * pl.col("tf")
                / (pl.col("tf") + k1 * (1 - b + b * pl.col("dl") / avgdl))
            ),
        )
    )


class MatchIndex:
    """The achievements of a frame (contract columns; only code and title are needed), ready for
    demands. ``published_only``: only status 可转化 (or no status) can be returned."""

    def __init__(self, frame: pl.DataFrame, *, published_only: bool = True) -> None:
        for column in ("code", "title", "keywords", "abstract", "field", "status"):
            if column not in frame.columns:
                frame = frame.with_columns(pl.lit(None, pl.String).alias(column))
        if "trl" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Int64).alias("trl"))
        self.frame = frame.select("code", "title", "field", "trl", "status")
        self.n = frame.height
        self.vocabulary = Vocabulary(_keywords(frame))
        # All sections in one column (row = section × n + achievement): one automaton for all.
        texts = pl.concat([frame[section].cast(pl.String) for section in SECTION_WEIGHTS])
        section_weight = {i: float(w) for i, w in enumerate(SECTION_WEIGHTS.values())}
        docs = (
            self.vocabulary.token_counts(texts)
            .select(
                doc=(pl.col("row") % self.n).cast(pl.UInt32),
                token="token",
                tf=pl.col("count")
                * (pl.col("row") // self.n).replace_strict(section_weight, return_dtype=pl.Float64),
            )
            .group_by("doc", "token")
            .agg(pl.col("tf").sum())
        )
        weights = bm25_weights(docs, self.n)
        terms = weights["token"].unique().sort()
        self.term_ids = {t: i for i, t in enumerate(terms.to_list())}
        self.terms = terms.to_list()
        ids = weights.join(
            pl.DataFrame({"token": terms, "tid": pl.arange(0, terms.len(), eager=True)}), on="token"
        )
        self.matrix = sparse.csr_matrix(
            (ids["weight"].to_numpy(), (ids["tid"].to_numpy(), ids["doc"].to_numpy())),
            shape=(len(self.terms), self.n),
        )
        self.matrix.sort_indices()  # each term's achievements in order: search() looks them up
        status = self.frame["status"]
        self.candidate = (
            (status.is_null() | (status == PUBLISHED)).to_numpy()
            if published_only
            else np.ones(self.n, dtype=bool)
        )
        self.field_code = (
            self.frame.select(
                pl.col("field").replace_strict(
                    list(FIELDS), list(range(len(FIELDS))), default=-1, return_dtype=pl.Int8
                )
            )
            .to_series()
            .to_numpy()
        )
        trl = self.frame["trl"].cast(pl.Float64).to_numpy()
        readiness = np.where(np.isnan(trl), 0.0, (trl - 5) / 4)
        self.readiness = 1 + READINESS_BONUS * readiness
        self.codes = self.frame["code"].cast(pl.String).to_numpy()
        self.code_rank = np.argsort(np.argsort(self.codes, kind="stable"), kind="stable")
        self.titles = self.frame["title"].to_list()
        # The text a shown Latin term is looked up in, to show it as written (5G, not 5g).
        self.texts = frame.select(
            pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in SECTION_WEIGHTS], separator=" ")
        ).to_series()

    def query(self, demand: str) -> Query:
        """The demand's weighted terms: its own tokens, then the terms of the concepts it names."""
        terms: dict[str, float] = {}
        for token in self.vocabulary.cut(demand):
            terms[token] = 1.0
        fields: dict[str, float] = {}
        text = normalise(demand)
        for concept in CONCEPTS:
            if any(p in text for p in concept.plain):
                for term in concept.terms:
                    for token in self.vocabulary.cut(term):
                        terms.setdefault(token, EXPANSION_WEIGHT)
                if concept.field:
                    fields[concept.field] = fields.get(concept.field, 0) + 1
        return Query(terms, fields)

    def text_scores(self, query: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """BM25 score of every achievement (0 when no term is shared), the query's term rows and weights."""
        known = [(self.term_ids[t], w) for t, w in query.terms.items() if t in self.term_ids]
        if not known:
            return np.zeros(self.n), np.zeros(0, dtype=np.int64), np.zeros(0)
        rows = np.array([r for r, _ in known], dtype=np.int64)
        weights = np.array([w for _, w in known])
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        spans = [slice(indptr[r], indptr[r + 1]) for r in rows]
        docs = np.concatenate([indices[span] for span in spans])
        values = np.concatenate([data[span] * w for span, w in zip(spans, weights, strict=True)])
        return np.bincount(docs, weights=values, minlength=self.n), rows, weights

    def infer_field(self, query: Query, scores: np.ndarray, docs: np.ndarray) -> str | None:
        """The field the concepts named and the best text matches (docs: those with a score) point to."""
        votes = np.zeros(len(FIELDS))
        for field, count in query.fields.items():
            votes[FIELDS.index(field)] += count
        if docs.size:
            best = docs[np.argpartition(-scores[docs], min(FIELD_VOTE_DOCS, docs.size) - 1)[:FIELD_VOTE_DOCS]]
            codes = self.field_code[best]
            known = codes >= 0
            np.add.at(votes, codes[known], scores[best][known] / scores[best].max())
        total = votes.sum()
        if total <= 0:
            return None
        winner = int(np.argmax(votes))
        return FIELDS[winner] if votes[winner] / total >= FIELD_VOTE_SHARE else None

    def search(self, demand: str, *, field: str | None = None, top: int = DEFAULT_TOP) -> list[dict]:
        """The best achievements for a demand: [{achievement, title, score, terms}], best first."""
        given = canonical_field(field) if field else None
        if field and given is None:
            raise ValueError(f"未知技术领域「{field}」")
        query = self.query(demand)
        scores, rows, weights = self.text_scores(query)
        if not rows.size or top <= 0:
            return []
        docs = np.flatnonzero(scores > 0)
        wanted = given or self.infer_field(query, scores, docs)
        docs = docs[self.candidate[docs]]
        if given:
            docs = docs[self.field_code[docs] == FIELDS.index(given)]
        final = scores[docs] * self.readiness[docs]
        if wanted:
            final = np.where(self.field_code[docs] == FIELDS.index(wanted), final * FIELD_BONUS, final)
        final = np.round(final, 6)
        if docs.size > top:
            cut = np.partition(final, docs.size - top)[docs.size - top]
            keep = final >= cut
            docs, final = docs[keep], final[keep]
        ranked = np.lexsort((self.code_rank[docs], -final))[:top]
        order, final = docs[ranked], final[ranked]
        # The query terms each chosen achievement contains, by their part of its score.
        share = np.zeros((rows.size, order.size))
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        for i, (r, w) in enumerate(zip(rows, weights, strict=True)):
            cols = indices[indptr[r] : indptr[r + 1]]
            at = np.searchsorted(cols, order)
            inside = at < cols.size
            found = np.zeros(order.size, dtype=bool)
            found[inside] = cols[at[inside]] == order[inside]
            share[i, found] = data[indptr[r] + at[found]] * w
        out = []
        for j, doc in enumerate(order):
            shared = [self.terms[rows[i]] for i in np.argsort(-share[:, j], kind="stable") if share[i, j] > 0]
            out.append(
                {
                    "achievement": str(self.codes[doc]),
                    "title": self.titles[doc] or "",
                    "score": round(float(final[j]), 4),
                    "terms": [self._as_written(t, int(doc)) for t in _explaining(shared)],
                }
            )
        return out

    def _as_written(self, term: str, doc: int) -> str:
        if not HAS_LETTER.search(term):
            return term
        found = re.search(re.escape(term), self.texts[doc], re.IGNORECASE)
        return found.group(0) if found else term


def _explaining(shared: list[str]) -> list[str]:
    """The shared terms, without those inside a longer shared term, at most MAX_TERMS."""
    kept = [t for t in shared if not any(t != o and t in o for o in shared)]
    return kept[:MAX_TERMS]


def match(
    frame: pl.DataFrame, demand: str, *, field: str | None = None, top: int = DEFAULT_TOP
) -> list[dict]:
    """One demand against the achievements of a frame (builds the index each time)."""
    return MatchIndex(frame).search(demand, field=field, top=top)


def evaluate(index: MatchIndex, demands: list[tuple[str, set[str]]], k: int = 5) -> dict[str, float]:
    """Mean precision@k, recall@k and reciprocal rank of the first relevant achievement (in the
    whole ranking, no cut-off) over labelled demands (text, relevant codes)."""
    precision = recall = reciprocal = 0.0
    for demand, relevant in demands:
        ranked = [r["achievement"] for r in index.search(demand, top=max(k, index.n))]
        hits = [code in relevant for code in ranked]
        precision += sum(hits[:k]) / k
        recall += sum(hits[:k]) / len(relevant)
        first = next((i for i, hit in enumerate(hits) if hit), None)
        reciprocal += 0.0 if first is None else 1 / (first + 1)
    n = max(len(demands), 1)
    return {"precision": precision / n, "recall": recall / n, "mrr": reciprocal / n}
