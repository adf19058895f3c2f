# Placeholder so the URLconf loads; the roster import/export is being written.
from django.views.generic import View


class RosterImportView(View):
    pass


class RosterImportPreviewView(View):
    pass


class RosterExportView(View):
    pass
