"""Fragments: quote-sized, exact offsets, full coverage of client speech, robust on any input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.fragments import Fragment, split_fragments
from scenarios.transcript import Turn, parse_turns


def check_invariants(text: str, turns: list[Turn], frags: list[Fragment], max_chars: int) -> None:
    """Exact text, order, bounds, stripping, size, and every client non-space char in one fragment."""
    covered = bytearray(len(text))
    by_turn = {t.index: t for t in turns}
    prev_end = -1
    for i, f in enumerate(frags):
        assert f.index == i
        assert text[f.start : f.end] == f.text
        assert f.text and not f.text[0].isspace() and not f.text[-1].isspace()
        assert f.end - f.start <= max_chars
        assert f.start >= prev_end
        turn = by_turn[f.turn]
        assert turn.role == "client"
        assert turn.start <= f.start < f.end <= turn.end
        covered[f.start : f.end] = b"\x01" * (f.end - f.start)
        prev_end = f.end
    for t in turns:
        want = 1 if t.role == "client" else 0
        missed = [j for j in range(t.start, t.end) if not text[j].isspace() and covered[j] != want]
        assert not missed, (t, missed[:5])


INTERVIEW = (
    "Интервью с клиентом, 12.03.2026\n"
    "Интервьюер: Как вы выбрали наш банк? Почему не остались в старом?\n"
    "Клиент: Ну смотрите, у меня зарплатная карта была в другом банке, там за обслуживание "
    "150 рублей в месяц снимали. Да. А у вас бесплатно, подруга посоветовала. "
    "Оформили быстро, курьер приехал на следующий день. Но потом начались проблемы с приложением.\n"
    "Интервьюер: Какие именно?\n"
    "Клиент: Не приходили пуши. Вообще. Я пропустила платёж по кредиту и получила штраф.\n"
)


def test_only_client_speech_is_fragmented() -> None:
    text = INTERVIEW.strip()
    turns = parse_turns(text)
    frags = split_fragments(text, turns)
    check_invariants(text, turns, frags, 400)
    assert {f.turn for f in frags} == {2, 4}
    joined = " ".join(f.text for f in frags)
    assert "Как вы выбрали" not in joined and "Интервью с клиентом" not in joined
    assert frags[-1].text == "Не приходили пуши. Вообще. Я пропустила платёж по кредиту и получила штраф."


def test_groups_whole_sentences_up_to_max_sentences() -> None:
    sentences = [f"Это предложение номер {n} про перевод денег через приложение." for n in range(7)]
    text = " ".join(sentences)
    frags = split_fragments(text, parse_turns(text), max_sentences=3)
    assert [f.text for f in frags] == [" ".join(sentences[0:3]), " ".join(sentences[3:6]), sentences[6]]


def test_short_sentence_joins_its_neighbour() -> None:
    text = "Да. Карту заблокировали прямо на кассе в магазине, было очень неловко перед людьми."
    frags = split_fragments(text, parse_turns(text), max_sentences=1)
    assert [f.text for f in frags] == [text]


def test_trailing_short_sentence_joins_full_previous_fragment() -> None:
    long = "Поддержка отвечала по сорок минут и каждый раз просила заново описать проблему."
    text = f"{long} {long} {long} {long} {long} {long} Ужас."
    frags = split_fragments(text, parse_turns(text), max_sentences=3)
    assert [f.text for f in frags] == [f"{long} {long} {long}", f"{long} {long} {long} Ужас."]


def test_short_fragment_stays_alone_when_merge_would_exceed_max() -> None:
    long = "А" + "а" * 29 + " " + "б" * 30 + "."
    text = f"Да. {long}"
    frags = split_fragments(text, parse_turns(text), max_chars=62, min_chars=40)
    assert [f.text for f in frags] == ["Да.", long]


def test_never_crosses_turns() -> None:
    text = "Интервьюер: Удобно?\nКлиент: Да.\nИнтервьюер: Быстро?\nКлиент: Нет."
    turns = parse_turns(text)
    frags = split_fragments(text, turns)
    assert [(f.turn, f.text) for f in frags] == [(1, "Да."), (3, "Нет.")]


def test_run_on_sentence_is_cut_after_comma() -> None:
    clause = "а потом мне опять позвонили из банка и предложили кредитную карту"
    text = ", ".join([clause] * 12) + "."
    frags = split_fragments(text, parse_turns(text), max_chars=200)
    check_invariants(text, parse_turns(text), frags, 200)
    assert len(frags) > 1
    assert all(f.text.endswith(",") for f in frags[:-1])


def test_run_on_without_commas_is_cut_at_space() -> None:
    text = " ".join(["деньги"] * 200)
    frags = split_fragments(text, parse_turns(text), max_chars=100)
    check_invariants(text, parse_turns(text), frags, 100)
    assert all(set(f.text.split()) == {"деньги"} for f in frags)
    assert all(len(f.text) > 90 for f in frags[:-1])


def test_run_without_whitespace_is_cut_hard() -> None:
    text = "ж" * 1000
    frags = split_fragments(text, parse_turns(text))
    assert [(f.start, f.end) for f in frags] == [(0, 400), (400, 800), (800, 1000)]


def test_new_line_items_are_separate_sentences() -> None:
    text = "Плюсы: быстрые переводы без комиссии\nМинусы: поддержка отвечает по полчаса"
    frags = split_fragments(text, parse_turns(text), max_sentences=1, min_chars=10)
    assert [f.text for f in frags] == [
        "Плюсы: быстрые переводы без комиссии",
        "Минусы: поддержка отвечает по полчаса",
    ]


def test_offsets_point_into_story_after_preamble() -> None:
    text = INTERVIEW.strip()
    turns = parse_turns(text)
    frags = split_fragments(text, turns)
    first = frags[0]
    assert first.turn == 2 and first.start == text.index("Ну смотрите")


def test_one_megabyte_single_line() -> None:
    words = ["карта", "перевод", "приложение,", "кэшбэк", "отделение", "очередь"]
    text = " ".join(words[i % len(words)] for i in range(130_000))
    assert len(text) > 1_000_000 and "\n" not in text
    turns = parse_turns(text)
    frags = split_fragments(text, turns)
    check_invariants(text, turns, frags, 400)
    assert sum(len(f.text.split()) for f in frags) == 130_000


def test_rejects_nonsense_limits() -> None:
    with pytest.raises(ValueError):
        split_fragments("Текст.", parse_turns("Текст."), max_chars=0)


@settings(max_examples=200, deadline=None)
@given(
    st.text(),
    st.integers(1, 120),
    st.integers(1, 4),
    st.integers(0, 80),
)
def test_invariants_on_any_text(text: str, max_chars: int, max_sentences: int, min_chars: int) -> None:
    turns = parse_turns(text)
    frags = split_fragments(
        text, turns, max_chars=max_chars, max_sentences=max_sentences, min_chars=min_chars
    )
    check_invariants(text, turns, frags, max_chars)


piece = st.sampled_from(
    [
        "Интервьюер: ",
        "Клиент: ",
        "К: ",
        "И: ",
        "Да. ",
        "Нет! ",
        "Почему? ",
        "ну, ",
        "т.е. ",
        "и т. д. ",
        "карту заблокировали ",
        "…",
        "\n",
        "\n\n",
        "  ",
        "- ",
        "— ",
        "😀",
        "é",
        "مرحبا ",
        "Плюсы: ",
        "[00:01:02] Ольга: ",
        "слово" * 30,
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(piece, max_size=60), st.integers(5, 300), st.integers(1, 4), st.integers(0, 80))
def test_invariants_on_transcript_like_text(
    parts: list[str], max_chars: int, max_sentences: int, min_chars: int
) -> None:
    text = "".join(parts).strip()
    turns = parse_turns(text)
    frags = split_fragments(
        text, turns, max_chars=max_chars, max_sentences=max_sentences, min_chars=min_chars
    )
    check_invariants(text, turns, frags, max_chars)
