"""Linking and unlinking a Telegram account; what unlinked users and group chats get."""

import shutil

from conftest import ANNA, BORIS, FIXTURES, STRANGER

LINK_TOKEN = "tokAnna_0123456789abcdef"


def _messages(telegram, user):
    return [c for c in telegram.sent(user.id) if c.method in ("sendMessage", "editMessageText")]


def test_start_with_token_links_and_shows_menu(telegram, odoo, run_worker):
    """/start <token> in a private chat calls link_account with the Telegram id, username and
    chat type, then greets the user by their Odoo name with the main menu."""
    run_worker()
    telegram.send_text(ANNA, f"/start {LINK_TOKEN}")
    call = odoo.wait_call("link_account")[0]
    assert call == {
        "token": LINK_TOKEN,
        "telegram_user_id": str(ANNA.id),
        "telegram_username": "anna",
        "chat_type": "private",
    }
    reply = telegram.wait_for(lambda calls: _messages(telegram, ANNA))[0]
    assert "Anna Buyer" in reply.text and "City Clinic 1" in reply.text
    labels = [label for label, _data in reply.buttons()]
    assert any("Find a product" in label for label in labels)
    assert any("Approvals" in label for label in labels)
    assert odoo.links[str(ANNA.id)] == 1


def test_expired_and_reused_tokens_are_refused(telegram, odoo, run_worker):
    """An expired token and a token used twice get Odoo's refusal and a hint to make a new
    link; the Telegram account stays unlinked after the expired one."""
    running = run_worker()
    update = telegram.send_text(STRANGER, "/start tokOld_0123456789abcdef")
    running.wait_processed(update)
    reply = _messages(telegram, STRANGER)[-1]
    assert "This link has expired." in reply.text
    assert "Connect Telegram" in reply.text
    assert str(STRANGER.id) not in odoo.links

    first = telegram.send_text(ANNA, f"/start {LINK_TOKEN}")
    running.wait_processed(first)
    update = telegram.send_text(STRANGER, f"/start {LINK_TOKEN}")
    running.wait_processed(update)
    assert "invalid or was already used" in _messages(telegram, STRANGER)[-1].text
    assert odoo.links == {str(ANNA.id): 1}


def test_malformed_start_payload_never_reaches_odoo(telegram, odoo, run_worker):
    """A deep-link payload outside Telegram's alphabet is answered locally, not sent to Odoo."""
    running = run_worker()
    update = telegram.send_text(STRANGER, "/start ../../etc$passwd")
    running.wait_processed(update)
    assert odoo.called("link_account") == []
    assert "not valid" in _messages(telegram, STRANGER)[-1].text


def test_unlinked_user_only_gets_instructions(telegram, odoo, run_worker, config):
    """An unlinked user typing a product name, or pressing a crafted approval button, only
    gets the linking instructions: no search, no approval reaches Odoo, and no state file
    is left for them."""
    running = run_worker()
    running.wait_processed(telegram.send_text(STRANGER, "paper"))
    running.wait_processed(telegram.press_data(STRANGER, "ad:a:r:101:n101a"))
    methods = {name for name, _kwargs in odoo.calls}
    assert methods == {"get_profile"}
    replies = _messages(telegram, STRANGER)
    assert len(replies) == 2
    assert all("Preferences" in r.text and "Connect Telegram" in r.text for r in replies)
    assert all(r.buttons() == [] for r in replies)
    assert telegram.sent(method="answerCallbackQuery")
    assert list((config.state_dir / "users").iterdir()) == []


def test_unlinked_russian_user_gets_instructions_in_russian(telegram, odoo, run_worker, tmp_path):
    """Without a link the language comes from Telegram's language_code: a Russian client
    gets the instructions from ru.po."""
    i18n = tmp_path / "i18n"
    i18n.mkdir()
    shutil.copy(FIXTURES / "ru.po", i18n / "ru.po")
    running = run_worker(i18n_dir=i18n)
    running.wait_processed(telegram.send_text(STRANGER, "привет"))
    assert "подключите учётную запись Odoo" in _messages(telegram, STRANGER)[-1].text


def test_group_chats_get_a_refusal_or_silence(telegram, odoo, run_worker):
    """In a group, a command gets a one-line refusal, plain chatter and commands addressed
    to another bot get silence, and nothing at all is asked of Odoo (not even the
    profile)."""
    running = run_worker()
    group = {"id": -100200300, "type": "group", "title": "Buyers"}
    running.wait_processed(telegram.send_text(ANNA, "/start@purchase_test_bot", chat=group))
    running.wait_processed(telegram.send_text(ANNA, "paper please", chat=group))
    running.wait_processed(telegram.send_text(ANNA, "/start@other_bot", chat=group))
    sent = telegram.sent(group["id"], "sendMessage")
    assert len(sent) == 1
    assert sent[0].text == "I only work in private chats: please write to me directly."
    assert odoo.calls == []


def test_logout_unlinks_and_forgets_the_conversation(telegram, linked, run_worker, config):
    """/logout calls unlink_account, removes the user's saved state, and from then on the
    user only gets instructions."""
    running = run_worker()
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    state_file = config.state_dir / "users" / f"{ANNA.id}.json"
    assert state_file.exists()
    running.wait_processed(telegram.send_text(ANNA, "/logout"))
    assert linked.called("unlink_account") == [{"telegram_user_id": str(ANNA.id)}]
    assert "Disconnected" in _messages(telegram, ANNA)[-1].text
    assert not state_file.exists()
    running.wait_processed(telegram.send_text(ANNA, "paper"))
    assert "Connect Telegram" in _messages(telegram, ANNA)[-1].text
    assert len(linked.called("search_products")) == 1


def test_linked_russian_user_is_answered_in_odoo_language(telegram, linked, run_worker, tmp_path):
    """The linked user's Odoo language wins over Telegram's: Boris (ru_RU in Odoo) is
    greeted in Russian even when his Telegram client is set to English."""
    i18n = tmp_path / "i18n"
    i18n.mkdir()
    shutil.copy(FIXTURES / "ru.po", i18n / "ru.po")
    running = run_worker(i18n_dir=i18n)
    boris_en = type(BORIS)(BORIS.id, BORIS.first_name, BORIS.username, "en")
    running.wait_processed(telegram.send_text(boris_en, "/start"))
    reply = _messages(telegram, BORIS)[-1]
    assert reply.text == "Здравствуйте, Борис Закупщик! Что будем делать?"
    labels = [label for label, _data in reply.buttons()]
    assert "🔎 Найти товар" in labels
    # untranslated and fuzzy entries fall back to English
    assert "📊 Analytics" in labels
