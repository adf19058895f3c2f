"""Small helpers of the demo year (``demo.year``, ``demo.year_review``): a step's moment, the
stamps set after a service, and tiny genuine evidence files."""

from __future__ import annotations

import datetime
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment of ``day`` in the project's time zone (for the stamps set after a service)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def restamp(model, field: str, moments: dict[int, datetime.datetime]) -> None:
    """Set ``field`` of the rows ``moments`` names (pk → moment) in one update."""
    if moments:
        model.objects.filter(pk__in=list(moments)).update(
            **{
                field: Case(
                    *[When(pk=pk, then=Value(m)) for pk, m in moments.items()], output_field=DateTimeField()
                )
            }
        )


def tiny_png() -> bytes:
    """A genuine 8×8 PNG of a few dozen bytes (evidence: a photo of the meeting)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xc8\x10\x2e" * 8 for _ in range(8))  # party red
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def tiny_pdf() -> bytes:
    """A genuine one-page PDF of a few hundred bytes (evidence: the minutes)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (n, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def evidence_file(name: str) -> SimpleUploadedFile:
    if name.endswith(".png"):
        return SimpleUploadedFile(name, tiny_png(), content_type="image/png")
    return SimpleUploadedFile(name, tiny_pdf(), content_type="application/pdf")
