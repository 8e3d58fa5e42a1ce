"""Lemmatisers: text in, tokens with lemmas, stop-word and negation flags out.

Built-ins are registered here by name; other packages add theirs through the entry-point group
`scenarios.lemmatisers`:

- `pymorphy`: the default, razdel + pymorphy3 with context rules, fast.
- `pymorphy-first`: pymorphy3's first parse of each word, the baseline it is measured against.
- `slovnet`: natasha's slovnet morphology tagger choosing among pymorphy3's readings; slower.
"""

from ..registry import Registry
from ._base import Lemmatiser, Token, lemma_string

lemmatisers: Registry[Lemmatiser] = Registry("lemmatisers")
lemmatisers.register_lazy("pymorphy", "scenarios.lemmatisers._pymorphy:PymorphyLemmatiser")
lemmatisers.register_lazy("pymorphy-first", "scenarios.lemmatisers._pymorphy:first_parse")
lemmatisers.register_lazy("slovnet", "scenarios.lemmatisers._slovnet:SlovnetLemmatiser")

__all__ = ["Lemmatiser", "Token", "lemma_string", "lemmatisers"]
