import pickle

import numpy as np
import pytest

from features.text import (
    InMemoryEmbeddingCache,
    SentenceEmbedder,
    embed_texts,
    profile_text,
    text_hash,
    track_record_items,
)
from tests.features._tiny import tiny_graph


@pytest.fixture(scope="module")
def embedder():
    return SentenceEmbedder(batch_size=8).fit()


def test_embedder_similarity(embedder):
    e = embedder.transform(["drinking water supply", "water utility leakage", "jazz festival"])
    assert e.shape == (3, embedder.dim_)
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert e[0] @ e[1] > e[0] @ e[2]


def test_one_text_goes_through_the_traced_encoder_with_the_same_embedding(embedder, monkeypatch):
    assert embedder.traced_transformer_ is not None
    long = " ".join(["climate adaptation and flood protection"] * 80)  # truncated at 256 tokens
    texts = ["x", "Zürich – Łódź, 北九州市 water", "reduce drinking water losses", long]
    want = embedder.encoder_.encode(texts, normalize_embeddings=True)

    def no_encode(*args, **kwargs):
        raise AssertionError("one text went through encode")

    with monkeypatch.context() as m:
        m.setattr(embedder.encoder_, "encode", no_encode)
        one = np.vstack([embedder.transform([t]) for t in texts])
    assert one.shape == (len(texts), embedder.dim_) and one.dtype == np.float32
    np.testing.assert_allclose(one, want, atol=1e-5)
    # the traced module is rebuilt by fit, never pickled into an artifact
    assert not hasattr(pickle.loads(pickle.dumps(embedder)), "traced_transformer_")


def test_traced_path_normalises_like_encode_when_the_model_does_not(embedder):
    from sentence_transformers import SentenceTransformer

    from features.text import _traced_transformer

    unnormalised = SentenceTransformer(modules=[embedder.encoder_[0], embedder.encoder_[1]], device="cpu")
    text = "youth unemployment and vocational training"
    for normalize in (True, False):
        e = SentenceEmbedder(normalize=normalize)
        e.encoder_, e.dim_ = unnormalised, embedder.dim_
        e.traced_transformer_ = _traced_transformer(unnormalised)
        assert e.traced_transformer_ is not None
        want = unnormalised.encode([text], normalize_embeddings=normalize)
        np.testing.assert_allclose(e.transform([text]), want, atol=1e-5)
        assert (abs(np.linalg.norm(want) - 1.0) < 1e-5) == normalize


def test_an_untraceable_encoder_falls_back_to_encode(monkeypatch):
    import torch

    def fail(*args, **kwargs):
        raise RuntimeError("cannot trace")

    monkeypatch.setattr(torch.jit, "trace", fail)
    e = SentenceEmbedder().fit()
    assert e.traced_transformer_ is None
    want = e.encoder_.encode(["water utility"], normalize_embeddings=True)
    np.testing.assert_allclose(e.transform(["water utility"]), want, atol=1e-6)


def test_embed_texts_uses_cache(embedder):
    cache = InMemoryEmbeddingCache()
    first = embed_texts(["waste composting", ""], embedder=embedder, cache=cache)
    assert np.all(first[1] == 0)  # empty text carries no information
    assert len(cache.store) == 1

    class Exploding(SentenceEmbedder):
        def transform(self, X):
            raise AssertionError("cached text re-embedded")

    cached_only = Exploding()
    cached_only.encoder_, cached_only.dim_ = embedder.encoder_, embedder.dim_
    again = embed_texts(["waste composting"], embedder=cached_only, cache=cache)
    np.testing.assert_allclose(again[0], first[0])


def test_embedder_is_a_sklearn_estimator():
    from sklearn.base import clone

    e = SentenceEmbedder(model_name="x", batch_size=3, normalize=False)
    assert clone(e).get_params() == {"model_name": "x", "batch_size": 3, "normalize": False}


def test_text_hash_and_profile_text():
    assert text_hash("a") == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
    assert profile_text("Takeo") == ""
    assert profile_text("Takeo", needs="water", sectors=["water-supply"]) == (
        "Takeo. Needs: water Sectors: water supply"
    )


def test_track_record_comes_from_the_given_graph_only():
    g = tiny_graph()
    expected = ["circular economy Sectors: waste", "water utility", "waste composting"]
    assert track_record_items(g, 0) == expected
    held_out = g.without_pairs(np.array([[0, 3]]))
    assert track_record_items(held_out, 0) == ["circular economy Sectors: waste", "water utility"]


def test_service_embeds_needs_on_the_helper_thread_and_caches_them(embedder):
    from concurrent.futures import Future
    from types import SimpleNamespace

    from service.model_holder import LoadedModel, resolved

    loaded = LoadedModel(version="v", sha256="s", model=SimpleNamespace(embedder=embedder))
    text = "reduce drinking water losses"
    first = loaded.embed_needs(text)
    assert isinstance(first, Future)
    np.testing.assert_allclose(resolved(first), embedder.transform([text])[0], atol=1e-6)
    again = loaded.embed_needs(text)  # cached once computed: no second embedding
    assert isinstance(again, np.ndarray) and again is resolved(first)
    assert loaded.embed_needs("  ") is None and resolved(None) is None
