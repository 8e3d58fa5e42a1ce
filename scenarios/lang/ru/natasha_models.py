"""natasha's Russian models, loaded once per process and shared by every stage that needs them.

Name masking in the digest (`PER`, :mod:`scenarios.digest.redact`) and company detection in
describe (`ORG` and the span normaliser, :mod:`scenarios.describe.companies`) use the same news
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


@cache
def _embedding() -> Any:
    return _natasha().NewsEmbedding()


def segmenter(purpose: str = "делить текст на предложения") -> Any:
    """The `Segmenter` of natasha (razdel sentences and tokens for a natasha `Doc`)."""
    natasha(purpose)
    return _segmenter()


@cache
def _segmenter() -> Any:
    return _natasha().Segmenter()


def ner_tagger(purpose: str = "находить имена и организации") -> Any:
    """The news NER (`PER`, `ORG`, `LOC`), one per process."""
    natasha(purpose)
    return _ner()


@cache
def _ner() -> Any:
    return _natasha().NewsNERTagger(_embedding())


def morph_tagger(purpose: str = "приводить названия к начальной форме") -> Any:
    """The news morphology tagger, on the NER's embedding; one per process."""
    natasha(purpose)
    return _morph()


@cache
def _morph() -> Any:
    return _natasha().NewsMorphTagger(_embedding())


def morph_vocab(purpose: str = "приводить названия к начальной форме") -> Any:
    """The `MorphVocab` of natasha (pymorphy2 dictionaries), which span normalisation needs."""
    natasha(purpose)
    return _vocab()


@cache
def _vocab() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymorphy2 imports the deprecated pkg_resources here
        return _natasha().MorphVocab()
