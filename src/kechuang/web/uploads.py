"""Refuse an upload larger than settings.MAX_UPLOAD_MB before it is read."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadTooLarge(Exception):
    pass


class SizeLimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_large = content_length > settings.MAX_UPLOAD_MB * 1024 * 1024
        if self.too_large:
            self.request.upload_too_large = True

    def new_file(self, *args, **kwargs):
        if getattr(self, "too_large", False):
            raise StopUpload(connection_reset=False)
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_too_large(request) -> bool:
    """True when the request's upload exceeded the limit (parses the body first if nobody has)."""
    if request.method == "POST":
        request.FILES  # noqa: B018 — reading it runs the upload handlers, which set the flag
    return getattr(request, "upload_too_large", False)
