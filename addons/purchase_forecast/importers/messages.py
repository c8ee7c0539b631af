"""User-facing messages of the importers: English templates with named parameters.

Every text a user may read (errors, skip reasons, warnings, evidence, summary labels) is an
English template such as ``"Contract %(contract)s is terminated"`` wrapped in :func:`_`, so
that Odoo's string extractor collects it, and kept apart from its parameters. ``str()``
renders English; the Odoo wizard renders the translation with
``self.env._(message.template, **message.params)``.
"""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _(message: str) -> str:
    """Mark a template for translation; the text itself is rendered later."""
    return message


def render(template: str, params: dict[str, Any]) -> str:
    """Render a template with its parameters (English)."""
    if not params:
        return template
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        # never hide the message itself behind a formatting problem
        return f"{template} {params!r}"


@dataclass(frozen=True)
class Message:
    """A translatable message: template plus the values it names."""

    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.template, self.params)


class ImportFileError(ValueError):
    """The file cannot be imported; ``template`` and ``params`` say why.

    ``str(error)`` is the English message; ``error.template`` and ``error.params`` let the
    caller translate it. ``row`` is the 1-based row (line) the problem was found at, if any.
    """

    def __init__(self, template: str, row: int | None = None, **params: Any) -> None:
        self.template = template
        self.params = params
        self.row = row
        super().__init__(render(template, params))

    @property
    def message(self) -> Message:
        return Message(self.template, dict(self.params))
