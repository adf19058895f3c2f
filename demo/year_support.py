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
from simple_history.utils import bulk_create_with_history

from activities.models import ActivityRecord, Attendance, AttendanceStatus

DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment of ``day`` in the project's time zone (for the stamps set after a service)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def restamp(model, field: str, moments: dict[int, datetime.datetime]) -> None:
    """Set ``field`` of the rows ``moments`` names (pk → moment) in one update, and the same in
    their change history: otherwise the next version would show the restamp as a change made
    by whoever took the next step ("approved at: 7 Dec → 2 Feb"), and every step would be dated
    at the moment of the load. The version where ``field`` first appears is dated at its moment,
    the versions before it no later and those after no earlier, so the history keeps its order."""
    if not moments:
        return
    model.objects.filter(pk__in=list(moments)).update(
        **{
            field: Case(
                *[When(pk=pk, then=Value(m)) for pk, m in moments.items()], output_field=DateTimeField()
            )
        }
    )
    if not hasattr(model, "history"):
        return
    versions = model.history.filter(id__in=list(moments)).order_by("id", "history_id")
    changed = []
    by_object: dict[int, list] = {}
    for version in versions:
        by_object.setdefault(version.id, []).append(version)
    for pk, rows in by_object.items():
        moment = moments[pk]
        first = next((i for i, row in enumerate(rows) if getattr(row, field) is not None), None)
        if first is None:
            continue
        for i, row in enumerate(rows):
            if i < first:
                row.history_date = min(row.history_date, moment)
            else:
                setattr(row, field, moment)
                row.history_date = moment if i == first else max(row.history_date, moment)
            changed.append(row)
    model.history.model.objects.bulk_update(changed, [field, "history_date"], batch_size=500)


def redate_latest_version(model, moments: dict[int, datetime.datetime]) -> None:
    """Date the latest version in the change history of each row ``moments`` names at its
    moment (a step whose date is a field of another record, e.g. a pledge's publication), no
    earlier than the version before it."""
    latest = {}
    for version in model.history.filter(id__in=list(moments)).order_by("id", "history_id"):
        previous = latest.get(version.id)
        latest[version.id] = version
        version.floor = previous.history_date if previous else None
    for pk, version in latest.items():
        version.history_date = max(moments[pk], version.floor) if version.floor else moments[pk]
    model.history.model.objects.bulk_update(latest.values(), ["history_date"], batch_size=500)


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


class RecordBatch:
    """Activity records written in bulk with their history rows, as their secretaries entered
    them: each one a few days after the meeting (``hour`` o'clock), with who was there. Records
    of days still to come are left out."""

    def __init__(self, steps, rng, *, hour: int, change_reason: str):
        self.steps, self.rng, self.hour = steps, rng, hour
        self.history = {"default_change_reason": change_reason}
        self.records = []
        self.present = []

    def add(self, author, day: datetime.date, people=(), **fields) -> None:
        if not self.steps.past(day):
            return
        entered = self.steps.clip(day + datetime.timedelta(days=self.rng.randint(0, 3)))
        record = ActivityRecord(
            held_on=day, created_by=author.user, created_at=at(entered, self.hour), **fields
        )
        self.records.append(record)
        if people:
            self.present.append((record, list(people)))

    def save(self, *, leave: float, absent: float, leave_reasons) -> None:
        """Write the records, then the attendance: of those expected, a share ``leave`` on leave
        (with a reason) and a share ``absent`` minus ``leave`` absent, the rest present."""
        bulk_create_with_history(self.records, ActivityRecord, batch_size=500, **self.history)
        attendance = []
        for record, people in self.present:
            for person in people:
                draw = self.rng.random()
                status, reason = AttendanceStatus.PRESENT, ""
                if draw < leave:
                    status, reason = AttendanceStatus.LEAVE, self.rng.choice(leave_reasons)
                elif draw < absent:
                    status = AttendanceStatus.ABSENT
                row = Attendance(record=record, person=person, status=status, reason=reason)
                attendance.append(row)
        bulk_create_with_history(attendance, Attendance, batch_size=1000, **self.history)
