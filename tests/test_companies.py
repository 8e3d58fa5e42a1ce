"""Companies clients name are found in any case form, normalised, counted per story; the own bank is kept apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenarios.describers import companies
from scenarios.describers._base import Member
from scenarios.describers.companies import CompanyCount, CompanyFinder, word_forms
from scenarios.lemmatisers import lemmatisers
from scenarios.memo import Bounded

OWN = "Банк Ладья"


@pytest.fixture(scope="module")
def finder() -> CompanyFinder:
    return CompanyFinder(own=OWN, ner=False)


@pytest.fixture(scope="module")
def ner_finder() -> CompanyFinder:
    pytest.importorskip("natasha")
    return CompanyFinder(own=OWN)


def names(finder: CompanyFinder, text: str, own: bool = False) -> list[str]:
    return [m.name for m in finder.find([text])[0] if own or not m.own]


def member(text: str, story: str) -> Member:
    return Member(f"{story}-{hash(text)}", story, None, 0, len(text), text, (), np.zeros(4, dtype=np.float32))


# Sentences of the demo corpus (and the brief's), with the competitors they name.
@pytest.mark.parametrize(("text", "expected"), [
    ("у меня зарплатная карта была в Сбере, там за обслуживание 150 рублей в месяц снимали", ["Сбербанк"]),
    ("у Тинькоффа кешбэк больше", ["Т-Банк"]),
    ("перешла из ВТБ, там страховку навязывали", ["ВТБ"]),
    ("Альфа даёт больше", ["Альфа-Банк"]),
    ("Сказал, что сравнивал с ВТБ и Сбером, и у нас ставка на 1% выше при том же сроке", ["ВТБ", "Сбербанк"]),
    ("у неё тинькофф кэшбэк на заправки пять процентов даёт а у меня с ладьи копейки", ["Т-Банк"]),
    ("Клиент сообщил, что перевёл вклад к нам из Почта Банка, у нас на 1,5% выгоднее", ["Почта Банк"]),
    ("Ставка по накопительному счёту 12%, а у Озон Банка 16 на такой же.", ["Озон Банк"]),
    ("Кэшбэк слабоват. Жена с Озон-карты на маркетплейсе получает в разы больше", ["Озон Банк"]),
    ("У подруги в Т-Банке каждый месяц 5 категорий на выбор, а у меня 1% на всё", ["Т-Банк"]),
    ("В Газпромбанке на полгода дают двадцать один процент, а у вас по «Надёжному» восемнадцать", ["Газпромбанк"]),
    ("Сбер даёт по вкладу 17%, ВТБ 17,5, а у вас «Надёжный» 14", ["Сбербанк", "ВТБ"]),
    ("Долго сидела в сбербанке по привычке", ["Сбербанк"]),
    ("Да, Альфу смотрел и Точку. В Альфе за обслуживание счёта ИП хотели почти две тысячи", ["Альфа-Банк", "Точка", "Альфа-Банк"]),
    ("Банкомат Ладьи прямо в нашем Магните, по дороге с работы", ["Магнит"]),
])
def test_finds_competitors_in_corpus_sentences(finder: CompanyFinder, text: str, expected: list[str]) -> None:
    assert names(finder, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Платила Сбербанку за смс", "Сбербанк"), ("доволен Сбербанком", "Сбербанк"), ("у Сбера", "Сбербанк"),
    ("звонили из Тинькофф Банка", "Т-Банк"), ("тиньку верю больше", "Т-Банк"), ("в тинеке", "Т-Банк"),
    ("в т-банке", "Т-Банк"), ("В Тбанке", "Т-Банк"), ("расплатилась Альфой", "Альфа-Банк"),
    ("в Альфа-Банке", "Альфа-Банк"), ("в Райфе", "Райффайзенбанк"), ("у Совкомбанка халва", "Совкомбанк"),
    ("ушла в Почта Банк", "Почта Банк"), ("в почта банке", "Почта Банк"), ("кредит в Хоум Кредите", "Хоум Банк"),
    ("счёт в ГПБ", "Газпромбанк"), ("в Русском Стандарте", "Русский Стандарт"), ("в МТС Банке", "МТС Банк"),
    ("симка МТС", "МТС"), ("заказала на Озоне", "Ozon"), ("с Вайлдберриз", "Wildberries"), ("в Открытии", "Банк Открытие"),
])
def test_inflected_forms_normalise_to_one_name(finder: CompanyFinder, text: str, expected: str) -> None:
    assert names(finder, text) == [expected]


@pytest.mark.parametrize("text", [
    "сбор документов занял неделю",
    "мои сбережения лежат на вкладе",
    "у вас альфа-версия приложения, а не банк",
    "Открытие вклада заняло час, при открытии счёта всё прошло быстро",
    "Магнит на холодильник подарили в отделении",
    "Поставлю точку в этой истории. Точка.",
    "лента новостей в приложении пустая",
    "перекрёсток у отделения перекрыли",
    "служба безопасности банка позвонила",
])
def test_no_company_in_ordinary_words(finder: CompanyFinder, text: str) -> None:
    assert names(finder, text, own=True) == []


def test_mentions_point_into_the_text(finder: CompanyFinder) -> None:
    text = "Перешла в Ладью из Сбера осенью, а муж остался в Т-Банке."
    found = finder.find([text])[0]
    assert [(m.name, m.surface, m.own) for m in found] == [
        ("Банк Ладья", "Ладью", True), ("Сбербанк", "Сбера", False), ("Т-Банк", "Т-Банке", False)]
    assert all(text[m.start:m.end] == m.surface for m in found)


def test_own_company_is_counted_only_when_asked(finder: CompanyFinder) -> None:
    members = [
        member("Перешла в Ладью из Сбера осенью и ни разу не пожалела", "a"),
        member("В Сбере ставка та же, но комиссия за электронную регистрацию. В Сбере очереди.", "b"),
        member("Зарплатную карту нам в компании сделали в Ладье, думал переводить всё в Тинькофф", "c"),
    ]
    assert finder.count(members) == [CompanyCount("Сбербанк", 3, 2, industry="bank", competitor=True),
                                     CompanyCount("Т-Банк", 1, 1, industry="bank", competitor=True)]
    with_own = finder.count(members, include_own=True)
    assert CompanyCount(OWN, 2, 2, own=True, industry="bank") in with_own


def test_own_company_given_with_aliases_replaces_a_listed_one() -> None:
    finder = CompanyFinder(own={"Сбербанк": ["СберБизнес"]}, ner=False)
    found = finder.find(["Открыл счёт в СберБизнесе, раньше был в Сбере и Альфе"])[0]
    assert [(m.name, m.own) for m in found] == [("Сбербанк", True), ("Сбербанк", True), ("Альфа-Банк", False)]
    assert [c.name for c in finder.count([member("у Сбера и у Альфы", "a")])] == ["Альфа-Банк"]


def test_user_alias_list_extends_the_built_in_one() -> None:
    finder = CompanyFinder(aliases={"Уралсиб": ["БашСиб"], "Кредитный кооператив Заря": ["Заря"]}, ner=False)
    text = "В БашСибе ставка выше, в Уралсибе тоже, а в Сбере ниже; в Заре вообще двадцать"
    assert names(finder, text) == ["Уралсиб", "Уралсиб", "Сбербанк", "Кредитный кооператив Заря"]
    assert finder.is_competitor("Кредитный кооператив Заря"), "a user's company is of the own industry by default"


def test_count_orders_by_stories_then_mentions(finder: CompanyFinder) -> None:
    members = [member("ВТБ, ВТБ и ещё раз ВТБ", "a"), member("в Альфе", "b"), member("у Альфы", "c")]
    assert [c.name for c in finder.count(members)] == ["Альфа-Банк", "ВТБ"]
    assert finder.count([]) == []


def test_count_reads_unsampled_texts_by_alias_and_limits_ner(ner_finder: CompanyFinder,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:

    calls: list[str] = []
    real = companies.organisations
    monkeypatch.setattr(companies, "organisations", lambda texts: calls.extend(texts) or real(texts))
    finder = CompanyFinder(own=OWN)
    sample = [member("Страховку оформила в Ингосстрахе.", "a"), member("А в Сбере ставка ниже.", "b")]
    rest = [("c", "Ушла в Сбер, там кешбэк."), ("d", "Страховку оформила в Ингосстрахе.")]
    counts = finder.count(sample, unsampled=rest, ner_limit=1)
    assert calls == ["Страховку оформила в Ингосстрахе."], "NER reads only the first member"
    by_name = {c.name: c for c in counts}
    assert by_name["Сбербанк"].stories == 2, "listed names count in unsampled texts too"
    assert by_name["Ингосстрах"].stories == 1, "an NER-only name counts where NER read"
    assert not by_name["Ингосстрах"].competitor, "an insurer is not a bank's competitor"


def test_word_forms() -> None:
    assert {"сбер", "сбера", "сбере", "сбером"} <= word_forms("Сбер")
    assert {"альфа", "альфе", "альфу", "альфой"} <= word_forms("Альфа")
    assert {"ладья", "ладьи", "ладье", "ладью", "ладьей"} <= word_forms("Ладья")
    assert {"втб", "втба", "втбом"} <= word_forms("ВТБ") and {"мтса", "мтсом", "мтсе"} <= word_forms("МТС")
    assert {"сбербанковский", "сбербанковская", "сбербанковского"} <= word_forms("Сбербанк")
    assert {"билайновский", "тиньковский"} <= word_forms("Билайн") | word_forms("Тиньков")
    assert word_forms("Авито") == {"авито"}


def test_finder_matches_by_the_lemmatiser_form_too(finder: CompanyFinder) -> None:
    # Every inflected competitor the lemmatiser reduces to one lemma is one company.
    lemmatiser = lemmatisers.create("pymorphy")
    texts = ["в Сбере", "Сбера", "Сбером", "Сбербанку"]
    assert {t.lemma for toks in lemmatiser.lemmatise(texts) for t in toks if t.is_word and not t.is_stop} <= {"сбер", "сбербанк"}
    assert {m.name for found in finder.find(texts) for m in found} == {"Сбербанк"}


# My own sentences (written for these tests, not taken from any data set), with every company each
# names, in order: handles, hashtags, case forms of abbreviations, adjectives, Latin spellings.
LABELLED = [
    ("@sberbank третий день не работает перевод", ["Сбербанк"]),
    ("Пишу в @tinkoffbank, а отвечает бот", ["Т-Банк"]),
    ("Связь пропала опять #мтс #билайн", ["МТС", "Билайн"]),
    ("@ru_mts верните деньги за подписку", ["МТС"]),
    ("@megafonru когда починят интернет?", ["МегаФон"]),
    ("У МТСа роуминг дешевле, чем у МегаФона", ["МТС", "МегаФон"]),
    ("Перешёл с МТСом на другой тариф", ["МТС"]),
    ("сбербанковский кешбэк смешной", ["Сбербанк"]),
    ("билайновская симка не ловит в метро", ["Билайн"]),
    ("тиньковская поддержка отвечает быстрее всех", ["Т-Банк"]),
    ("Раньше был в Raiffeisen, теперь в Tinkoff", ["Райффайзенбанк", "Т-Банк"]),
    ("Приложение Sberbank Online удобнее", ["Сбербанк"]),
    ("Купила телефон Samsung в рассрочку в М.Видео", ["Samsung", "М.Видео"]),
    ("Xiaomi подарили за открытие вклада", ["Xiaomi"]),
    ("Перенесла номер в Теле 2, там дешевле", ["Т2"]),
    ("Кредит брала в Банке Москвы ещё до слияния", ["Банк Москвы"]),
    ("у Уралсиба ставка по вкладу выше", ["Уралсиб"]),
    ("Совкомбанк-это лучший банк для пенсионеров", ["Совкомбанк"]),
    ("в россельхоз банке очередь на час", ["Россельхозбанк"]),
    ("Сравнивала с Райффайзеном и ВТБ, у вас выгоднее", ["Райффайзенбанк", "ВТБ"]),
    ("открыла счёт в точке продаж у дома", []),
    ("альфа-тестирование новой версии прошло", []),
    ("мои сбережения никто не трогал", []),
    ("В отделении на Ленина всегда вежливо встречают", []),
    ("Пятёрочка у дома принимает карту без комиссии", ["Пятёрочка"]),
]


@pytest.mark.parametrize(("text", "expected"), LABELLED)
def test_labelled_sentences(finder: CompanyFinder, text: str, expected: list[str]) -> None:
    assert names(finder, text) == expected


def test_competitors_are_of_the_own_industry(finder: CompanyFinder) -> None:
    members = [member("В Сбере кешбэк выше, а телефон Samsung я купила в Магните, связь МТС", "a")]
    counts = {c.name: c for c in finder.count(members)}
    assert counts["Сбербанк"].competitor and counts["Сбербанк"].industry == "bank"
    assert not any(counts[n].competitor for n in ("Samsung", "Магнит", "МТС"))
    assert {counts[n].industry for n in ("Samsung", "Магнит", "МТС")} == {"tech", "retail", "telecom"}


def test_handle_spellings_get_the_canonical_name(finder: CompanyFinder) -> None:
    assert [finder.canonical(h) for h in ("Beeline_RUS", "MegaFonHelp", "ru_mts", "sberbank", "Вымпелком")] == [
        "Билайн", "МегаФон", "МТС", "Сбербанк", "Билайн"]
    assert finder.canonical("weather_today") is None


# -- NER ------------------------------------------------------------------------------------------


def test_ner_finds_an_organisation_missing_from_the_list(ner_finder: CompanyFinder) -> None:
    found = ner_finder.find(["Раньше работала в Газпром нефти, зарплату переводили в Роснефть."])[0]
    assert [(m.name, m.source) for m in found] == [("Газпром нефть", "ner"), ("Роснефть", "ner")]


def test_ner_keeps_listed_names_and_own_company_apart(ner_finder: CompanyFinder) -> None:
    found = ner_finder.find(["Открыла вклад в Банке Ладья, а до этого была в Почта Банке и Хоум Кредите."])[0]
    assert [(m.name, m.own) for m in found] == [("Банк Ладья", True), ("Почта Банк", False), ("Хоум Банк", False)]


@pytest.mark.parametrize("text", [
    "ОПЕРАТОР!!! СОЕДИНИТЕ С ОПЕРАТОРОМ, а не с ботом",
    "У вас по «Надёжному» восемнадцать с копейками.",
    "Счёт ИП открыли за день, ГИБДД штраф оплатила в приложении.",
    "Магнит на холодильник подарили в отделении",
    "Звонили якобы из ЦБ, просили перевести деньги на безопасный счёт",
])
def test_ner_noise_is_not_a_company(ner_finder: CompanyFinder, text: str) -> None:
    assert names(ner_finder, text) == []


def test_ner_runs_once_per_text(ner_finder: CompanyFinder, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = companies._run_ner
    monkeypatch.setattr(companies, "_ORGANISATIONS", Bounded(1000))
    monkeypatch.setattr(companies, "_run_ner", lambda texts, size: calls.extend(texts) or real(texts, size))
    text = "Страховку оформила в Ингосстрахе."
    plain = "страховку оформила в ингосстрахе, все без проблем"
    first, again, _ = CompanyFinder(own=OWN).find([text, text, plain])
    # a second finder (describe again in the same process) reads the cache too
    assert first == again == CompanyFinder(own=OWN).find([text])[0] and calls == [text]
    assert [m.name for m in first] == ["Ингосстрах"]


@pytest.mark.parametrize(("text", "may"), [
    ("Перешла в Тинькофф, там кэшбэк больше.", True),       # a capital inside a sentence
    ("Тинькофф перезвонил через час.", True),              # a sentence-initial word pymorphy3 does not know
    ("Оформила карту в Альфе.", True),
    ("Перевела деньги через SberPay за минуту.", True),     # a Latin word
    ("Оператор перезвонил через час. Всё решили.", False),  # only ordinary sentence-initial words
    ("спасибо большое, все быстро сделали", False),
])
def test_only_texts_that_can_name_a_company_go_to_ner(text: str, may: bool) -> None:
    assert companies.may_name_company(text) is may


@pytest.mark.slow
def test_the_ner_filter_loses_no_company_on_real_reviews(shared_data: Path) -> None:
    """Every organisation NER finds and the finder keeps is in a text the filter lets through."""
    import csv

    from razdel import sentenize

    with open(shared_data / "banki_reviews_themes.csv", encoding="utf-8") as f:
        reviews = [row["text"] for row, _ in zip(csv.DictReader(f), range(150))]
    sentences = list(dict.fromkeys(s.text for review in reviews for s in sentenize(review)))
    found = companies._run_ner(sentences)
    kept = [(text, normal) for text, spans in zip(sentences, found) for _, _, normal in spans
            if companies.looks_like_name(normal)]
    assert len(kept) >= 20
    assert [pair for pair in kept if not companies.may_name_company(pair[0])] == []
    assert sum(map(companies.may_name_company, sentences)) < 0.6 * len(sentences)


def test_ner_names_are_canonical(ner_finder: CompanyFinder) -> None:
    found = ner_finder.find(["Beeline_RUS второй день не отвечает, а MegaFonHelp ответил сразу"])[0]
    assert {m.name for m in found} <= {"Билайн", "МегаФон"} and "МегаФон" in {m.name for m in found}
