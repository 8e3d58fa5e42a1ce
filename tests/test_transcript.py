"""Speaker turns: the transcript forms managers paste, and the reviews that only look labelled."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.transcript import Turn, parse_turns

Expected = list[tuple[str | None, str, str, str | None]]  # speaker, role, speech, time


def view(text: str) -> Expected:
    return [(t.speaker, t.role, text[t.start : t.end], t.time) for t in parse_turns(text)]


def check_spans(text: str, turns: list[Turn]) -> None:
    """Turns are numbered, ordered, disjoint, inside the text and stripped."""
    prev_end = 0
    for i, t in enumerate(turns):
        assert t.index == i
        assert prev_end <= t.start <= t.end <= len(text)
        if t.start < t.end:
            assert not text[t.start].isspace() and not text[t.end - 1].isspace()
        prev_end = t.end


FORMS: dict[str, tuple[str, Expected]] = {
    "role words": (
        "Интервьюер: Как вы выбрали банк?\nКлиент: По отзывам, честно говоря.",
        [
            ("Интервьюер", "company", "Как вы выбрали банк?", None),
            ("Клиент", "client", "По отзывам, честно говоря.", None),
        ],
    ),
    "initials И/К": (
        "И: Что было дальше?\nК: Карту заблокировали.",
        [("И", "company", "Что было дальше?", None), ("К", "client", "Карту заблокировали.", None)],
    ),
    "manager": (
        "Менеджер: Чем могу помочь?\nКлиент: Не приходит смс с кодом.",
        [
            ("Менеджер", "company", "Чем могу помочь?", None),
            ("Клиент", "client", "Не приходит смс с кодом.", None),
        ],
    ),
    "call centre": (
        "Оператор: Слушаю вас.\nАбонент: У меня списали деньги дважды.",
        [
            ("Оператор", "company", "Слушаю вас.", None),
            ("Абонент", "client", "У меня списали деньги дважды.", None),
        ],
    ),
    "names": (
        "Ольга: Почему вы закрыли вклад?\nАнна Петровна: Ставку снизили, вот и закрыла.\n"
        "Ольга: А куда перевели деньги?\nАнна Петровна: В другой банк.",
        [
            ("Ольга", "company", "Почему вы закрыли вклад?", None),
            ("Анна Петровна", "client", "Ставку снизили, вот и закрыла.", None),
            ("Ольга", "company", "А куда перевели деньги?", None),
            ("Анна Петровна", "client", "В другой банк.", None),
        ],
    ),
    "square timestamp": (
        "[00:01:23] Интервьюер: Как часто пользуетесь приложением?\n[00:01:31] Ирина: Каждый день.",
        [
            ("Интервьюер", "company", "Как часто пользуетесь приложением?", "00:01:23"),
            ("Ирина", "client", "Каждый день.", "00:01:31"),
        ],
    ),
    "round timestamp": (
        "(00:01:23) Интервьюер: Что мешает?\n(00:02:05) Клиент: Реклама на главном экране.",
        [
            ("Интервьюер", "company", "Что мешает?", "00:01:23"),
            ("Клиент", "client", "Реклама на главном экране.", "00:02:05"),
        ],
    ),
    "timestamp name no colon": (
        "00:01:23 Мария Как вы узнали про кэшбэк?\n00:01:40 Игорь Сергеевич Из рассылки, кажется.",
        [
            ("Мария", "company", "Как вы узнали про кэшбэк?", "00:01:23"),
            ("Игорь Сергеевич", "client", "Из рассылки, кажется.", "00:01:40"),
        ],
    ),
    "short timestamp no colon": (
        "00:01 Интервьюер Сколько у вас карт?\n00:07 Клиент Две, обе дебетовые.",
        [
            ("Интервьюер", "company", "Сколько у вас карт?", "00:01"),
            ("Клиент", "client", "Две, обе дебетовые.", "00:07"),
        ],
    ),
    "label then timestamp line": (
        "Интервьюер 00:00:05\nРасскажите о себе?\nКлиент 00:00:09\nЯ ИП, у меня кофейня.",
        [
            ("Интервьюер", "company", "Расскажите о себе?", "00:00:05"),
            ("Клиент", "client", "Я ИП, у меня кофейня.", "00:00:09"),
        ],
    ),
    "Q/A latin": (
        "Q: Как быстро одобрили кредит?\nA: За два дня.",
        [("Q", "company", "Как быстро одобрили кредит?", None), ("A", "client", "За два дня.", None)],
    ),
    "Q/А cyrillic answer": (
        "Q: Что бы вы поменяли?\nА: Лимиты на переводы.",
        [("Q", "company", "Что бы вы поменяли?", None), ("А", "client", "Лимиты на переводы.", None)],
    ),
    "em dashes": (
        "— Как вы оплачиваете покупки?\n— Телефоном, карту не ношу.\n— А если терминал не работает?\n"
        "— Тогда наличными.",
        [
            ("—", "company", "Как вы оплачиваете покупки?", None),
            ("—", "client", "Телефоном, карту не ношу.", None),
            ("—", "company", "А если терминал не работает?", None),
            ("—", "client", "Тогда наличными.", None),
        ],
    ),
    "en dashes": (
        "– Что было самым сложным?\n– Собрать справки.",
        [("–", "company", "Что было самым сложным?", None), ("–", "client", "Собрать справки.", None)],
    ),
    "hyphens": (
        "- Вы звонили в поддержку?\n- Да, трижды.",
        [("-", "company", "Вы звонили в поддержку?", None), ("-", "client", "Да, трижды.", None)],
    ),
    "markdown bold": (
        "**Интервьюер:** Что бесит больше всего?\n**Клиент:** Очереди в отделении.",
        [
            ("Интервьюер", "company", "Что бесит больше всего?", None),
            ("Клиент", "client", "Очереди в отделении.", None),
        ],
    ),
    "case-insensitive roles": (
        "ИНТЕРВЬЮЕР: Как оформляли ипотеку?\nклиент: через брокера.",
        [
            ("ИНТЕРВЬЮЕР", "company", "Как оформляли ипотеку?", None),
            ("клиент", "client", "через брокера.", None),
        ],
    ),
    "numbered speakers": (
        "Спикер 1: Как вы храните сбережения?\nСпикер 2: На вкладе.\nСпикер 1: Почему не в фондах?",
        [
            ("Спикер 1", "company", "Как вы храните сбережения?", None),
            ("Спикер 2", "client", "На вкладе.", None),
            ("Спикер 1", "company", "Почему не в фондах?", None),
        ],
    ),
    "name with role in brackets": (
        "Менеджер (Светлана): Что случилось?\nДенис (клиент): Не проходит платёж.",
        [
            ("Менеджер (Светлана)", "company", "Что случилось?", None),
            ("Денис (клиент)", "client", "Не проходит платёж.", None),
        ],
    ),
}


@pytest.mark.parametrize("text, expected", FORMS.values(), ids=FORMS.keys())
def test_transcript_forms(text: str, expected: Expected) -> None:
    assert view(text) == expected


def test_preamble_is_unknown_turn() -> None:
    text = "Интервью с клиентом, 12.03.2026\nИнтервьюер: Почему ушли?\nКлиент: Комиссии выросли."
    assert view(text) == [
        (None, "unknown", "Интервью с клиентом, 12.03.2026", None),
        ("Интервьюер", "company", "Почему ушли?", None),
        ("Клиент", "client", "Комиссии выросли.", None),
    ]


def test_speech_continues_over_lines_until_next_label() -> None:
    text = (
        "Интервьюер: Расскажите подробнее?\n"
        "Клиент: Сначала всё было хорошо.\n\nПотом пришло смс: карта заблокирована.\n"
        "Я позвонил в 12:30, мне ответили: ждите.\n"
        "Интервьюер:\nИ чем закончилось?"
    )
    turns = parse_turns(text)
    assert [(t.speaker, t.role) for t in turns] == [
        ("Интервьюер", "company"),
        ("Клиент", "client"),
        ("Интервьюер", "company"),
    ]
    assert text[turns[1].start : turns[1].end] == (
        "Сначала всё было хорошо.\n\nПотом пришло смс: карта заблокирована.\n"
        "Я позвонил в 12:30, мне ответили: ждите."
    )
    assert text[turns[2].start : turns[2].end] == "И чем закончилось?"


REVIEWS = {
    "pros and cons": "Пользуюсь банком два года.\nПлюсы: удобное приложение, кэшбэк.\n"
    "Минусы: долго отвечает поддержка.\nИтог: в целом доволен.",
    "note fields": "Тема: перевыпуск карты\nДата: 12.03.2026\nСумма: 5000\n"
    "Комментарий: клиент недоволен сроками.",
    "bank reply": "Ответ банка: мы разобрались в ситуации.\nДостоинства: вежливые сотрудники.",
    "one question label": "Вопрос: почему так долго рассматривают заявку? Жду уже неделю.",
    "one name label": "Анна: очень довольна обслуживанием, спасибо менеджеру!",
    "bullet list": "Минусы:\n- долго ждать\n- дорого\n- неудобно",
    "dashes without questions": "Что не так:\n- навязали страховку\n- не вернули комиссию",
    "common nouns as labels": "Доставка: быстро\nКачество: отличное\nЦена: высокая",
    "timestamped monologue": "00:01:23 Я думаю, что всё нормально.\n00:01:50 А потом стало хуже.",
    "colon inside prose": "Я сказала ему прямо: так нельзя.\nМама говорит: меняй банк.",
    "ps and upd": "Банк хороший.\nP.S.: офис на Ленина лучше.\nUPD: проблему решили.",
}


@pytest.mark.parametrize("text", REVIEWS.values(), ids=REVIEWS.keys())
def test_labelled_looking_review_is_one_client_turn(text: str) -> None:
    assert view(text) == [(None, "client", text, None)]


def test_single_client_label_in_note_is_a_client_turn() -> None:
    text = "Клиент: хочу закрыть счёт, приложение постоянно вылетает."
    assert view(text) == [("Клиент", "client", "хочу закрыть счёт, приложение постоянно вылетает.", None)]


def test_non_speaker_label_inside_dialogue_is_speech() -> None:
    text = "Интервьюер: Что бы вы посоветовали банку?\nКлиент: Вот список.\nПлюсы: кэшбэк.\nМинусы: лимиты."
    turns = parse_turns(text)
    assert [t.speaker for t in turns] == ["Интервьюер", "Клиент"]
    assert text[turns[1].start : turns[1].end] == "Вот список.\nПлюсы: кэшбэк.\nМинусы: лимиты."


def test_name_opposite_known_company() -> None:
    text = "Интервьюер: Как вам новое приложение?\nТимур: Удобнее старого.\nИнтервьюер: Чем?\nТимур: Быстрее."
    assert {(t.speaker, t.role) for t in parse_turns(text)} == {
        ("Интервьюер", "company"),
        ("Тимур", "client"),
    }


def test_name_opposite_known_client() -> None:
    # The named speaker asks nothing, yet the other side is a known client, so she is staff.
    text = (
        "Екатерина: Добрый день, слушаю.\nКлиент: Почему мне отказали в кредите?\n"
        "Екатерина: Решение принимает система.\nКлиент: А кто за неё отвечает?"
    )
    assert {(t.speaker, t.role) for t in parse_turns(text)} == {
        ("Екатерина", "company"),
        ("Клиент", "client"),
    }


def test_unknown_names_the_one_asking_more_is_company() -> None:
    # The second speaker asks, so the first-speaker default must be overridden.
    text = (
        "Павел: Здравствуйте.\nНаталья: Добрый день! Как давно вы клиент банка?\n"
        "Павел: Лет пять.\nНаталья: А почему выбрали нас? Что понравилось?\nПавел: Ставки."
    )
    assert {(t.speaker, t.role) for t in parse_turns(text)} == {("Павел", "client"), ("Наталья", "company")}


def test_unknown_names_tie_first_speaker_is_company() -> None:
    text = "Павел: Я пришёл за картой.\nНаталья: Карта готова.\nПавел: Отлично."
    assert [(t.speaker, t.role) for t in parse_turns(text)] == [
        ("Павел", "company"),
        ("Наталья", "client"),
        ("Павел", "company"),
    ]


def test_dash_dialogue_second_speaker_asks() -> None:
    text = "— Добрый день.\n— Здравствуйте, чем могу помочь? Вы по поводу карты?\n— Да, её не выдают."
    assert [t.role for t in parse_turns(text)] == ["client", "company", "client"]


def test_monologue_with_one_named_speaker_is_client() -> None:
    text = "Ольга: Я давно пользуюсь картой.\nОльга: И вот недавно её заблокировали без объяснений."
    turns = parse_turns(text)
    assert [(t.speaker, t.role) for t in turns] == [("Ольга", "client"), ("Ольга", "client")]


def test_blank_text_has_no_turns() -> None:
    assert parse_turns("") == []
    assert parse_turns(" \n\t ") == []


def test_whole_plain_text_is_one_client_turn() -> None:
    text = "Ужасный сервис. Полгода не могу закрыть счёт!"
    assert parse_turns(text) == [Turn(0, None, "client", 0, len(text))]


LABELS = {"Интервьюер": "company", "Клиент": "client", "Менеджер": "company", "Респондент": "client"}
speech = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюя ,.?!", min_size=1, max_size=40).filter(
    lambda s: any(c.isalpha() for c in s)
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(LABELS)), speech), min_size=1, max_size=8))
def test_labelled_dialogue_roundtrip(lines: list[tuple[str, str]]) -> None:
    text = "\n".join(f"{label}: {words}" for label, words in lines)
    assert view(text) == [(label, LABELS[label], words.strip(), None) for label, words in lines]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_never_raises_and_spans_are_sane(text: str) -> None:
    turns = parse_turns(text)
    check_spans(text, turns)
    assert bool(turns) == bool(text.strip())
    assert all(t.role in ("client", "company", "unknown") for t in turns)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Интервьюер:",
                "Клиент:",
                "К:",
                "Ольга:",
                "[00:01:02] Иван:",
                "00:03 Анна",
                "— ",
                "- ",
                "Плюсы:",
                "Q:",
                "A:",
                "вопрос",
                "?",
                "да.",
                "\n",
                " ",
                ":",
                "12:30",
                "Итог:",
                "Спикер 2",
                "**",
                "(",
                ")",
            ]
        ),
        max_size=30,
    )
)
def test_label_soup_never_raises_and_spans_are_sane(parts: list[str]) -> None:
    text = "".join(parts).strip()
    turns = parse_turns(text)
    check_spans(text, turns)
    assert bool(turns) == bool(text)


# --- first-person "Я:" and quoted bots ------------------------------------------------

REV_0046 = (  # corpus/stories/reviews.csv, rev-0046
    "Попробую описать мой диалог с вашей «поддержкой».\n\n"
    "Я: Добрый день, у меня не прошёл платёж за интернет, а деньги списаны.\n"
    "Бот: Пожалуйста, уточните ваш вопрос.\n"
    "Я: Платёж не дошёл до получателя, деньги списаны со счёта.\n"
    "Бот: Вы можете посмотреть историю операций в разделе «Счета».\n"
    "Я: Оператор.\n"
    "Бот: Пожалуйста, уточните ваш вопрос.\n\n"
    "Чат-бот на любой вопрос отвечает шаблоном «Пожалуйста, уточните ваш вопрос». Я уточнял 6 раз. "
    "Кнопки «связаться с оператором» нет. По телефону 25 минут музыка. Клиентский сервис уровня 2005 года."
)


def test_review_quoting_a_bot_chat_keeps_the_authors_words() -> None:
    assert view(REV_0046) == [
        (None, "client", "Попробую описать мой диалог с вашей «поддержкой».", None),
        ("Я", "client", "Добрый день, у меня не прошёл платёж за интернет, а деньги списаны.", None),
        ("Бот", "company", "Пожалуйста, уточните ваш вопрос.", None),
        ("Я", "client", "Платёж не дошёл до получателя, деньги списаны со счёта.", None),
        ("Бот", "company", "Вы можете посмотреть историю операций в разделе «Счета».", None),
        ("Я", "client", "Оператор.", None),
        ("Бот", "company", "Пожалуйста, уточните ваш вопрос.", None),
        (None, "client", REV_0046[REV_0046.index("Чат-бот на любой") :], None),
    ]


def test_first_person_opposite_a_client_is_the_manager() -> None:
    # A manager's own notes: the preamble stays unknown and nothing is split off the
    # last turn, because the writer is not the client.
    text = (
        "Звонок по жалобе, 14.05.\n"
        "Я: Почему вы хотите закрыть карту?\n"
        "Клиент: Списали за обслуживание, хотя обещали бесплатно.\n\n"
        "Предложила вернуть комиссию, клиент подумает."
    )
    assert view(text) == [
        (None, "unknown", "Звонок по жалобе, 14.05.", None),
        ("Я", "company", "Почему вы хотите закрыть карту?", None),
        (
            "Клиент",
            "client",
            "Списали за обслуживание, хотя обещали бесплатно.\n\nПредложила вернуть комиссию, клиент подумает.",
            None,
        ),
    ]


def test_first_person_with_role_in_brackets() -> None:
    text = "Я (менеджер): Что случилось?\nАнна: Не проходит платёж."
    assert [(t.speaker, t.role) for t in parse_turns(text)] == [("Я (менеджер)", "company"), ("Анна", "client")]


def test_first_person_alone_is_the_client() -> None:
    text = "Я: написала в чат в 9 утра.\nЯ: ответили в 6 вечера."
    assert [(t.speaker, t.role) for t in parse_turns(text)] == [("Я", "client"), ("Я", "client")]


@pytest.mark.parametrize(
    "label",
    ["Бот", "Чат-бот", "Чатбот", "Робот", "Поддержка", "Техподдержка", "Служба поддержки", "Сотрудник банка", "Банк"],
)
def test_quoted_company_labels_opposite_first_person(label: str) -> None:
    text = f"Я: Где мой перевод?\n{label}: Перевод в обработке.\nЯ: Уже третий день."
    assert [(t.speaker, t.role) for t in parse_turns(text)] == [
        ("Я", "client"),
        (label, "company"),
        ("Я", "client"),
    ]


def test_trailing_paragraph_rule_is_only_for_first_person_clients() -> None:
    # An interview ending in the interviewer's note keeps its structure: the note after
    # the blank line is not handed to the client.
    text = (
        "Интервьюер: Что бы вы поменяли?\nКлиент: Лимиты на переводы.\nИнтервьюер: Спасибо!\n\n"
        "Клиентка спешила, перезвонить в пятницу."
    )
    assert [(t.speaker, t.role) for t in parse_turns(text)] == [
        ("Интервьюер", "company"),
        ("Клиент", "client"),
        ("Интервьюер", "company"),
    ]


def test_lone_bot_line_in_review_is_client_speech() -> None:
    text = "Бот: бесполезен, оператора не дозваться.\nЗакрываю счёт."
    assert view(text) == [(None, "client", text, None)]


# --- dash lists vs dash dialogues ------------------------------------------------------

REV_0128 = (  # corpus/stories/reviews.csv, rev-0128
    "После обновления до версии 7.4 приложение вылетает сразу после ввода кода. Android 13, Redmi Note 12.\n\n"
    "Что я сделал:\n"
    "- перезагрузил телефон\n"
    "- очистил кэш и данные\n"
    "- удалил и поставил заново\n"
    "- поставил версию из RuStore вместо Google Play\n\n"
    "Результат один и тот же — код, полсекунды заставки, вылет. В поддержку написать не могу, потому что "
    "поддержка в том же приложении. По телефону сказали «мы знаем о проблеме». Знаете — так почините! "
    "Как мне теперь платить за кредит?"
)


def test_bullet_list_before_a_closing_question_is_one_client_turn() -> None:
    # The "?" is in the paragraph after the list, not in any dash item.
    assert view(REV_0128) == [(None, "client", REV_0128, None)]


def test_dash_dialogue_introduced_by_a_colon_is_still_a_dialogue() -> None:
    text = (
        "Вот как прошёл разговор с отделением:\n"
        "— Здравствуйте, почему мне не выдают карту?\n"
        "— Карта ещё не пришла.\n"
        "— А когда придёт?\n"
        "— Через неделю."
    )
    assert view(text) == [
        (None, "unknown", "Вот как прошёл разговор с отделением:", None),
        ("—", "company", "Здравствуйте, почему мне не выдают карту?", None),
        ("—", "client", "Карта ещё не пришла.", None),
        ("—", "company", "А когда придёт?", None),
        ("—", "client", "Через неделю.", None),
    ]


def test_dash_interview_roles_ignore_questions_after_the_last_item() -> None:
    # Roles come from the dash items; the closing paragraph's questions belong to the last
    # turn's text (a dash turn still runs to the end) but do not make its speaker the asker.
    text = (
        "- Карта пришла?\n- Нет.\n- Почему?\n- Не знаю.\n\n"
        "И что мне делать? Куда идти? Кто виноват?"
    )
    assert view(text) == [
        ("-", "company", "Карта пришла?", None),
        ("-", "client", "Нет.", None),
        ("-", "company", "Почему?", None),
        ("-", "client", "Не знаю.\n\nИ что мне делать? Куда идти? Кто виноват?", None),
    ]


def test_dash_item_question_on_a_wrapped_line_still_counts() -> None:
    text = "— Скажите, а почему вы\nне пошли в другой банк?\n— Далеко ехать."
    assert [t.role for t in parse_turns(text)] == ["company", "client"]
