"""Sentence similarity from `wordllama`, a small static-embedding model shipped in its wheel.

The model is loaded once per process, on first use, from the package's own files: its
`load()` looks for the tokenizer config in a folder the wheel does not have and would then
download it, so the package folder itself is given as the cache folder, where
`tokenizers/<config>.json` does exist, and downloads are disabled. When the model cannot be
loaded, `embedder()` returns None (and logs why once): matching then works on words alone.
"""

import logging
import threading
import time
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_loaded = False
_model = None


def _load():
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embedder():
    """The loaded model, or None when it could not be loaded."""
    global _loaded, _model
    if _loaded:
        return _model
    with _lock:
        if not _loaded:
            started = time.perf_counter()
            try:
                _model = _load()
            except Exception as error:  # noqa: BLE001 - any failure means "match on words"
                logger.warning("Answer matching runs without embeddings: %s", error)
                _model = None
            else:
                logger.info(
                    "Loaded the wordllama embeddings in %.2f s", time.perf_counter() - started
                )
            _loaded = True
    return _model


def embed(texts: list[str]) -> np.ndarray | None:
    """Unit-length embeddings, one row per text, or None without a model."""
    model = embedder()
    if model is None or not texts:
        return None
    return model.embed(texts, norm=True)
