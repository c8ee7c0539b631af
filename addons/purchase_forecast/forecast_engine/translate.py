"""Marker for translatable messages: Odoo's extractor finds ``_("...")`` calls in this package.

The engine never imports Odoo, so ``_`` returns the English template unchanged; the Odoo layer
translates at display time with ``self.env._(template, **params)``.
"""


def _(message: str) -> str:
    """Return ``message`` unchanged (it is only marked for translation)."""
    return message
