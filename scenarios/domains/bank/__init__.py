"""The retail-bank domain: kind seeds and cues, and the companies a bank's clients name."""

from .. import Domain
from .companies import COMPANIES, EXACT_CASE, HANDLES, INDUSTRIES
from .kinds import CUES, SEEDS

DOMAIN = Domain(name="bank", industry="bank", seeds=SEEDS, cues=CUES, companies=COMPANIES,
                industries=INDUSTRIES, exact_case=EXACT_CASE, handles=HANDLES,
                label_stop_words=frozenset({"банк", "клиент"}))
