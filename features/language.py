"""The language of a needs text, with the models lingua ships in its package (nothing downloaded).

The detector knows the eight languages the sector vocabulary covers (``VOCABULARY_LANGUAGES``)
and a few others planners write in, so that a Portuguese or Russian text is named as such
rather than read as its nearest neighbour. It is built once per process, on first use, in
lingua's high-accuracy mode (short texts are the rule here).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

# the languages of data/curated/sector_terms.json
VOCABULARY_LANGUAGES = ("en", "de", "ja", "fr", "es", "it", "pl", "nl")
# told apart from those, never read (unless a multilingual model says it reads them)
OTHER_LANGUAGES = ("pt", "ru", "zh", "ko")
# a language this sure of itself among the others is named; below it the text is "unknown"
MIN_CONFIDENCE = 0.35
# a second language this present makes a text mixed (its vocabulary is matched too)
MIXED_CONFIDENCE = 0.15

NAMES = {
    "en": "English", "de": "German", "ja": "Japanese", "fr": "French", "es": "Spanish",
    "it": "Italian", "pl": "Polish", "nl": "Dutch", "pt": "Portuguese", "ru": "Russian",
    "zh": "Chinese", "ko": "Korean",
}  # fmt: skip

_lock = threading.Lock()
_detector = None


@dataclass(frozen=True)
class Detected:
    """``language``: ISO 639-1 code of the text's main language, None when it cannot be told;
    ``languages``: it and any other language with a large share of the text (mixed text)."""

    language: str | None
    confidence: float
    languages: tuple[str, ...] = ()


def detector():
    """The process's lingua detector (built on the first call, about 3 s and 250 MB)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                codes = [getattr(IsoCode639_1, c.upper()) for c in VOCABULARY_LANGUAGES + OTHER_LANGUAGES]
                languages = [Language.from_iso_code_639_1(c) for c in codes]
                _detector = (
                    LanguageDetectorBuilder.from_languages(*languages)
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


def detect(text: str) -> Detected:
    """The language(s) of ``text``."""
    if not text.strip():
        return Detected(None, 0.0)
    values = detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return Detected(None, values[0].value if values else 0.0)
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    others = tuple(v.language.iso_code_639_1.name.lower() for v in values[1:] if v.value >= MIXED_CONFIDENCE)
    return Detected(code, float(top.value), (code, *others))


def name(code: str | None) -> str:
    """English name of a language code ("an unidentified language" for None)."""
    return NAMES.get(code or "", code or "an unidentified language")


def normalise_languages(codes: Sequence[str]) -> tuple[str, ...]:
    """Lower-cased ISO 639-1 codes, without repeats, in the order given."""
    out: list[str] = []
    for c in codes:
        c = c.strip().lower()
        if c and c not in out:
            out.append(c)
    return tuple(out)
