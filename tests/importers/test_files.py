"""Detection by content and clear errors for files that cannot be read."""

import io
import zipfile
from pathlib import Path

import pytest

import importers
from importers import ImportFileError

FIXTURES = Path(__file__).resolve().parent / "fixtures"

REAL_KINDS = {
    "contracts_by_customer.xlsx": "contract_register",
    "kpgz_spgz_ste.xlsx": "catalog",
    "stock_leftovers_101.xlsx": "stock_listing",
    "stock_leftovers_105.xlsx": "stock_listing",
    "stock_leftovers_21.xlsx": "stock_listing",
    "turnover_101_2022q1.xlsx": "turnover_sheet",
    "turnover_21_2022q1.xlsx": "turnover_sheet",
}


@pytest.mark.parametrize("name", sorted(REAL_KINDS))
def test_real_files_detected_by_content(name, real_bytes):
    """Each real file is recognised from its sheets and headers, even under a neutral name."""
    detection = importers.detect("upload.xlsx", real_bytes(name))
    assert detection.kind == REAL_KINDS[name]
    assert detection.file_format == "xlsx"
    assert detection.evidence


def test_empty_file():
    """An empty upload says it is empty."""
    with pytest.raises(ImportFileError, match="is empty"):
        importers.detect("empty.xlsx", b"")


def test_password_protected_workbook():
    """An Excel workbook encrypted with a password (made with msoffcrypto-tool) is refused
    with advice to remove the password."""
    content = (FIXTURES / "password_protected.xlsx").read_bytes()
    with pytest.raises(ImportFileError, match="password-protected"):
        importers.parse(content, "secret.xlsx")


def test_old_xls_workbook():
    """A compound-document file that is not encrypted is an old .xls: asked to save as .xlsx."""
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    with pytest.raises(ImportFileError, match=r"97-2003 \(.xls\)"):
        importers.detect("old.xls", content)


def test_truncated_workbook(real_bytes):
    """A real workbook cut in half is reported as damaged or truncated, not as a zipfile
    traceback."""
    content = real_bytes("turnover_101_2022q1.xlsx")
    with pytest.raises(ImportFileError, match="damaged or truncated") as error:
        importers.parse(content[: len(content) // 2], "cut.xlsx")
    assert error.value.params["filename"] == "cut.xlsx"


def test_workbook_with_a_damaged_sheet(make_xlsx):
    """A workbook whose sheet XML is cut inside is reported as damaged when read."""
    good = make_xlsx({"Лист_1": [["Дата", "Код", "Количество"], ["05.01.2022", "A1", 1]]})
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(ImportFileError, match="damaged or truncated"):
        importers.parse(out.getvalue(), "broken.xlsx")


def test_zip_that_is_not_a_workbook():
    """A ZIP archive without a workbook inside is refused as such."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        importers.detect("archive.xlsx", out.getvalue())


def test_binary_garbage():
    """Bytes that are neither a workbook nor text are refused."""
    with pytest.raises(ImportFileError, match="neither an Excel workbook"):
        importers.detect("x.csv", b"\x00\x01\x02garbage\x00" * 10)


def test_unrecognised_table_names_its_headers(make_xlsx):
    """A table of something else is not recognised, and the message quotes its headers so the
    user sees what was read."""
    content = make_xlsx({"Лист1": [["Фамилия", "Имя", "Телефон"], ["Иванов", "Иван", "123"]]})
    with pytest.raises(ImportFileError) as error:
        importers.detect("people.xlsx", content)
    assert error.value.params["headers"] == "Фамилия, Имя, Телефон"


def test_wrong_kind_forced(real_bytes):
    """Asking for a turnover sheet on the catalog file says it is not one."""
    with pytest.raises(ImportFileError, match="is not a 1C turnover balance sheet"):
        importers.parse(real_bytes("kpgz_spgz_ste.xlsx"), "catalog.xlsx", kind="turnover_sheet")


def test_unknown_kind():
    """An unknown kind name is refused before reading."""
    with pytest.raises(ImportFileError, match="Unknown file kind"):
        importers.parse(b"a;b\n1;2\n", "x.csv", kind="invoices")


def test_file_hash_is_sha256_of_content():
    """file_hash is the SHA-256 of the bytes, so the wizard can spot the same file again."""
    import hashlib

    content = b"date;code;qty\n2022-01-05;A1;1\n"
    result = importers.parse(content, "d.csv")
    assert result.file_hash == hashlib.sha256(content).hexdigest()


def test_generic_forced_on_a_table_without_demand_columns(real_bytes):
    """Forcing the generic kind on a file without date/product/quantity columns and without a
    mapping asks for a mapping instead of guessing."""
    with pytest.raises(ImportFileError, match="map its columns by hand"):
        importers.parse(real_bytes("kpgz_spgz_ste.xlsx"), "catalog.xlsx", kind="generic")
