"""The Telegram worker of purchase_bot: a python-telegram-bot process that talks to Odoo's
gateway over JSON-2. Pure Python: it never imports odoo and runs outside Odoo
(``python -m telegram_worker`` with ``addons/purchase_bot`` on ``PYTHONPATH``)."""

__version__ = "19.0.1.0.0"
