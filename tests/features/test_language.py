"""Language detection and the sector vocabulary: what a recommendation reads of a needs text."""

from __future__ import annotations

import json

import pytest

from features.language import VOCABULARY_LANGUAGES, detect
from features.vocabulary import Vocabulary, load_vocabulary, read_needs
from tests.conftest import CURATED

SECTOR_TERMS = CURATED / "sector_terms.json"

SENTENCES = {
    "en": "We would like to reduce water losses in our drinking water network.",
    "de": "Wir möchten die Wasserverluste in unserem Trinkwassernetz verringern.",
    "ja": "水道管の漏水を減らし、安全な飲み水を届けたいと考えています。",
    "fr": "Nous souhaitons réduire les pertes d'eau dans notre réseau d'eau potable.",
    "es": "Queremos reducir las pérdidas de agua en nuestra red de agua potable.",
    "it": "Vorremmo ridurre le perdite idriche nella nostra rete di acqua potabile.",
    "pl": "Chcielibyśmy ograniczyć straty wody w naszej sieci wody pitnej.",
    "nl": "Wij willen de waterverliezen in ons drinkwaternet verminderen.",
}


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return load_vocabulary(SECTOR_TERMS)


@pytest.mark.parametrize("language", VOCABULARY_LANGUAGES)
def test_each_of_the_eight_languages_is_detected(language: str):
    found = detect(SENTENCES[language])
    assert found.language == language
    assert found.confidence > 0.5


def test_every_sector_has_terms_in_all_eight_languages():
    doc = json.loads(SECTOR_TERMS.read_text(encoding="utf-8"))
    sectors = {s["id"] for s in json.loads((CURATED / "sectors.json").read_text(encoding="utf-8"))}
    assert set(doc["sectors"]) == sectors
    assert tuple(doc["languages"]) == VOCABULARY_LANGUAGES
    for sector, concepts in doc["sectors"].items():
        for concept in concepts:
            assert all(concept.get(lang) for lang in VOCABULARY_LANGUAGES), (sector, concept)


@pytest.mark.parametrize("language", VOCABULARY_LANGUAGES)
def test_the_same_needs_in_each_language_name_the_same_sector(vocabulary: Vocabulary, language: str):
    hits = vocabulary.match(SENTENCES[language], [language])
    assert "water-supply" in {h.concept.sector for h in hits}


@pytest.mark.parametrize(
    ("language", "text", "sector"),
    [
        # an inflected form in the middle of a long sentence, not the term as listed
        (
            "pl",
            "Od kilku lat nasze miasto szuka partnerów, z którymi mogłoby wspólnie rozwijać "
            "technologie wodorowe oraz uczyć się od innych, jak planować inwestycje.",
            "hydrogen",
        ),
        (
            "es",
            "Después de las inundaciones del año pasado, el ayuntamiento quiere aprender de otras "
            "ciudades cómo reciclar mejor los envases y qué hacer con los residuos orgánicos.",
            "composting",
        ),
        (
            "fr",
            "Notre ville, située au bord de la mer, voudrait échanger avec d'autres municipalités "
            "sur la gestion de ses hôpitaux et sur la formation des infirmières.",
            "healthcare",
        ),
        # a German compound that contains the term
        (
            "de",
            "Seit dem letzten Winter denkt der Stadtrat darüber nach, die Busflotte auf "
            "Wasserstoffbusse umzustellen und dafür Partner im Ausland zu finden.",
            "hydrogen",
        ),
        (
            "nl",
            "De gemeente wil samen met andere steden leren hoe zij de afvalinzamelingsroutes "
            "efficiënter kan plannen.",
            "solid-waste",
        ),
        (
            "ja",
            "私たちの市では、ここ数年、地元の中小企業と大学が一緒になって医療機器の開発を進めており、"
            "海外の病院との連携を探しています。",
            "medical-devices",
        ),
    ],
)
def test_a_vocabulary_term_inside_running_text(vocabulary: Vocabulary, language: str, text: str, sector: str):
    reading = read_needs(text, vocabulary=vocabulary)
    assert reading.language == language
    assert reading.read == "vocabulary"
    assert sector in reading.sectors
    assert reading.notice and "the rest of the text was not" in reading.notice


def test_a_longer_term_is_not_also_read_as_the_shorter_one_inside_it(vocabulary: Vocabulary):
    sectors = {h.concept.sector for h in vocabulary.match("Abwasser und Klärschlamm", ["de"])}
    assert sectors == {"sewage-wastewater"}


def test_english_goes_to_the_model_as_it_is(vocabulary: Vocabulary):
    for text in ["hydrogen", "tourism", "smart city", "reduce non-revenue water and improve billing"]:
        reading = read_needs(text, vocabulary=vocabulary)
        assert (reading.read, reading.model_text, reading.notice) == ("model", text, None)
        assert reading.sectors == {}


def test_another_language_is_read_through_an_english_gloss(vocabulary: Vocabulary):
    reading = read_needs("水素、再生可能エネルギー、医療機器の分野で協力したい", vocabulary=vocabulary)
    assert (reading.language, reading.read) == ("ja", "vocabulary")
    assert reading.model_text == "hydrogen, renewable energy, medical devices"
    assert list(reading.sectors) == ["hydrogen", "renewable-energy", "medical-devices"]


def test_a_mixed_language_text(vocabulary: Vocabulary):
    text = "Wir suchen Partner für Wasserstoff und erneuerbare Energien, and for cooperation with hospitals"
    found = detect(text)
    assert found.language in ("de", "en")
    reading = read_needs(text, vocabulary=vocabulary)
    assert {"hydrogen", "renewable-energy", "healthcare"} <= set(reading.sectors)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Queremos reduzir as perdas de água e melhorar o saneamento básico da nossa cidade.", "pt"),
        ("Мы хотим сократить потери воды и улучшить очистку сточных вод.", "ru"),
        ("我们希望减少漏水并改善城市的污水处理。", "zh"),
    ],
)
def test_a_language_outside_the_eight_is_not_read(vocabulary: Vocabulary, text: str, language: str):
    reading = read_needs(text, vocabulary=vocabulary)
    assert (reading.language, reading.read, reading.model_text, reading.sectors) == (language, "none", "", {})
    assert reading.notice and "cannot read" in reading.notice


def test_a_multilingual_model_reads_the_text_and_the_vocabulary_adds_its_sectors(vocabulary: Vocabulary):
    text = SENTENCES["de"]
    reading = read_needs(text, vocabulary=vocabulary, model_languages=("en", "de", "ja"))
    assert (reading.language, reading.read, reading.model_text, reading.notice) == ("de", "model", text, None)
    assert "water-supply" in reading.sectors
    # a language the model does not declare still goes through the vocabulary
    french = read_needs(SENTENCES["fr"], vocabulary=vocabulary, model_languages=("en", "de"))
    assert french.read == "vocabulary"


def test_empty_text_reads_nothing(vocabulary: Vocabulary):
    reading = read_needs("  ", vocabulary=vocabulary)
    assert (reading.language, reading.read, reading.notice) == (None, "model", None)


def test_the_inflected_forms_file_is_current():
    from features.vocabulary import forms_path, source_hash

    doc = json.loads(forms_path(SECTOR_TERMS).read_text(encoding="utf-8"))
    assert doc["source_sha256"] == source_hash(SECTOR_TERMS), "run `python -m features.vocabulary`"
    assert doc["forms"]["pl"]["wodoru"] == "wodór"
