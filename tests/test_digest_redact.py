"""Redaction of personal data in digests: phones, e-mails, cards, accounts, names — not companies."""

from __future__ import annotations

import pytest

from scenarios.decode import decode
from scenarios.digest.redact import ACCOUNT, CARD, EMAIL, NAME, PHONE, Redactor, apply, map_span, redact

from .conftest import CORPUS


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    pytest.importorskip("natasha")
    return Redactor(["Банк Ладья"])


@pytest.mark.parametrize("phone", [
    "+7 (912) 345-67-89", "+7(912)345-67-89", "+7 912 345 67 89", "+79123456789", "89123456789",
    "8 (800) 555-35-35", "8-912-345-67-89", "8 912 3456789",
])
def test_phones(phone: str) -> None:
    text = f"Перезвоните мне на {phone}, пожалуйста."
    assert redact(text, names=False) == f"Перезвоните мне на {PHONE}, пожалуйста."


@pytest.mark.parametrize("email", ["ivan.petrov@mail.ru", "olga_k-85@yandex.ru", "support+bank@ladya-bank.com"])
def test_emails(email: str) -> None:
    assert redact(f"Пишите на {email} до пятницы.", names=False) == f"Пишите на {EMAIL} до пятницы."


@pytest.mark.parametrize("card", ["4276 3800 1234 5678", "4276380012345678", "2200-1234-5678-9012",
                                  "5469 3800 1234 5678 901"])
def test_cards(card: str) -> None:
    assert redact(f"Списали с карты {card} дважды.", names=False) == f"Списали с карты {CARD} дважды."


@pytest.mark.parametrize("account", ["40817810099910004312", "40817 810 0 9999 1000431", "4081 7810 0999 1000 4312"])
def test_accounts(account: str) -> None:
    assert redact(f"Переведите на счёт {account}.", names=False) == f"Переведите на счёт {ACCOUNT}."


@pytest.mark.parametrize("text", [
    "Сумма 150 000 рублей, перевод 2 500 руб.",
    "Договор № 123456 от 2026-03-14, заявка 7781234.",
    "Ставка 17,5%, срок 12 месяцев, код 1234.",
])
def test_numbers_that_are_not_personal_stay(text: str) -> None:
    assert redact(text, names=False) == text


def test_names_masked_companies_kept(redactor: Redactor) -> None:
    text = ("Интервьюер: Роман, здравствуйте. Расскажите, как выбирали банк?\n"
            "Клиент: Меня обслуживала менеджер Елена Игоревна, очень помогла. В Сбере и у Тинькофф дороже, "
            "в Альфе тоже, а Ладья бесплатная. Звонил Иванов Пётр Сергеевич, потом Захарова П. из ВТБ.")
    out = redactor.redact(text)
    for name in ("Роман", "Елена", "Игоревна", "Иванов", "Пётр", "Сергеевич", "Захарова"):
        assert name not in out
    assert out.count(NAME) == 4
    for company in ("Сбере", "Тинькофф", "Альфе", "Ладья", "ВТБ"):
        assert company in out
    for word in ("Интервьюер", "Клиент", "Расскажите"):
        assert word in out


def test_everything_at_once(redactor: Redactor) -> None:
    text = ("Клиентка Марина Олеговна Белоусова просит перезвонить на +7 912 345-67-89 или написать на "
            "m.belousova@mail.ru. Карта 4276 3800 1234 5678 заблокирована, зарплата приходит на счёт "
            "40817810099910004312 в Банке Ладья, раньше была в Газпромбанке.")
    out = redactor.redact(text)
    assert out == (f"Клиентка {NAME} просит перезвонить на {PHONE} или написать на {EMAIL}. Карта {CARD} "
                   f"заблокирована, зарплата приходит на счёт {ACCOUNT} в Банке Ладья, раньше была в Газпромбанке.")


def test_brands_taken_for_people_stay(redactor: Redactor) -> None:
    text = "У меня Хонор, у жены Самсунг, приложение вылетает на обоих. Отлично, спасибо."
    assert redactor.redact(text) == text


def test_quote_offsets_follow_redaction(redactor: Redactor) -> None:
    text = "Оператор: Здравствуйте. Клиент: Меня зовут Анна Сергеевна, мой номер 89123456789, жду звонка."
    spans = redactor.spans(text)
    quote_start = text.index("Меня")
    quote_end = text.index("жду") - 2
    start, end = map_span(spans, quote_start, quote_end)
    assert apply(text, spans)[start:end] == f"Меня зовут {NAME}, мой номер {PHONE}"
    # a quote that starts inside a name widens to the whole placeholder
    start, end = map_span(spans, text.index("Сергеевна"), quote_end)
    assert apply(text, spans)[start:end].startswith(NAME)


def test_batched_names_mask_exactly_what_one_text_at_a_time_does() -> None:
    pytest.importorskip("natasha")
    texts = [decode(p.read_bytes())[0] for p in sorted((CORPUS / "stories").rglob("*.txt"))[:40]]
    assert len(texts) == 40
    one_by_one = [Redactor(["Банк Ладья"]).redact(t) for t in texts]
    batched = Redactor(["Банк Ладья"])
    batched.prefetch(texts)
    assert [batched.redact(t) for t in texts] == one_by_one
    assert any(NAME in t for t in one_by_one), "the interviews name people"
