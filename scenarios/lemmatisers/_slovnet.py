"""slovnet lemmatiser: natasha's neural morphology tagger picks among pymorphy3's readings.

The tagger sees the whole sentence, so it settles some of what the cheap rules of `pymorphy`
cannot: participle or adjective, a name or a common noun. Measured on UD Russian GSD
(`bench/lemmas.py`) it is better on verbs and names, worse elsewhere, about as accurate overall
and 10-15 times slower, so it is an option for checking the default, not the default.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import MissingDependency
from ..memo import Bounded
from ._base import Lemmatiser, Token
from ._pymorphy import RULES_VERSION, core_options, stop_words_config, stop_words_tag

_INSTALL = "Для лемматизатора slovnet нужны natasha, slovnet и navec: pip install natasha"
#: OpenCorpora grammemes as UD features, for the features slovnet predicts and lemmas depend on.
_FEATS = {
    "nomn": ("Case", "Nom"), "gent": ("Case", "Gen"), "gen2": ("Case", "Gen"), "datv": ("Case", "Dat"),
    "accs": ("Case", "Acc"), "ablt": ("Case", "Ins"), "loct": ("Case", "Loc"), "loc2": ("Case", "Loc"),
    "voct": ("Case", "Voc"), "sing": ("Number", "Sing"), "plur": ("Number", "Plur"),
    "masc": ("Gender", "Masc"), "femn": ("Gender", "Fem"), "neut": ("Gender", "Neut"),
    "perf": ("Aspect", "Perf"), "impf": ("Aspect", "Imp"), "past": ("Tense", "Past"), "pres": ("Tense", "Pres"),
    "futr": ("Tense", "Fut"), "INFN": ("VerbForm", "Inf"), "PRTF": ("VerbForm", "Part"),
    "PRTS": ("VerbForm", "Part"), "GRND": ("VerbForm", "Conv"), "VERB": ("VerbForm", "Fin"),
    "1per": ("Person", "1"), "2per": ("Person", "2"), "3per": ("Person", "3"),
}  # fmt: skip
_SAME_POS = {"PROPN": "NOUN", "AUX": "VERB", "SCONJ": "CCONJ"}


def natasha_data() -> Path:
    """Where the natasha package keeps navec embeddings and slovnet models.

    Found without importing natasha, whose import pulls in pymorphy2.
    """
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency(_INSTALL)
    return Path(next(iter(spec.submodule_search_locations))) / "data"


class SlovnetLemmatiser(Lemmatiser):
    """razdel + pymorphy3 readings, chosen by slovnet's UD tags instead of the context rules.

    Args:
        batch_size: sentences per slovnet batch.
        domain_stop_words: also drop interview chatter (`DOMAIN_STOP_WORDS`).
        extra_stop_words: more words (forms or lemmas) to drop.
        keep_words: stop words to keep.

    Examples:
        >>> [t.lemma for t in SlovnetLemmatiser().lemmatise(["Не перезвонили"])[0]]
        ['не', 'перезвонить']
    """

    def __init__(
        self,
        *,
        batch_size: int = 64,
        domain_stop_words: bool = True,
        extra_stop_words: Sequence[str] = (),
        keep_words: Sequence[str] = (),
    ) -> None:
        try:
            from navec import Navec
            from slovnet import Morph
        except ImportError:
            raise MissingDependency(_INSTALL) from None
        from ._russian import RussianLemmatizer

        data = natasha_data()
        self.morph = Morph.load(str(data / "model" / "slovnet_morph_news_v1.tar"), batch_size=batch_size)
        self.morph.navec(Navec.load(str(data / "emb" / "navec_news_v1_1B_250K_300d_100q.tar")))
        self.core = RussianLemmatizer(**core_options(domain_stop_words, extra_stop_words, keep_words))
        self.name = "slovnet"
        self.id = f"slovnet:news1+ctx{RULES_VERSION}" + stop_words_tag(domain_stop_words, extra_stop_words, keep_words)
        self.config = {"batch_size": batch_size,
                       **stop_words_config(domain_stop_words, extra_stop_words, keep_words)}
        self._parses: Bounded[str, list[tuple[str, str, frozenset[tuple[str, str]]]]] = Bounded(
            self.core.cache_size)

    def lemmatise(self, texts: Sequence[str]) -> list[list[Token]]:
        """Return the tokens of each text, in order, with offsets into that text."""
        from ._russian import tokenize

        core = self.core
        spans = [tokenize(text) for text in texts]
        tagged = iter(self.morph.map([[s[2] for s in sp] for sp in spans if sp]))
        results = []
        for sp in spans:
            tags = next(tagged).tokens if sp else []
            entries = [core.entry(s[2]) for s in sp]
            chosen = [
                self._pick(entry, s[2], tag.pos, tag.feats) if len(entry.readings) > 1 else entry.readings[0]
                for s, entry, tag in zip(sp, entries, tags, strict=True)
            ]
            results.append(core.assemble(sp, entries, chosen))
        return results

    def _pick(self, entry: Any, form: str, pos: str, feats: dict[str, str]) -> Any:
        """The reading whose best parse matches slovnet's tag: POS first, then features."""
        pos = _SAME_POS.get(pos, pos)
        best, best_score = None, -1.0
        for lemma, parse_pos, parse_feats in self._readings_of(form):
            score = 2.0 * (parse_pos == pos) + sum(feats.get(k) == v for k, v in parse_feats)
            if score > best_score:
                best, best_score = lemma, score
        return next((r for r in entry.readings if r.lemma == best), entry.readings[0])

    def _readings_of(self, form: str) -> list[tuple[str, str, frozenset[tuple[str, str]]]]:
        """(lemma, UD POS, UD features) of every pymorphy3 parse of `form`, cached."""
        lower = form.lower()
        parses = self._parses.get(lower)
        if parses is None:
            core = self.core
            parses = self._parses.remember(lower, [
                (core.lemma_of(p, lower), _ud_pos(p.tag), frozenset(_FEATS[g] for g in p.tag.grammemes if g in _FEATS))
                for p in core.morph.parse(lower)
            ])
        return parses


def _ud_pos(tag: Any) -> str:
    from ._russian import OPENCORPORA_UPOS

    pos = OPENCORPORA_UPOS.get(tag.POS or "", "X")
    return "DET" if pos == "ADJ" and "Apro" in tag.grammemes else pos
