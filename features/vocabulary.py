"""The multilingual sector vocabulary, and what a recommendation reads of a needs text.

``data/curated/sector_terms.json`` lists, for every sector, concepts (a row of terms, one list
per language; the first English term is the concept's gloss). A needs text is matched term by
term on its lemmas (simplemma) in the European languages, and on substrings of words in German
and Dutch, whose compounds join terms ("Wasserstoffbusse"); Japanese is matched on substrings
of the text (it has no spaces; the terms are nouns, which do not inflect). Longer terms are
matched first and the words they cover are not matched again, so that "Abwasser" is not also
"Wasser".

:func:`read_needs` decides what the embedding gets: the text itself in a language the model
reads; otherwise an English gloss of the recognised concepts, or nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from features.language import VOCABULARY_LANGUAGES, detect, name

_WORD = re.compile(r"\w+")
# languages whose compounds join terms into one word: a term may be part of a word
COMPOUNDING = ("de", "nl")
MIN_PART = 5  # characters of a term matched inside a longer word
# a text this surely English goes to an English model without a look at the vocabulary
SURE_ENGLISH = 0.5
NeedsRead = Literal["model", "vocabulary", "none"]


@dataclass(frozen=True)
class Concept:
    sector: str
    gloss: str  # its first English term


@dataclass(frozen=True)
class Hit:
    concept: Concept
    term: str  # the words of the text that matched
    start: int  # where in the text (word or character index, for the order of appearance)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class Vocabulary:
    """The sector terms of one file, prepared for matching."""

    def __init__(self, doc: dict) -> None:
        self.languages = tuple(doc["languages"])
        self.concepts: list[Concept] = []
        # language -> first word key -> [(key tuple, concept index)], longest first
        self._phrases: dict[str, dict[str, list[tuple[tuple[str, ...], int]]]] = {}
        # language -> [(normalised term, concept index)], longest first (parts of words, Japanese)
        self._parts: dict[str, list[tuple[str, int]]] = {}
        entries: dict[str, list[tuple[str, int]]] = {lang: [] for lang in self.languages}
        for sector, concepts in doc["sectors"].items():
            for concept in concepts:
                k = len(self.concepts)
                self.concepts.append(Concept(sector, concept["en"][0]))
                for lang in self.languages:
                    entries[lang].extend((t, k) for t in concept.get(lang, []))
        for lang, terms in entries.items():
            if lang == "ja":
                self._parts[lang] = sorted(((_norm(t), k) for t, k in terms), key=lambda e: -len(e[0]))
                continue
            phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}
            for term, k in terms:
                for key in {tuple(_surface(term)), tuple(self._lemmas(term, lang))}:
                    if key:
                        phrases.setdefault(key[0], []).append((key, k))
            for options in phrases.values():
                options.sort(key=lambda e: -len(e[0]))
            self._phrases[lang] = phrases
            if lang in COMPOUNDING:
                singles = {(_norm(t), k) for t, k in terms if len(_surface(t)) == 1 and len(t) >= MIN_PART}
                self._parts[lang] = sorted(singles, key=lambda e: (-len(e[0]), e[0]))

    @staticmethod
    def _lemmas(text: str, lang: str) -> list[str]:
        return [_lemma(w, lang) for w in _surface(text)]

    def match(self, text: str, languages: Sequence[str]) -> list[Hit]:
        """The concepts named in ``text``, read as each of ``languages``, in order of appearance."""
        hits: list[Hit] = []
        seen: set[int] = set()
        for lang in languages:
            if lang not in self.languages:
                continue
            found = self._match_ja(text) if lang == "ja" else self._match_words(text, lang)
            for hit in found:
                k = self.concepts.index(hit.concept)
                if k not in seen:
                    seen.add(k)
                    hits.append(hit)
        hits.sort(key=lambda h: h.start)
        return hits

    def _match_ja(self, text: str) -> list[Hit]:
        norm = _norm(text)
        taken = [False] * len(norm)
        hits = []
        for term, k in self._parts["ja"]:
            start = norm.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * len(term)
                    hits.append(Hit(self.concepts[k], text[start:end], start))
                start = norm.find(term, end)
        return hits

    def _match_words(self, text: str, lang: str) -> list[Hit]:
        words = _surface(text)
        lemmas = [_lemma(w, lang) for w in words]
        phrases = self._phrases[lang]
        taken = [False] * len(words)
        hits = []
        # whole words and phrases, longest first at each position
        best: list[tuple[int, int, int]] = []  # (length, start, concept)
        for i in range(len(words)):
            for first in {words[i], lemmas[i]}:
                for key, k in phrases.get(first, ()):
                    n = len(key)
                    if i + n <= len(words) and all(key[j] in (words[i + j], lemmas[i + j]) for j in range(n)):
                        best.append((n, i, k))
        for n, i, k in sorted(best, key=lambda e: (-e[0], e[1])):
            if not any(taken[i : i + n]):
                taken[i : i + n] = [True] * n
                hits.append(Hit(self.concepts[k], " ".join(words[i : i + n]), i))
        # parts of compound words
        for i, word in enumerate(words):
            if taken[i] or len(word) <= MIN_PART:
                continue
            covered = [False] * len(word)
            lemma = lemmas[i] if len(lemmas[i]) == len(word) else word
            for term, k in self._parts.get(lang, ()):
                at = word.find(term)
                at = at if at >= 0 else lemma.find(term)
                if at >= 0 and not any(covered[at : at + len(term)]):
                    covered[at : at + len(term)] = [True] * len(term)
                    hits.append(Hit(self.concepts[k], word, i))
        return hits


def _surface(text: str) -> list[str]:
    return _WORD.findall(_norm(text))


@lru_cache(maxsize=65536)
def _lemma(word: str, lang: str) -> str:
    import simplemma

    try:
        return _norm(simplemma.lemmatize(word, lang=lang))
    except ValueError:  # a language simplemma does not know
        return word


@lru_cache(maxsize=4)
def load_vocabulary(path: Path) -> Vocabulary:
    """The vocabulary of ``path`` (``data/curated/sector_terms.json``), prepared once per process."""
    return Vocabulary(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class NeedsReading:
    """What a recommendation read of its needs text.

    ``read``: ``model`` (the embedding model read the text itself), ``vocabulary`` (the model
    does not read its language: only the sector terms recognised in it were used, as an English
    gloss), ``none`` (nothing of it was used). ``model_text`` is what the embedding gets.
    ``sectors`` maps the sectors the vocabulary recognised to the words that named them; they
    feed the sector suggestions unless the text is English (the model reads English as it did).
    """

    language: str | None
    read: NeedsRead
    model_text: str
    sectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notice: str | None = None


def read_needs(
    text: str, *, vocabulary: Vocabulary, model_languages: Sequence[str] = ("en",)
) -> NeedsReading:
    """How the needs ``text`` is read by a model that reads ``model_languages``."""
    if not text.strip():
        return NeedsReading(None, "model", text)
    found = detect(text)
    lang = found.language
    if lang == "en" and found.confidence >= SURE_ENGLISH and "en" in model_languages:
        # the English path of the packaged model, exactly as before
        return NeedsReading(lang, "model", text)
    hits = vocabulary.match(text, [c for c in found.languages if c in VOCABULARY_LANGUAGES])
    if lang != "en":
        # a word or two is easily taken for another language ("hydrogen" for German): English it
        # is when the English terms name as much of it as the other language's
        english = vocabulary.match(text, ["en"])
        if english and len(english) >= len(hits):
            lang, hits = "en", english
        elif english:  # English words in another language's text: a mixed text
            known = {h.concept for h in hits}
            hits = sorted(hits + [h for h in english if h.concept not in known], key=lambda h: h.start)
    if lang == "en" and "en" in model_languages:
        return NeedsReading(lang, "model", text)
    if lang is None and "en" in model_languages:
        # too short or too mixed to tell, and nothing recognised: the model reads it as before
        return NeedsReading(None, "model", text)
    sectors: dict[str, tuple[str, ...]] = {}
    for hit in hits:
        sectors[hit.concept.sector] = (*sectors.get(hit.concept.sector, ()), hit.term)
    if lang is not None and lang in model_languages:
        return NeedsReading(lang, "model", text, sectors)
    if lang not in VOCABULARY_LANGUAGES:
        return NeedsReading(
            lang, "none", "",
            notice=f"Your needs text seems to be in {name(lang)}, which this service cannot read: it was "
            "not used. Write it in one of English, German, Japanese, French, Spanish, Italian, Polish or "
            "Dutch, or choose sectors.",
        )  # fmt: skip
    if not hits:
        return NeedsReading(
            lang, "none", "",
            notice=f"Your needs text is in {name(lang)}, which the model does not read, and no sector term "
            "was recognised in it: it was not used. Choose sectors, or name them in the text.",
        )  # fmt: skip
    gloss = ", ".join(dict.fromkeys(h.concept.gloss for h in hits))
    return NeedsReading(
        lang, "vocabulary", gloss, sectors,
        notice=f"Your needs text is in {name(lang)}, which the model does not read: only the sector terms "
        f"recognised in it were used ({', '.join(dict.fromkeys(h.term for h in hits))}); the rest of the "
        "text was not.",
    )  # fmt: skip
