"""Evidence files (证明材料) attached to activity records and pledge progress.

Checked on the server, by size, by extension and by the file's first bytes, so that a renamed
file is refused as well. Every refusal is a message a secretary understands."""

import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_SIZE = 20 * 1024 * 1024
MAX_FILES = 20  # files in one upload

_PDF = (b"%PDF-",)
_ZIP = (b"PK\x03\x04",)  # docx, xlsx, pptx are zip packages
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # doc, xls, ppt
_JPEG = (b"\xff\xd8\xff",)
_PNG = (b"\x89PNG\r\n\x1a\n",)
_GIF = (b"GIF87a", b"GIF89a")

# extension → the signatures a genuine file of that type starts with
ALLOWED = {
    ".pdf": _PDF,
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".png": _PNG,
    ".gif": _GIF,
    ".doc": _OLE,
    ".docx": _ZIP,
    ".xls": _OLE,
    ".xlsx": _ZIP,
    ".ppt": _OLE,
    ".pptx": _ZIP,
}
ACCEPT = ",".join(ALLOWED)  # for <input accept=…>


def validate_evidence(file) -> None:
    """Raise ValidationError unless ``file`` is an allowed, genuine and small enough file."""
    name = PurePath(file.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _("“%(name)s” is not an accepted type. Accepted: PDF, images (JPG, PNG, GIF) and Office files.")
            % {"name": name},
            code="file_type",
        )
    if file.size > MAX_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(file.size), "max": filesizeformat(MAX_SIZE)},
            code="file_size",
        )
    if file.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(signature) for signature in ALLOWED[extension]):
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file (its content does not match its name).")
            % {"name": name, "type": extension[1:].upper()},
            code="file_content",
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several evidence files in one input (the pattern of the Django documentation). Each file
    is checked with ``validate_evidence`` here, so every refused file is named on the form; the
    services check again."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if not data:
            files = []
        elif isinstance(data, list | tuple):
            files = [single(d, initial) for d in data]
        else:
            files = [single(data, initial)]
        files = [f for f in files if f]
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(n)s files can be uploaded at once.") % {"n": MAX_FILES})
        messages = []
        for file in files:
            try:
                validate_evidence(file)
            except ValidationError as refused:
                messages.extend(refused.messages)
        if messages:
            raise ValidationError(messages)
        return files


def stored_name(filename: str) -> str:
    """The name a stored evidence file gets: random, with the upload's extension. The original
    name (often Chinese) is kept in the row and given back on download, never used as a path."""
    return f"{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def evidence_response(evidence, *, inline: bool = False) -> FileResponse:
    """Send a stored evidence file under its original name; a file missing on disk is a 404."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=not inline, filename=evidence.original_name)


class EvidenceFile(models.Model):
    """What every stored evidence file keeps besides the file itself (whose folder and upload
    time differ by app): the original name, given back on download, its size and uploader."""

    original_name = models.CharField(gettext_lazy("file name"), max_length=255)
    size = models.PositiveBigIntegerField(gettext_lazy("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("uploaded by"),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name
