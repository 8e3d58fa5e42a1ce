"""Russian company names as clients write them: canonical name -> aliases.

Pure data for :mod:`scenarios.describe.companies`. An alias matches case-insensitively, `ё` as
`е`, with its last word in any case form ("в Сбере", "у Тинькоффа", "Альфой"); a hyphen or a
space between the words of an alias is the same ("Т-Банк", "т банк"). Abbreviations in capitals
(ВТБ, ГПБ) do not inflect. Write an alias in its dictionary form; add forms with a fleeting vowel
("тинек" -> "тиньку") as aliases of their own.
"""

from __future__ import annotations

#: Banks, retailers and telecoms that clients of a Russian retail bank name.
COMPANIES: dict[str, tuple[str, ...]] = {
    # banks
    "Сбербанк": ("Сбербанк", "Сбер", "СберБанк", "Сбербанк Онлайн", "Сбер Онлайн", "Сбербанк России"),
    "Т-Банк": ("Т-Банк", "Тбанк", "Тинькофф", "Тинькоф", "Тиньков", "Тинькофф Банк", "тинек", "тинёк",
               "тиньк"),
    "Альфа-Банк": ("Альфа-Банк", "Альфабанк", "Альфа", "Альфа Онлайн"),
    "ВТБ": ("ВТБ", "ВТБ24", "ВТБ Онлайн"),
    "Газпромбанк": ("Газпромбанк", "ГПБ"),
    "Озон Банк": ("Озон Банк", "Ozon Банк", "Ozon Bank", "Озон карта", "Ozon карта"),
    "Почта Банк": ("Почта Банк", "Почтабанк"),
    "Райффайзенбанк": ("Райффайзенбанк", "Райффайзен", "Райфайзен", "Райф"),
    "Совкомбанк": ("Совкомбанк", "Совком"),
    "Банк Открытие": ("Банк Открытие", "Открытие"),
    "Росбанк": ("Росбанк",),
    "МТС Банк": ("МТС Банк", "МТС-Банк", "МТС Деньги"),
    "Промсвязьбанк": ("Промсвязьбанк", "ПСБ"),
    "Россельхозбанк": ("Россельхозбанк", "РСХБ"),
    "Хоум Банк": ("Хоум Банк", "Хоум Кредит", "Home Credit", "Хоумкредит"),
    "Ренессанс Банк": ("Ренессанс Банк", "Ренессанс Кредит", "Ренессанс"),
    "Русский Стандарт": ("Русский Стандарт", "банк Русский Стандарт"),
    "Яндекс Банк": ("Яндекс Банк", "Яндекс Пэй", "Yandex Pay"),
    "Wildberries Банк": ("Вайлдберриз Банк", "WB Банк", "ВБ Банк"),
    "Точка": ("Точка", "банк Точка"),
    "Модульбанк": ("Модульбанк", "Модуль Банк"),
    "Ак Барс": ("Ак Барс", "Акбарс"),
    "ЮниКредит": ("ЮниКредит", "Юникредит Банк", "UniCredit"),
    # retailers and marketplaces
    "Ozon": ("Озон", "Ozon"),
    "Wildberries": ("Wildberries", "Вайлдберриз", "Валберис", "Вайлдберис", "ВБ", "WB"),
    "Яндекс": ("Яндекс", "Яндекс Маркет", "Яндекс Go", "Yandex"),
    "Пятёрочка": ("Пятёрочка",),
    "Магнит": ("Магнит",),
    "Перекрёсток": ("Перекрёсток",),
    "Лента": ("Лента",),
    "ВкусВилл": ("ВкусВилл", "Вкусвил"),
    "М.Видео": ("М.Видео", "Мвидео", "М Видео"),
    "Эльдорадо": ("Эльдорадо",),
    "Авито": ("Авито", "Avito"),
    # telecoms
    "МТС": ("МТС",),
    "Билайн": ("Билайн", "Beeline"),
    "МегаФон": ("МегаФон",),
    "Т2": ("Т2", "Tele2", "Теле2"),
    "Ростелеком": ("Ростелеком",),
}

#: Aliases that are also ordinary words or abbreviations: they count only written as here (a
#: capital first letter, or all capitals) and not as the first word of a sentence, where every
#: word has a capital ("Открытие вклада заняло час", "при открытии", "магнит на холодильник").
EXACT_CASE: frozenset[str] = frozenset({
    "Открытие", "Точка", "Магнит", "Перекрёсток", "Лента", "Ренессанс", "ВБ", "WB", "Т2",
})

#: Second parts that keep a hyphenated compound a company ("Озон-карта", "Сбер-онлайн"); any other
#: compound is another word ("альфа-версия", "альфа-тестирование"), so it is not a mention.
COMPOUND_PARTS: tuple[str, ...] = (
    "банк", "карт", "онлайн", "прилож", "кешбэк", "кэшбэк", "кешбек", "кэшбек", "премиум", "пэй", "pay", "бизнес",
    "инвест", "мобайл", "маркет", "деньг", "касс",
)

#: Organisations that natasha's NER finds in client stories but that are not companies a client
#: compares with: regulators, state services, payment systems, the client's employer's departments.
NOT_COMPANIES: frozenset[str] = frozenset({
    "цб", "центробанк", "центральный банк", "банк россии", "цб рф", "фнс", "налоговая", "налоговая служба",
    "госуслуги", "мфц", "пфр", "пенсионный фонд", "сфр", "социальный фонд", "роспотребнадзор", "прокуратура",
    "полиция", "мвд", "суд", "сбп", "мир", "visa", "mastercard", "асв", "агентство по страхованию вкладов",
    "росфинмониторинг", "фссп", "приставы", "бухгалтерия", "банк", "отделение", "колл-центр", "поддержка",
})

#: Words that NER spans of companies carry in front or behind and a name is normalised without
#: when matching the user's own company ("банк Ладья" is "Ладья").
GENERIC_WORDS: frozenset[str] = frozenset({"банк", "банка", "банке", "банком", "пао", "ао", "ооо", "оао"})
