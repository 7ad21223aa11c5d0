"""Place-name normalisation: folding, matching keys, qualifiers and the variants worth trying.

Used by the importers, the repositories and writes (a city's ``search_name``), the pair
features (same-name cities) and the gazetteer's index and resolution ladder.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "LEADING_QUALIFIERS",
    "TRAILING_QUALIFIERS",
    "NameQuery",
    "ascii_name",
    "expand_abbreviations",
    "fold_name",
    "hint_parts",
    "is_non_latin",
    "name_key",
    "name_tokens",
    "normalise_name",
    "parse_query",
    "similarity",
    "strip_qualifier_tokens",
    "unique",
]

# Words that only say what kind of place it is ("Peine district", "Koriyama-shi",
# "Gangnam-gu"). Stripped from the end of names, on the query and the index side.
TRAILING_QUALIFIERS = frozenset(
    """
    district districts county city municipality municipal town village borough province
    prefecture region raion rayon oblast commune township gmina powiat kommune kommun kreis
    landkreis metropolitan ward parish community settlement urban rural shi si gun gu ku
    machi cho mura son shire amt okrug krai kray voivodeship governorate municipio comune
    cedex
    """.split()
)
# The same role at the start ("City of London", "Gmina Tarnów", "Landkreis Peine").
LEADING_QUALIFIERS = frozenset(
    """
    city town municipality borough county district gmina powiat landkreis kreis stadt
    municipio comune ville commune village the metropolitan hansestadt
    """.split()
)
_LINKING_WORDS = frozenset("of de di du do da del della des la le".split())
# Areas small enough that the populated place at their geocoded point stands for them
# (a district's point is usually its seat). Provinces and regions are too big.
_AREA_WORDS = frozenset(
    """
    district county municipality raion rayon gmina powiat kreis landkreis borough ward
    commune township parish amt kommune kommun shire
    """.split()
)
# Abbreviations that GeoNames and Wikipedia spell either way.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "sv": "sveti"}

_FOLD_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"}
)
_ASCII_LETTERS = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th",
        "þ": "th", "Æ": "Ae", "æ": "ae", "Œ": "Oe", "œ": "oe", "ı": "i", "ß": "ss",
    }
)  # fmt: skip
_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_TOKEN = re.compile(r"[^\W_]+")
_PAREN = re.compile(r"\(([^)]*)\)")
# "Budapest XX – Pesterzsébet", and bilingual "Koper/Capodistria", "Bozen / Bolzano"
_SPACED_DASH = re.compile(r"\s+[-–—]\s+|\s*/\s*")
_HINT_SEPARATORS = re.compile(r"[/,;]")
# Any letter outside Latin scripts: such alternate names can never match a
# Latin-script query after folding, so they are kept for display but not indexed.
_NON_LATIN = re.compile(r"[^\x00-\u024f\u0300-\u036f\u1e00-\u1eff\u2000-\u206f]")


def name_tokens(text: str) -> list[str]:
    """Case-folded, accent-free word tokens; apostrophes join ("L'Aquila" → "laquila")."""
    if text.isascii():
        folded = text.lower().replace("'", "").replace("`", "")
    else:
        folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_LETTERS))
        folded = _APOSTROPHES.sub("", "".join(ch for ch in folded if not unicodedata.combining(ch)))
    return _TOKEN.findall(folded)


def expand_abbreviations(tokens: list[str]) -> list[str]:
    """ "st" → "saint", "mt" → "mount", ...: the spellings GeoNames and Wikipedia mix."""
    if _ABBREVIATIONS.keys().isdisjoint(tokens):
        return tokens
    return [_ABBREVIATIONS.get(tok, tok) for tok in tokens]


def strip_qualifier_tokens(tokens: list[str]) -> list[str]:
    """Drop leading/trailing type words, never down to nothing."""
    out = list(tokens)
    while len(out) > 1 and out[-1] in TRAILING_QUALIFIERS:
        out.pop()
    stripped_lead = False
    while len(out) > 1 and out[0] in LEADING_QUALIFIERS:
        out.pop(0)
        stripped_lead = True
    if stripped_lead and len(out) > 1 and out[0] in _LINKING_WORDS:
        out.pop(0)
    return out


def fold_name(text: str) -> str:
    """Case-fold, strip accents (NFKD) and punctuation; words joined by single spaces."""
    return " ".join(name_tokens(text))


def name_key(text: str) -> str:
    """Compact matching key: folded, abbreviations expanded, spaces removed.

    Without spaces "Hai Phong" meets "Haiphong" and "Kita-Kyushu" meets "Kitakyushu".
    """
    return "".join(expand_abbreviations(name_tokens(text)))


def _split_qualifiers(text: str) -> tuple[str, list[str], list[str]]:
    """Split "Base (paren), comma" into base, parenthesised parts and comma parts."""
    parens = [p.strip() for p in _PAREN.findall(text) if p.strip()]
    head, *tails = _PAREN.sub(" ", text).split(",")
    return " ".join(head.split()), parens, [t.strip() for t in tails if t.strip()]


def normalise_name(text: str) -> str:
    """Folded city name without qualifiers: "Tarnów (rural gmina)" → "tarnow".

    Case-folds, strips accents (NFKD) and punctuation, drops parenthesised and
    comma-separated qualifiers and type words such as "District", "County",
    "City of", "-shi".
    """
    base, _, _ = _split_qualifiers(text)
    return " ".join(strip_qualifier_tokens(name_tokens(base or text)))


def is_non_latin(label: str) -> bool:
    """Whether a name has letters outside Latin scripts (it cannot meet a folded Latin query)."""
    return not label.isascii() and _NON_LATIN.search(label) is not None


def ascii_name(text: str) -> str:
    """ASCII spelling of a name: special letters transliterated, accents dropped."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return (
        "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()
    )


@dataclass(slots=True)
class NameQuery:
    """A raw name taken apart into the variants worth trying, most specific first."""

    exact_keys: list[str]
    stripped_keys: list[str]
    part_keys: list[str]
    parent_names: list[str]
    hints: list[str]
    is_area: bool


def parse_query(name: str) -> NameQuery:
    """The keys, parts, parent places and hints of a raw name ("Shibuya (Tokyo)", "Varna, Bulgaria")."""
    base, parens, commas = _split_qualifiers(name)
    base_tokens = expand_abbreviations(name_tokens(base))
    # The full string first: GeoNames itself has "Frankfurt (Oder)".
    exact = unique([name_key(name), "".join(base_tokens)])
    stripped = unique(["".join(strip_qualifier_tokens(base_tokens))])
    # "Budapest XX – Pesterzsébet", "Incheon – Gyeyang": the district part, then the city part.
    parts = _SPACED_DASH.split(base)
    part_keys = [name_key(p) for p in reversed(parts)] if len(parts) > 1 else []
    parent_names: list[str] = []
    hints = list(commas)
    words = set(base_tokens)
    for part in parens:
        part_words = name_tokens(part)
        words.update(part_words)
        if not any(w in TRAILING_QUALIFIERS or w in LEADING_QUALIFIERS for w in part_words):
            # "(Tokyo)", "(Rhineland)": a parent place or region, not a type word.
            parent_names.append(part)
            hints.append(part)
    return NameQuery(
        exact_keys=[k for k in exact if k],
        stripped_keys=[k for k in stripped if k and k not in exact],
        part_keys=[k for k in unique(part_keys) if k and k not in exact],
        parent_names=parent_names,
        hints=hints,
        is_area=bool(words & _AREA_WORDS),
    )


def unique(items: Iterable[str]) -> list[str]:
    """The items in their first order, each once."""
    return list(dict.fromkeys(items))


def hint_parts(hints: Iterable[str]) -> list[str]:
    """Hints plus their parts: NUTS labels such as "ITH57  / Ravenna" or "DEG01 / Erfurt, Kreisfreie
    Stadt" name the place after the code."""
    parts: list[str] = []
    for hint in hints:
        parts.append(hint)
        pieces = [p.strip() for p in _HINT_SEPARATORS.split(hint)]
        if len(pieces) > 1:
            parts.extend(p for p in pieces if p and not any(ch.isdigit() for ch in p))
    return unique(parts)


def similarity(query: str, place: str, needed: float, close: bool) -> float:
    """Spelling similarity of a query key and a GeoNames key (0..1)."""
    if query == place:
        return 1.0
    if len(place) >= 5 and (query.startswith(place) or query.endswith(place)):
        # "Budapest XX – Pesterzsébet" vs "Pesterzsébet", "Basingstoke and Deane" vs "Basingstoke".
        return 0.9
    if close and len(query) >= 5 and (place.startswith(query) or place.endswith(query)):
        # "Beemster" vs "Middenbeemster"; only right next to the point, or "Vienne"
        # (the département) would become "Vouneuil-sur-Vienne".
        return 0.9
    a, b = query, place
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if 2 * len(shorter) / (len(shorter) + len(longer)) < needed:
        return 0.0  # the ratio cannot reach the threshold
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < needed:
        return 0.0
    return matcher.ratio()
