"""KPGZ / SPGZ / STE catalog: categories with derived parents, products, NULL and '-' rows."""

import pytest

import importers

HEADER = [
    "Название СТЕ",
    "наименование характеристик",
    "реф.цена",
    "конечную категорию справочника",
    "КПГЗ код",
    "КПГЗ",
    "СПГЗ код",
    "СПГЗ",
    "Реестровый номер в РК",
]


@pytest.mark.slow
def test_real_catalog(real_parsed):
    """The real catalog: 1,889 rows (25 trailing '-' rows counted as empty), 1,573 products
    (STE name x KPGZ), reference prices parsed, characteristics split, parents derived."""
    result = real_parsed("kpgz_spgz_ste.xlsx")
    assert result.kind == "catalog"
    assert len(result.catalog_items) == 1889
    assert result.summary["empty_rows"] == 25
    assert result.skipped == []
    assert len(result.products) == 1573
    folder = next(p for p in result.products if p.name == "Папка-уголок")
    assert folder.reference_price == 168.0
    assert folder.characteristics == ()
    assert folder.category_code == "01.15.03.17.05"
    assert folder.category_name == "Папки пластиковые"
    kettle = result.products[0]
    assert kettle.characteristics[:3] == ("Мощность", "Объем", "Индикатор уровня воды")
    assert "Подсветка" in kettle.characteristics  # "Подсветка " trimmed
    codes = {c.code: c for c in result.categories}
    assert codes["01.15.03.17"].name is None
    assert codes["01.15.03.17"].parent_code == "01.15.03"
    assert codes["01.15.03.17.05"].parent_code == "01.15.03.17"
    assert all(c.parent_code in codes for c in codes.values() if c.parent_code)
    assert sum(1 for p in result.products if p.spgz_code) > 0
    assert all(p.spgz_code != "NULL" and p.reference_price != "NULL" for p in result.products)
    keys = [c.key for c in result.catalog_items]
    assert len(keys) == len(set(keys))


def test_null_dash_and_nameless_rows(make_xlsx):
    """NULL means empty, '-'-only rows are empty rows, a row with data but no STE name is
    skipped with the reason, and the nicer category casing is used when it says the same."""
    content = make_xlsx(
        {
            "Справочник": [
                HEADER,
                [
                    "Чайник",
                    "Объем;Мощность;;Объем",
                    "1 299,50",
                    "Электрочайники бытовые",
                    "01.20.01.03.01.01",
                    "ЭЛЕКТРОЧАЙНИКИ БЫТОВЫЕ",
                    "NULL",
                    "NULL",
                    2137924,
                ],
                [None, "Объем", "NULL", "Прочее", "01.20", "ПРОЧЕЕ", "NULL", "NULL", 5],
                [None, None, None, None, None, None, None, None, "-"],
            ]
        }
    )
    result = importers.parse(content, "catalog.xlsx")
    (item,) = result.catalog_items
    assert item.characteristics == ("Объем", "Мощность")
    assert item.reference_price == 1299.5
    assert item.spgz_code is None and item.spgz_name is None
    assert item.contract == "2137924"
    assert item.category_name == "Электрочайники бытовые"
    assert result.summary["empty_rows"] == 1
    assert [s.row for s in result.skipped] == [3]
    assert [c.code for c in result.categories] == [
        "01",
        "01.20",
        "01.20.01",
        "01.20.01.03",
        "01.20.01.03.01",
        "01.20.01.03.01.01",
    ]
