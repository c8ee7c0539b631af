"""Matching product names and codes from files to existing products.

Code first (exact after trimming and case folding), then fuzzy name matching with rapidfuzz
on names normalised by :func:`normalize_name`. Scores are 0-100: at or above ``confident``
a match is taken; between ``score_cutoff`` and ``confident`` (the grey zone), or when two
different candidates score the same, it is returned with ``uncertain=True`` for review;
below ``score_cutoff`` there is no match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SCORE_CUTOFF = 75
CONFIDENT = 90
CHUNK = 2000

# Latin letters that look like Cyrillic ones (mixed-script words are common in 1C names)
_LOOKALIKES = str.maketrans("aceopxyktmhb", "асеорхуктмнв")
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}\.\d)")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_TRAILING_ZEROS = re.compile(r"(\d+)\.(\d*?)0+(?!\d)")
_DIMENSION = re.compile(r"(?<=\d)\s*[xх×*]\s*(?=\d)")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_KT = re.compile(r"\bк-т\b")
_PUNCT = re.compile(r"[^\w.]+|(?<!\d)\.|\.(?!\d)|_")
_UNITS = {
    "шт": "шт",
    "штук": "шт",
    "штука": "шт",
    "штуки": "шт",
    "кг": "кг",
    "килограмм": "кг",
    "килограмма": "кг",
    "килограммов": "кг",
    "г": "г",
    "гр": "г",
    "грамм": "г",
    "грамма": "г",
    "граммов": "г",
    "л": "л",
    "литр": "л",
    "литра": "л",
    "литров": "л",
    "мл": "мл",
    "миллилитр": "мл",
    "миллилитров": "мл",
    "м": "м",
    "метр": "м",
    "метра": "м",
    "метров": "м",
    "упак": "упак",
    "уп": "упак",
    "упаковка": "упак",
    "упаковки": "упак",
    "пач": "пач",
    "пачка": "пач",
    "пачки": "пач",
    "рул": "рул",
    "рулон": "рул",
    "компл": "компл",
    "комплект": "компл",
    "пар": "пар",
    "пара": "пар",
    "пары": "пар",
    "ед": "ед",
}
# units that only count pieces: meaningless for identity unless a number goes with them
_COUNT_UNITS = {"шт", "упак", "пач", "рул", "компл", "пар", "ед"}


def _fix_script(match: re.Match) -> str:
    word = match.group(0)
    if _CYRILLIC.search(word) and _LATIN.search(word):
        return word.translate(_LOOKALIKES)
    return word


def normalize_name(value: Any) -> str:
    """A product name reduced for comparison (Russian-aware).

    Lower case, ё -> е, Latin look-alike letters inside Cyrillic words made Cyrillic, decimal
    commas as points and trailing zeros dropped ("1,50" and "1.5" agree), dimensions as
    "48 x 52", numbers split from units ("750г" -> "750 г"), unit spellings unified ("шт.",
    "штук" -> "шт"; "литр" -> "л"; "гр" -> "г"), counting units without a number dropped
    ("Стул, шт" -> "стул"), punctuation removed, whitespace collapsed.
    """
    if value is None:
        return ""
    result = unicodedata.normalize("NFKC", str(value)).lower().replace("ё", "е")
    result = _KT.sub(" компл ", result)
    result = re.sub(r"\w+", _fix_script, result)
    result = _THOUSANDS_COMMA.sub("", result)
    result = _DECIMAL_COMMA.sub(".", result)
    result = _DIMENSION.sub(" x ", result)
    result = _DIGIT_LETTER.sub(" ", result)
    result = _PUNCT.sub(" ", result)
    result = _TRAILING_ZEROS.sub(
        lambda m: f"{m.group(1)}.{m.group(2)}" if m.group(2) else m.group(1), result
    )
    tokens: list[str] = []
    for token in result.split():
        unit = _UNITS.get(token)
        if unit is not None:
            previous_is_number = bool(tokens) and tokens[-1].replace(".", "", 1).isdigit()
            if unit in _COUNT_UNITS and not previous_is_number:
                continue
            token = unit
        tokens.append(token)
    return " ".join(tokens)


def normalize_code(value: Any) -> str:
    """A product code for exact comparison: trimmed, case-folded, inner spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value)).casefold()


def _sorted_words(value: str) -> str:
    return " ".join(sorted(value.split()))


@dataclass
class Match:
    """The match of one item: ``candidate_id`` None when nothing scored above the cutoff."""

    index: int
    candidate_id: Any
    score: float
    method: str | None  # "code", "name" or None
    uncertain: bool
    candidate_name: str | None = None


def _field(obj: Any, name: str, position: int) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    if isinstance(obj, (tuple, list)):
        return obj[position] if position < len(obj) else None
    return getattr(obj, name, None)


def match_products(
    items: Sequence[Any],
    candidates: Sequence[Any],
    *,
    score_cutoff: float = SCORE_CUTOFF,
    confident: float = CONFIDENT,
    scorer=None,
    workers: int = 1,
) -> list[Match]:
    """Match items to candidates: code first, then fuzzy name.

    ``items``: objects, dicts or ``(code, name)`` tuples with ``code`` and ``name``
    (ProductInfo fits). ``candidates``: objects, dicts or ``(id, code, name)`` tuples with
    ``id``, ``code`` and ``name`` (e.g. read from product.product). Returns one Match per item,
    in order. The default score is the better of rapidfuzz's ``ratio`` on the normalised names
    and on the same names with their words sorted (so "стул офисный" and "офисный стул"
    agree, and "металлокаркас" stays close to "металлический каркас"); another rapidfuzz
    scorer may be given. Names are compared in bulk with rapidfuzz.process.cdist in chunks,
    ``workers`` threads (1 by default: Odoo workers share the machine).
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    by_code: dict[str, list[tuple[Any, str]]] = {}
    by_name: dict[str, list[tuple[Any, str]]] = {}
    for candidate in candidates:
        ident = _field(candidate, "id", 0)
        code = normalize_code(_field(candidate, "code", 1))
        name = _field(candidate, "name", 2)
        label = str(name) if name is not None else ""
        if code:
            by_code.setdefault(code, []).append((ident, label))
        normalised = normalize_name(name)
        if normalised:
            by_name.setdefault(normalised, []).append((ident, label))

    results: list[Match | None] = [None] * len(items)
    pending: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        code = normalize_code(_field(item, "code", 0))
        found = by_code.get(code) if code else None
        if found:
            ident, label = found[0]
            results[index] = Match(index, ident, 100.0, "code", len(found) > 1, label)
            continue
        normalised = normalize_name(_field(item, "name", 1))
        if not normalised:
            results[index] = Match(index, None, 0.0, None, False)
            continue
        pending.setdefault(normalised, []).append(index)

    choices = list(by_name)
    sorted_choices = [_sorted_words(c) for c in choices]
    queries = list(pending)
    if choices and queries:
        for start in range(0, len(queries), CHUNK):
            chunk = queries[start : start + CHUNK]
            options = {
                "processor": None,
                "score_cutoff": score_cutoff,
                "dtype": np.float32,
                "workers": workers,
            }
            if scorer is None:
                scores = np.maximum(
                    process.cdist(chunk, choices, scorer=fuzz.ratio, **options),
                    process.cdist(
                        [_sorted_words(q) for q in chunk],
                        sorted_choices,
                        scorer=fuzz.ratio,
                        **options,
                    ),
                )
            else:
                scores = process.cdist(chunk, choices, scorer=scorer, **options)
            best = scores.argmax(axis=1)
            for offset, query in enumerate(chunk):
                column = int(best[offset])
                score = float(scores[offset, column])
                if score < score_cutoff or score == 0:
                    match = (None, 0.0, None, False, None)
                else:
                    ties = int((scores[offset] == scores[offset, column]).sum())
                    owners = by_name[choices[column]]
                    ident, label = owners[0]
                    ambiguous = ties > 1 or len(owners) > 1
                    match = (ident, score, "name", ambiguous or score < confident, label)
                for index in pending[query]:
                    results[index] = Match(index, *match)
    for indexes in pending.values():
        for index in indexes:
            if results[index] is None:
                results[index] = Match(index, None, 0.0, None, False)
    return results  # type: ignore[return-value]
