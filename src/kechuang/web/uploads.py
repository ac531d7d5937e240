"""The one upload flow every page follows: file → preview with every row error → confirm → result.

- ``SizeLimitedUploadHandler`` / ``upload_too_large``: a file larger than settings.MAX_UPLOAD_MB is
  refused before it is read.
- ``StagedFile``: the file waits between the preview and the confirmation in a per-user folder keyed
  by a random token kept in the session; the confirmation imports exactly that file (or queues a
  background job that owns the folder from then on), a cancel deletes it.
- ``confirmation``: the confirm-or-give-up step (an expired token or ``action=cancel`` ends there).
- ``too_large_message`` and ``refused_type_message``: what every upload page says.

Each module reads and checks its own files (the row errors are kechuang.engine.tables.RowError, every
one of them listed, bad characters named); a file without data rows imports nothing and says so
(engine.tables.empty_file_message). The enterprise upload keeps several files per confirmation
(enterprises.forms.StagedUpload, the same shape).
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import redirect
from django.utils.translation import gettext as _


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


def too_large_message() -> str:
    return _("文件超过 %(mb)s MB 的上限，未接收，没有写入任何数据。请拆分后分批上传。") % {
        "mb": settings.MAX_UPLOAD_MB
    }


def refused_type_message() -> str:
    return _("不支持的文件类型：请上传 .csv 或 .xlsx 文件")


def confirmation(request, staged, back: str):
    """The confirm-or-give-up step every upload page shares. ``staged`` is the file of the posted
    token (StagedFile.load, StagedUpload.load) or None. Returns a redirect to ``back`` when the upload
    expired (saying so) or the user gave it up (``action=cancel``: its file deleted, nothing written);
    None when the page should go on and import ``staged``."""
    if staged is None:
        messages.error(request, expired_message())
        return redirect(back)
    if request.POST.get("action") == "cancel":
        staged.discard(request)
        messages.info(request, _("已放弃本次上传，没有写入任何数据。"))
        return redirect(back)
    return None


def expired_message() -> str:
    return _("待确认的上传已失效（已导入、已放弃或会话已过期），请重新选择文件上传。")


class StagedFile:
    """One file waiting for confirmation under VAR_DIR/uploads/user-<id>/<key>-<token>/."""

    def __init__(self, key: str, folder: Path, token: str, name: str, stored: str):
        self.key, self.folder, self.token, self.name, self.stored = key, folder, token, name, stored

    @property
    def path(self) -> Path:
        return self.folder / self.stored

    @staticmethod
    def _root(user) -> Path:
        return Path(settings.VAR_DIR) / "uploads" / f"user-{user.pk}"

    @classmethod
    def stash(cls, request, key: str, uploaded) -> StagedFile:
        """Keep ``uploaded`` (replacing this user's earlier staged file of the same ``key``)."""
        earlier = cls.load(request, key, (request.session.get(key) or {}).get("token", ""))
        if earlier is not None:
            earlier.discard(request)
        token = secrets.token_urlsafe(16)
        folder = cls._root(request.user) / f"{key}-{token}"
        folder.mkdir(parents=True, exist_ok=True)
        name = Path(uploaded.name or "upload").name[:200]
        stored = "00" + Path(name).suffix.lower()[:10]  # never the user's file name on disk
        with open(folder / stored, "wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        request.session[key] = {"token": token, "name": name, "stored": stored}
        return cls(key, folder, token, name, stored)

    @classmethod
    def load(cls, request, key: str, token: str) -> StagedFile | None:
        """This user's staged file for ``key`` and ``token``, or None (wrong or expired token)."""
        data = request.session.get(key) or {}
        if not token or data.get("token") != token:
            return None
        staged = cls(key, cls._root(request.user) / f"{key}-{token}", token, data["name"], data["stored"])
        return staged if staged.path.is_file() else None

    def release(self, request) -> None:
        """The file now belongs to a background job (which deletes it): forget it in the session."""
        request.session.pop(self.key, None)

    def discard(self, request) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        request.session.pop(self.key, None)
