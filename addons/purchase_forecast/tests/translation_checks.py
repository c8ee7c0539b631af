"""Checks of an addon's shipped translation files against the terms its code shows.

A mixin, not a test case, so that each addon's test module can run it for itself."""

import re
from pathlib import Path

import polib

from odoo.modules import get_module_path
from odoo.tools.translate import TranslationModuleReader

# named and positional %-placeholders, and the literal %%
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdfr]|%[sdfr%]")
TAG = re.compile(r"</?[A-Za-z][^>]*>")


def module_terms(env, module):
    """{term: {translation types}} of `module`, extracted as `odoo-bin i18n export` does
    (Python `_()` texts, JavaScript and QWeb, views, data, field labels and help, selections)."""
    terms = {}
    for term_module, ttype, _name, _res_id, source, _value, _comments in TranslationModuleReader(
        env.cr, modules=[module]
    ):
        if term_module == module:
            terms.setdefault(source, set()).add(ttype)
    return terms


def catalog(module, filename):
    """The addon's i18n/<filename> (a .po or the .pot) read with polib."""
    return polib.pofile(str(Path(get_module_path(module)) / "i18n" / filename))


def _listing(terms):
    return "\n".join(f"  {term!r}" for term in sorted(terms))


class TranslationCatalogChecks:
    """Mix into a TransactionCase and set `module`; `languages` are the shipped .po files."""

    module = None
    languages = ("ru",)
    allow_inherited_tests_method = True  # Odoo's loader skips inherited tests otherwise

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.terms = module_terms(cls.env, cls.module)

    def test_template_lists_every_term(self):
        """i18n/<addon>.pot was regenerated after the last change of a translatable text."""
        pot = {entry.msgid for entry in catalog(self.module, f"{self.module}.pot")}
        self.assertTrue(self.terms, f"no translatable terms found in {self.module}")
        missing, stale = set(self.terms) - pot, pot - set(self.terms)
        self.assertFalse(
            missing or stale,
            f"i18n/{self.module}.pot is out of date: run `make pot`.\n"
            f"Missing terms:\n{_listing(missing)}\nTerms no longer in the code:\n{_listing(stale)}",
        )

    def test_every_term_has_a_translation(self):
        """A developer who adds a label, message or view text and forgets to translate it
        gets this test red, with the terms listed (per shipped language)."""
        for lang in self.languages:
            po = catalog(self.module, f"{lang}.po")
            translated = {
                e.msgid for e in po if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
            }
            missing = set(self.terms) - translated
            self.assertFalse(
                missing,
                f"{len(missing)} terms of {self.module} have no translation in i18n/{lang}.po "
                f"(run `make pot`, then translate them):\n{_listing(missing)}",
            )

    def test_translations_keep_placeholders_and_markup(self):
        """Every translation keeps its term's placeholders (%(name)s, %s, %%) and the tags of
        view texts, so formatting never fails and views keep their structure."""
        for lang in self.languages:
            problems = []
            for entry in catalog(self.module, f"{lang}.po"):
                if not entry.msgstr:
                    continue
                if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(
                    PLACEHOLDER.findall(entry.msgstr)
                ):
                    problems.append(f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}")
                views = any(o.startswith("model_terms:") for o, _line in entry.occurrences)
                if views and TAG.findall(entry.msgid) != TAG.findall(entry.msgstr):
                    problems.append(f"markup differs: {entry.msgid!r} -> {entry.msgstr!r}")
            self.assertFalse(problems, f"i18n/{lang}.po of {self.module}:\n" + "\n".join(problems))
