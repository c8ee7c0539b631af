"""Translatable texts: ``_("English %(name)s", name=...)`` marks a text for Odoo's string
extractor (it scans every .py file of purchase_bot, so these texts land in purchase_bot.pot)
and returns a lazy :class:`Msg`; it is rendered later in the user's language from
``i18n/<lang>.po`` (read with polib), falling back to English."""

# pylint: disable=prefer-env-translation
# (this package runs outside Odoo: there is no self.env, and `_` is our own marker)

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import polib

from . import fmt

_logger = logging.getLogger(__name__)


class Msg:
    """A text to translate later: an English template and its named parameters."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, params: dict):
        self.msgid = msgid
        self.params = params

    def __repr__(self) -> str:
        return f"_({self.msgid!r})"


def _(msgid: str, /, **params) -> Msg:
    """Mark ``msgid`` as translatable; ``params`` fill its ``%(name)s`` placeholders."""
    return Msg(msgid, params)


class Money:
    """An amount shown with two decimals and its currency code."""

    __slots__ = ("currency", "value")

    def __init__(self, value, currency: str | None = None):
        self.value = value
        self.currency = currency


class Translations:
    """The .po catalogs of one ``i18n`` directory, loaded on first use per language."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._catalogs: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def catalog(self, lang: str | None) -> dict[str, str]:
        lang = (lang or "en_US").replace("-", "_")
        with self._lock:
            if lang not in self._catalogs:
                self._catalogs[lang] = self._load(lang)
            return self._catalogs[lang]

    def _load(self, lang: str) -> dict[str, str]:
        base = fmt.base_lang(lang)
        if base == "en":
            return {}
        for name in dict.fromkeys((lang, base)):
            path = self.directory / f"{name}.po"
            if not path.is_file():
                continue
            try:
                po = polib.pofile(str(path))
            except (OSError, ValueError) as exc:
                _logger.warning("Cannot read %s: %s; texts stay in English", path, exc)
                return {}
            return {
                entry.msgid: entry.msgstr
                for entry in po
                if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
            }
        return {}

    def render(self, text, lang: str | None) -> str:
        """``text`` (a :class:`Msg`, a plain string from Odoo, a number…) in ``lang``."""
        if isinstance(text, Msg):
            params = {key: self.render(value, lang) for key, value in text.params.items()}
            template = self.catalog(lang).get(text.msgid, text.msgid)
            try:
                return template % params if params else template
            except (KeyError, ValueError, TypeError):
                # a translation with a broken placeholder: the English text is better than none
                _logger.warning("Bad translation for %r in %s", text.msgid, lang)
                return text.msgid % params if params else text.msgid
        if text is None:
            return "—"
        if isinstance(text, Money):
            return fmt.money(text.value, lang, text.currency)
        if isinstance(text, bool):
            return str(text)
        if isinstance(text, (int, float)):
            return fmt.number(text, lang)
        if isinstance(text, dt.date):
            return fmt.date(text, lang)
        return str(text)
