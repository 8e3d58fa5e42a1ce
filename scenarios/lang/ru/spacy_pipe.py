"""The project's lemmatiser as a spaCy pipeline, for researchers who work with `Doc` objects.

    >>> from scenarios.lang.ru.spacy_pipe import make_nlp
    >>> doc = make_nlp()("Приложение не работает")
    >>> [(t.lemma_, t.is_stop, t._.negated) for t in doc]
    [('приложение', False, False), ('не', True, False), ('работать', False, True)]
    >>> doc._.lemma_string
    'приложение не_работать'

Needs the `spacy` extra (`pip install 'scenarios[spacy]'`); nothing else in the package imports spaCy.
spaCy keeps its own tokenizer; our razdel tokens are aligned to its tokens by character offsets.
A spaCy token that is not exactly one of ours (spaCy splits "из-за", joins "т.е.") gets its
lower-cased text as lemma and the flags of the tokens it overlaps. `token.is_stop` belongs to the word
type in spaCy (the lexeme), so where context decides ("не" that moved onto a word, "день" in
"добрый день") the last occurrence wins; `token._.stop` is the value for this occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ...errors import MissingDependency
from ...lemmatisers import Lemmatiser, Token, lemma_string, lemmatisers

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Token as SpacyToken
except ImportError:
    raise MissingDependency("Для конвейера spaCy нужен пакет spacy: pip install 'scenarios[spacy]'") from None

FACTORY = "scenarios_lemmatizer"

for _name in ("negated", "stop"):
    if not SpacyToken.has_extension(_name):
        SpacyToken.set_extension(_name, default=False)
if not Doc.has_extension("lemma_string"):
    Doc.set_extension("lemma_string", default="")
if not Doc.has_extension("lemmatiser"):
    Doc.set_extension("lemmatiser", default="")


class ScenariosLemmatizer:
    """A spaCy component that sets lemmas, UD POS, stop words and negation from a `Lemmatiser`."""

    def __init__(self, lemmatiser: Lemmatiser, batch_size: int = 256) -> None:
        self.lemmatiser = lemmatiser
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        """Annotate one doc."""
        return self._set(doc, self.lemmatiser.lemmatise([doc.text])[0])

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Annotate docs a batch at a time (`nlp.pipe`), as the lemmatiser works on batches."""
        size = batch_size or self.batch_size
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= size:
                yield from self._batch(batch)
                batch = []
        yield from self._batch(batch)

    def _batch(self, docs: list[Doc]) -> Iterator[Doc]:
        if docs:
            for doc, tokens in zip(docs, self.lemmatiser.lemmatise([d.text for d in docs]), strict=True):
                yield self._set(doc, tokens)

    def _set(self, doc: Doc, tokens: list[Token]) -> Doc:
        k = 0
        for token in doc:
            start, end = token.idx, token.idx + len(token.text)
            while k < len(tokens) and tokens[k].end <= start:
                k += 1
            covered = []
            j = k
            while j < len(tokens) and tokens[j].start < end:
                covered.append(tokens[j])
                j += 1
            if not covered:  # whitespace-only spaCy tokens
                continue
            first = covered[0]
            if len(covered) == 1 and (first.start, first.end) == (start, end):
                token.lemma_ = first.lemma
                if first.pos:
                    token.pos_ = first.pos
            else:  # spaCy split one of ours ("из-за") or joined several ("т.е.")
                token.lemma_ = token.text.lower()
            words = [t for t in covered if t.is_word]
            stop = bool(words) and all(t.is_stop for t in words)
            token.lex.is_stop = stop  # spaCy stores is_stop on the word type
            token._.stop = stop
            token._.negated = any(t.negated for t in covered)
        doc._.lemma_string = lemma_string(tokens)
        doc._.lemmatiser = getattr(self.lemmatiser, "id", "")
        return doc


@Language.factory(
    FACTORY,
    default_config={"lemmatiser": "pymorphy", "params": {}, "batch_size": 256},
    assigns=["token.lemma", "token.pos", "token.is_stop", "token._.negated", "token._.stop", "doc._.lemma_string"],
)
def make_component(nlp: Language, name: str, lemmatiser: str, params: dict[str, Any], batch_size: int) -> Any:
    """The spaCy factory: the lemmatiser registered as `lemmatiser`, built with `params`."""
    return ScenariosLemmatizer(lemmatisers.create(lemmatiser, **params), batch_size=batch_size)


def make_nlp(lemmatiser: str = "pymorphy", **params: Any) -> Language:
    """`spacy.blank("ru")` with our lemmatiser; `params` go to it (e.g. `keep_words=["очень"]`).

    Examples:
        >>> nlp = make_nlp(extra_stop_words=["банк"])
        >>> [t.lemma_ for t in nlp("Не перезвонили из банка") if not t.is_stop]
        ['перезвонить']
    """
    nlp = spacy.blank("ru")
    nlp.add_pipe(FACTORY, config={"lemmatiser": lemmatiser, "params": params})
    return nlp
