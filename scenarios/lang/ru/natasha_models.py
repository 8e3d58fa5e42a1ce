"""natasha's Russian models, loaded once per process and shared by every stage that needs them.

Name masking in the digest (`PER`, :mod:`scenarios.digest.redact`) and company detection in
describe (`ORG` and the span normaliser, :mod:`scenarios.describers.companies`) use the same news
NER; `scenarios serve` runs both, so loading it twice held two copies of the model (and of the
navec embedding under it) in memory. Every loader here is cached, and the morphology tagger is
built on the same embedding as the NER.

Callers run the models under :func:`scenarios.threads.single_blas_thread`: natasha's taggers are
numpy matrix products that fight over cores otherwise.
"""

from __future__ import annotations

import warnings
from functools import cache
from types import ModuleType
from typing import Any

from ...errors import MissingDependency


@cache
def _natasha() -> ModuleType:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # natasha's pymorphy2 imports the deprecated pkg_resources
        import natasha
    return natasha


def natasha(purpose: str) -> ModuleType:
    """The natasha package; `purpose` completes the Russian message when it is not installed.

    `purpose` reads "Чтобы {purpose}, нужен пакет natasha", e.g. "скрывать имена".
    """
    try:
        return _natasha()
    except ImportError:
        raise MissingDependency(f"Чтобы {purpose}, нужен пакет natasha: pip install natasha") from None


def segmenter(purpose: str = "делить текст на предложения") -> Any:
    """The `Segmenter` of natasha (razdel sentences and tokens for a natasha `Doc`)."""
    return _loaded("Segmenter", purpose)


def ner_tagger(purpose: str = "находить имена и организации") -> Any:
    """The news NER (`PER`, `ORG`, `LOC`), one per process."""
    return _loaded("NewsNERTagger", purpose)


def morph_tagger(purpose: str = "приводить названия к начальной форме") -> Any:
    """The news morphology tagger, on the NER's embedding; one per process."""
    return _loaded("NewsMorphTagger", purpose)


def morph_vocab(purpose: str = "приводить названия к начальной форме") -> Any:
    """The `MorphVocab` of natasha (pymorphy2 dictionaries), which span normalisation needs."""
    return _loaded("MorphVocab", purpose)


def _loaded(name: str, purpose: str) -> Any:
    natasha(purpose)  # the clear error when natasha is missing
    return _model(name)


#: The models built on the news embedding (navec), which they share.
_ON_EMBEDDING = {"NewsNERTagger", "NewsMorphTagger"}


@cache
def _model(name: str) -> Any:
    """The natasha class `name`, built once; the taggers get the one shared embedding."""
    make = getattr(_natasha(), name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MorphVocab's pymorphy2 imports the deprecated pkg_resources
        return make(_model("NewsEmbedding")) if name in _ON_EMBEDDING else make()
