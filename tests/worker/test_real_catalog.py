"""The worker with the Russian catalog it ships (addons/purchase_bot/i18n/ru.po), not a test
fixture: every text it marks is translated, and real conversations come out in Russian."""

import ast
import datetime as dt
import re
from pathlib import Path

from conftest import BORIS, STRANGER

from telegram_worker.i18n import Money, Msg, Translations, _

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "addons" / "purchase_bot" / "i18n"
PACKAGE = ROOT / "addons" / "purchase_bot" / "telegram_worker"
EMOJI = re.compile(r"^[^\w\s(%“«]+ ")


def _marked_texts():
    """(template, placeholder names) of every _("...") call of the worker."""
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                yield node.args[0].value, [keyword.arg for keyword in node.keywords]


def _messages(telegram, user):
    return [c for c in telegram.sent(user.id) if c.method in ("sendMessage", "editMessageText")]


def test_every_worker_text_is_translated_and_renders():
    """Each text the worker marks has a Russian translation that renders with its parameters
    (no English fallback, no leftover placeholder), and buttons keep their emoji."""
    translations = Translations(I18N)
    catalog = translations.catalog("ru_RU")
    texts = list(_marked_texts())
    assert len(texts) > 150
    for template, names in texts:
        assert catalog.get(template), f"no Russian translation for {template!r}"
        rendered = translations.render(Msg(template, dict.fromkeys(names, "X")), "ru_RU")
        assert "%(" not in rendered, template
        assert rendered == catalog[template] % dict.fromkeys(names, "X"), template
        emoji = EMOJI.match(template)
        if emoji:
            assert rendered.startswith(emoji.group(0)), f"{template!r} -> {rendered!r}"


def test_numbers_dates_and_money_in_russian_texts():
    """Parameters of Russian texts are formatted the Russian way: no-break space between
    thousands, decimal comma, dd.mm.yyyy dates, amounts with two decimals."""
    translations = Translations(I18N)
    text = translations.render(
        _("On hand: %(quantity)s %(uom)s", quantity=1234.5, uom="шт"), "ru_RU"
    )
    assert text == "В наличии: 1\u00a0234,5 шт"
    text = translations.render(
        _("💰 Purchase budget for %(start)s – %(end)s", start=dt.date(2026, 1, 1), end=None),
        "ru_RU",
    )
    assert text == "💰 Бюджет закупок на 01.01.2026 – —"
    text = translations.render(_("Remaining: %(amount)s", amount=Money(1500000, "RUB")), "ru_RU")
    assert text == "Осталось: 1\u00a0500\u00a0000,00\u00a0RUB"


def test_linked_russian_user_gets_menu_and_card_in_russian(telegram, linked, run_worker):
    """Boris works in Russian in Odoo: with the shipped catalog the greeting, every main
    menu button and his product card are Russian, with Russian numbers."""
    running = run_worker(i18n_dir=I18N)
    running.wait_processed(telegram.send_text(BORIS, "/start"))
    reply = _messages(telegram, BORIS)[-1]
    assert reply.text == "Здравствуйте, Борис Закупщик! Что нужно сделать?"
    labels = [label for label, _data in reply.buttons()]
    assert labels == [
        "🔎 Найти товар",
        "📊 Аналитика",
        "🛒 Мои запросы КП",
        "✅ Согласования",
        "📋 Планы",
        "💰 Бюджет",
        "❓ Помощь",
        "✉ Сообщить о проблеме",
    ]
    running.wait_processed(telegram.send_text(BORIS, "бумага paper"))
    assert telegram.last(BORIS.id).text == "Найдено по запросу «бумага paper»:"
    running.wait_processed(telegram.press(BORIS, label="Paper A4"))
    card = telegram.last(BORIS.id).text
    for expected in (
        "В наличии: 1\u00a0234,5 pack",
        "Ожидается: 50 pack",
        "Потребность: регулярная",
        "Прогноз потребности (ожидаемая, диапазон):",
        "Рекомендуемый заказ:",
    ):
        assert expected in card, card
    buttons = [label for label, _data in telegram.last(BORIS.id).buttons()]
    assert "➕ Добавить в мой запрос КП" in buttons and "⬅ Назад" in buttons


def test_unlinked_russian_client_gets_instructions_in_russian(telegram, odoo, run_worker):
    """Someone whose Telegram is in Russian and who has not linked an account yet is told,
    in Russian, where to find Connect Telegram in Odoo."""
    running = run_worker(i18n_dir=I18N)
    running.wait_processed(telegram.send_text(STRANGER, "привет"))
    text = _messages(telegram, STRANGER)[-1].text
    assert text.startswith("Чтобы пользоваться помощником, подключите свою учётную запись Odoo")
    assert "«Мои предпочтения»" in text and "«Подключить Telegram»" in text
