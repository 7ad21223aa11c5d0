"""The multilingual sector vocabulary, and what a recommendation reads of a needs text.

``data/curated/sector_terms.json`` lists, for every sector, concepts (a row of terms, one list
per language; the first English term is the concept's gloss). A needs text is matched term by
term on its lemmas in the European languages, and on substrings of words in German and Dutch,
whose compounds join terms ("Wasserstoffbusse"); Japanese is matched on substrings of the text
(it has no spaces; the terms are nouns, which do not inflect). Longer terms are matched first
and the words they cover are not matched again, so that "Abwasser" is not also "Wasser".

The lemmas come from simplemma's dictionaries, but only the inflected forms of the terms' own
words are kept, in ``sector_term_forms.json`` beside the terms: the full dictionaries take
minutes to load and gigabytes of memory, the forms a few hundred kilobytes. Regenerate the file
after changing the terms (``python -m features.vocabulary``; a test checks it is current).

:func:`read_needs` decides what the embedding gets: the text itself in a language the model
reads; otherwise an English gloss of the recognised concepts, or nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
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

    def __init__(self, doc: dict, forms: dict[str, dict[str, str]] | None = None) -> None:
        self.languages = tuple(doc["languages"])
        # language -> inflected form -> lemma, of the terms' words (sector_term_forms.json)
        self._forms = forms or {}
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

    def _lemma(self, word: str, lang: str) -> str:
        return self._forms.get(lang, {}).get(word, word)

    def _lemmas(self, text: str, lang: str) -> list[str]:
        return [self._lemma(w, lang) for w in _surface(text)]

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
        # the words as written, where normalising kept the length (half-width kana, ㍻ do not)
        shown = text if len(norm) == len(text) else norm
        taken = [False] * len(norm)
        hits = []
        for term, k in self._parts["ja"]:
            start = norm.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * len(term)
                    hits.append(Hit(self.concepts[k], shown[start:end], start))
                start = norm.find(term, end)
        return hits

    def _match_words(self, text: str, lang: str) -> list[Hit]:
        words = _surface(text)
        lemmas = [self._lemma(w, lang) for w in words]
        # the words as written, to say what was recognised ("Wasserstoff", not "wasserstoff")
        shown = _WORD.findall(unicodedata.normalize("NFKC", text))
        shown = shown if len(shown) == len(words) else words
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
                hits.append(Hit(self.concepts[k], " ".join(shown[i : i + n]), i))
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
                    hits.append(Hit(self.concepts[k], shown[i], i))
        return hits


def _surface(text: str) -> list[str]:
    return _WORD.findall(_norm(text))


def forms_path(path: Path) -> Path:
    """The inflected forms' file of the terms file ``path``."""
    return path.with_name("sector_term_forms.json")


def source_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=4)
def load_vocabulary(path: Path) -> Vocabulary:
    """The vocabulary of ``path`` (``data/curated/sector_terms.json``), prepared once per process."""
    forms = forms_path(path)
    table = json.loads(forms.read_text(encoding="utf-8"))["forms"] if forms.is_file() else None
    return Vocabulary(json.loads(path.read_text(encoding="utf-8")), table)


def build_forms(path: Path) -> dict:
    """Every inflected form simplemma knows of the words of the terms in ``path``, by language.

    Slow (each language's full dictionary is loaded once) and only run when the terms change.
    """
    import simplemma
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    doc = json.loads(path.read_text(encoding="utf-8"))
    factory = DefaultDictionaryFactory()
    forms: dict[str, dict[str, str]] = {}
    for lang in doc["languages"]:
        if lang == "ja":
            continue
        words = {w for concepts in doc["sectors"].values() for c in concepts for t in c.get(lang, [])
                 for w in _surface(t)}  # fmt: skip
        lemma_of = {w: _norm(simplemma.lemmatize(w, lang=lang)) for w in words}
        wanted = set(lemma_of.values())
        table = {w: lemma for w, lemma in lemma_of.items() if lemma != w}
        for form, lemma in factory.get_dictionary(lang).items():
            lemma = _norm(lemma)
            if lemma in wanted:
                form = _norm(form)
                if form != lemma and _WORD.fullmatch(form):
                    table.setdefault(form, lemma)
        forms[lang] = dict(sorted(table.items()))
    return {
        "description": "Inflected forms of the words of sector_terms.json and their lemmas, from simplemma's "
        "dictionaries; generated by `python -m features.vocabulary`, do not edit",
        "source_sha256": source_hash(path),
        "forms": forms,
    }


def main(argv: Sequence[str] = ()) -> int:
    """Regenerate sector_term_forms.json beside the terms file (default data/curated/sector_terms.json)."""
    default = Path(__file__).resolve().parent.parent / "data" / "curated" / "sector_terms.json"
    path = Path(argv[0]) if argv else default
    out = forms_path(path)
    doc = build_forms(path)
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    sys.stdout.write(f"{out}: {sum(len(f) for f in doc['forms'].values())} forms\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


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
