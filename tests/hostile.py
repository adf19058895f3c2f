"""A corpus of hostile and broken inputs (no tests here), used by tests/test_bad_input.py.

Each text value is either to be *stored as typed and shown escaped* (markup) or to be *refused
with a message, changing nothing* (the rest)."""

import io
import zipfile

from formguard.forms import TEXT_MAX

SCRIPT = '<script>alert("cxzy")</script>'
MARKUP = {
    "script": SCRIPT,
    "html": '<img src=x onerror="alert(1)"><b>粗体</b>',
    "quotes": "'\"; DROP TABLE branches_person; --",
}
ESCAPED_SCRIPT = "&lt;script&gt;alert(&quot;cxzy&quot;)&lt;/script&gt;"

# Refused: a message on the form, nothing saved.
REFUSED_TEXT = {
    "nul": "记录\x00内容",  # PostgreSQL cannot store NUL in text
    "escape": "记录\x1b[31m内容",
    "bell": "\x07",
    "too_long": "长" * (TEXT_MAX + 1),
}

# Values that are not what a number or date field expects.
WRONG_NUMBERS = ["abc", "-1", "1e309", "99999999999999999999999", "NaN", "\x00"]
WRONG_DATES = ["2026-02-30", "not a date", "99999-01-01", "\x00", "2026-13-01"]
WRONG_CHOICES = ["no-such-choice", "999999999", "-1", "\x00", "1 OR 1=1"]

PDF = b"%PDF-1.4\n%%EOF\n"


def files():
    """(file name, content, why it is refused) for evidence uploads."""
    return [
        ("report.exe", b"MZ\x90\x00" + b"\x00" * 100, "wrong extension"),
        ("report.pdf", b"MZ\x90\x00 not a pdf at all", "content does not match the name"),
        ("photo.png", PDF, "a PDF named .png"),
        ("empty.pdf", b"", "empty"),
        ("../../etc/passwd.pdf", b"root:x:0:0", "path in the name, not a PDF"),
        ("script.svg", b"<svg onload=alert(1)>", "not an accepted type"),
    ]


def zip_bomb_xlsx(unpacked_mb: int = 60) -> bytes:
    """A small .xlsx-looking zip whose one member unpacks to ``unpacked_mb`` megabytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            chunk = b"\x20" * (1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(chunk)
    return buffer.getvalue()


def malformed_xlsx() -> list[tuple[str, bytes]]:
    """Files named .xlsx that are not readable workbooks."""
    broken_zip = io.BytesIO()
    with zipfile.ZipFile(broken_zip, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")  # unclosed XML, no workbook
    return [
        ("text.xlsx", "employee_no,name\n1,张三\n".encode()),
        ("truncated.xlsx", b"PK\x03\x04" + b"\x00" * 40),
        ("broken.xlsx", broken_zip.getvalue()),
        ("empty.xlsx", b""),
    ]


# Cell values that a spreadsheet would run as a formula unless neutralised.
FORMULAS = ['=HYPERLINK("http://evil.example","点击")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
