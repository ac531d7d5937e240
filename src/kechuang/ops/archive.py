"""The backup archive format. Pure Python (no Django): writing, reading and verifying.

A backup is one tar file, compressed with gzip (``.tar.gz``) or xz (``.tar.xz``)::

    database/kechuang.sqlite3   or   database/kechuang.pgdump   (pg_dump --format=custom)
    media/<path under MEDIA_ROOT>                                 (the uploaded files)
    manifest.json     format and version, kechuang version, database vendor, migration state,
                      row counts, created_at, and the size and SHA-256 of every member above
    manifest.sha256   the SHA-256 of manifest.json (the last member: a damaged manifest is detected)

Next to the archive, ``FILE.sha256`` (``sha256sum`` format) holds the checksum of the whole file, so
a copy can be checked with ``sha256sum -c FILE.sha256`` without kechuang.

Reading is all or nothing: members are extracted into a staging directory while they are hashed,
and only a complete archive whose every checksum matches is handed back. A truncated file, a
flipped bit, a member not in the manifest or a path outside the archive's folders is an
``ArchiveError`` with a Chinese message.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import os
import shutil
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

FORMAT = "kechuang-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
FOLDERS = ("database", "media")
COMPRESSIONS = {"gz": ".tar.gz", "xz": ".tar.xz"}
CHUNK = 1 << 20
NOTHING_WRITTEN = "未写入任何数据。"


class ArchiveError(Exception):
    """The archive cannot be used; the message (Chinese) says why."""


@dataclass
class Member:
    path: str
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass
class Manifest:
    data: dict
    members: list[Member] = field(default_factory=list)

    @property
    def vendor(self) -> str:
        return self.data["database"]["vendor"]

    @property
    def database_member(self) -> str:
        return self.data["database"]["member"]

    @property
    def media_members(self) -> list[Member]:
        return [m for m in self.members if m.path.startswith("media/")]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".sha256")


class _HashingReader:
    """Reads at most ``size`` bytes of a file and hashes what it hands out."""

    def __init__(self, fileobj, size: int):
        self._f = fileobj
        self._left = size
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        n = self._left if n is None or n < 0 else min(n, self._left)
        data = self._f.read(n)
        self._left -= len(data)
        self.digest.update(data)
        return data


class ArchiveWriter:
    """Write ``out`` as ``out.partial`` first; ``finish`` renames it, so a failed backup leaves no
    file under the final name."""

    def __init__(self, out: Path, compression: str = "gz"):
        if compression not in COMPRESSIONS:
            raise ValueError(f"compression must be one of {sorted(COMPRESSIONS)}")
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        self.members: list[Member] = []
        self._tar = tarfile.open(self.partial, f"w:{compression}", format=tarfile.PAX_FORMAT)

    def add_file(self, arcname: str, path: Path) -> Member:
        """Add a regular file. Its size is taken when it is opened; a file that grows meanwhile is
        stored as it was at that size, a file that shrinks is an OSError."""
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            info = tarfile.TarInfo(arcname)
            info.size = st.st_size
            info.mtime = int(st.st_mtime)
            info.mode = 0o644
            reader = _HashingReader(f, st.st_size)
            self._tar.addfile(info, reader)
        member = Member(arcname, st.st_size, reader.digest.hexdigest())
        self.members.append(member)
        return member

    def _add_bytes(self, arcname: str, data: bytes, mtime: float) -> None:
        info = tarfile.TarInfo(arcname)
        info.size = len(data)
        info.mtime = int(mtime)
        info.mode = 0o644
        self._tar.addfile(info, io.BytesIO(data))

    def finish(self, manifest: dict, mtime: float) -> str:
        """Append manifest.json and its checksum, close, fsync, rename into place, write FILE.sha256.
        Returns the SHA-256 of the whole archive."""
        manifest = {**manifest, "files": [m.as_dict() for m in self.members]}
        data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        self._add_bytes(MANIFEST, data, mtime)
        self._add_bytes(MANIFEST_SUM, f"{hashlib.sha256(data).hexdigest()}  {MANIFEST}\n".encode(), mtime)
        self._tar.close()
        with open(self.partial, "rb+") as f:
            os.fsync(f.fileno())
        digest = sha256_file(self.partial)
        os.replace(self.partial, self.out)
        checksum_path(self.out).write_text(f"{digest}  {self.out.name}\n", encoding="utf-8")
        return digest

    def abort(self) -> None:
        try:
            self._tar.close()
        except Exception:  # noqa: BLE001 - the archive is being thrown away
            pass
        self.partial.unlink(missing_ok=True)


def _safe_name(name: str) -> str:
    if name in (MANIFEST, MANIFEST_SUM):
        return name
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or ".." in path.parts
        or len(path.parts) < 2
        or path.parts[0] not in FOLDERS
        or "\\" in name
        or "\x00" in name
    ):
        raise ArchiveError(f"备份文件含有不允许的路径「{name[:200]}」，拒绝使用。{NOTHING_WRITTEN}")
    return str(path)


def read_archive(archive: Path, staging: Path | None = None) -> Manifest:
    """Verify ``archive`` completely; with ``staging``, extract its members there as well.

    Raises ArchiveError (Chinese message) for a missing file, a file that is not a tar archive, a
    truncated or damaged one, a checksum that does not match, or a manifest of another format.
    On error whatever was extracted into ``staging`` is the caller's to remove.
    """
    if not archive.is_file():
        raise ArchiveError(f"找不到备份文件：{archive}")
    sidecar = checksum_path(archive)
    if sidecar.is_file():
        expected = sidecar.read_text(encoding="utf-8", errors="replace").split()[:1]
        if expected and expected[0].lower() != sha256_file(archive):
            raise ArchiveError(
                f"备份文件已损坏：SHA-256 与 {sidecar.name} 中记录的不一致：{archive}。{NOTHING_WRITTEN}"
            )
    seen: dict[str, Member] = {}
    manifest_bytes = manifest_sum = None
    free = shutil.disk_usage(staging).free if staging is not None else None
    extracted = 0
    try:
        with tarfile.open(archive, "r:*") as tar:
            for info in tar:
                name = _safe_name(info.name)
                if not info.isfile():
                    raise ArchiveError(f"备份文件含有非普通文件「{name}」，拒绝使用。{NOTHING_WRITTEN}")
                if name in seen or (name == MANIFEST and manifest_bytes is not None):
                    raise ArchiveError(f"备份文件中「{name}」出现了两次，拒绝使用。{NOTHING_WRITTEN}")
                source = tar.extractfile(info)
                if name in (MANIFEST, MANIFEST_SUM):
                    if info.size > 64 * 1024 * 1024:
                        raise ArchiveError(f"备份清单过大，不是 kechuang 备份文件。{NOTHING_WRITTEN}")
                    data = source.read()
                    if name == MANIFEST:
                        manifest_bytes = data
                    else:
                        manifest_sum = data
                    continue
                if free is not None:
                    extracted += info.size
                    if extracted > free - 64 * 1024 * 1024:
                        raise ArchiveError(
                            f"磁盘空间不足：解包备份需要至少 {extracted / 1e6:.0f} MB（{staging}）。"
                            f"{NOTHING_WRITTEN}"
                        )
                seen[name] = _copy_member(name, source, info.size, staging / name if staging else None)
    except ArchiveError:
        raise
    except tarfile.ReadError as exc:
        if not seen and manifest_bytes is None:
            raise ArchiveError(
                f"不是 kechuang 备份文件（无法作为 tar 归档读取）：{archive}。{NOTHING_WRITTEN}"
            ) from exc
        raise ArchiveError(f"备份文件已损坏或不完整（{exc}）：{archive}。{NOTHING_WRITTEN}") from exc
    except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
        raise ArchiveError(f"备份文件已损坏或不完整（{exc}）：{archive}。{NOTHING_WRITTEN}") from exc
    return _check_manifest(archive, manifest_bytes, manifest_sum, seen)


def _copy_member(name: str, source, size: int, target: Path | None) -> Member:
    digest = hashlib.sha256()
    written = 0
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = open(target, "wb")
    try:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            written += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    if written != size:
        raise EOFError(f"{size - written} bytes missing")
    return Member(name, size, digest.hexdigest())


def _check_manifest(archive: Path, data: bytes | None, checksum: bytes | None, seen: dict) -> Manifest:
    if data is None:
        if not seen:
            raise ArchiveError(f"不是 kechuang 备份文件（没有 {MANIFEST}）：{archive}。{NOTHING_WRITTEN}")
        raise ArchiveError(f"备份文件不完整：缺少 {MANIFEST}（文件可能被截断）：{archive}。{NOTHING_WRITTEN}")
    if checksum is None:
        raise ArchiveError(
            f"备份文件不完整：缺少 {MANIFEST_SUM}（文件可能被截断）：{archive}。{NOTHING_WRITTEN}"
        )
    expected = checksum.decode("ascii", errors="replace").split()[:1]
    if not expected or expected[0].lower() != hashlib.sha256(data).hexdigest():
        raise ArchiveError(f"备份文件已损坏：{MANIFEST} 的 SHA-256 与记录不符：{archive}。{NOTHING_WRITTEN}")
    try:
        manifest = json.loads(data.decode("utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError("format")
        version = int(manifest["format_version"])
        members = [Member(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in manifest["files"]]
        vendor = manifest["database"]["vendor"]
        db_member = manifest["database"]["member"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ArchiveError(f"不是 kechuang 备份文件（清单格式不符）：{archive}。{NOTHING_WRITTEN}") from exc
    if version > FORMAT_VERSION:
        raise ArchiveError(
            f"备份格式版本 {version} 比本程序支持的 {FORMAT_VERSION} 新：请用较新版本的 kechuang 恢复。"
            f"{NOTHING_WRITTEN}"
        )
    listed = {m.path for m in members}
    for m in members:
        got = seen.get(m.path)
        if got is None:
            raise ArchiveError(f"备份文件不完整：缺少「{m.path}」：{archive}。{NOTHING_WRITTEN}")
        if got.size != m.size or got.sha256 != m.sha256.lower():
            raise ArchiveError(
                f"备份文件已损坏：「{m.path}」的 SHA-256 与清单不符：{archive}。{NOTHING_WRITTEN}"
            )
    extra = sorted(set(seen) - listed)
    if extra:
        raise ArchiveError(f"备份文件含有清单以外的文件「{extra[0]}」，拒绝使用。{NOTHING_WRITTEN}")
    if vendor not in ("sqlite", "postgresql") or db_member not in listed:
        raise ArchiveError(f"备份文件的数据库部分缺失或类型未知（{vendor}）。{NOTHING_WRITTEN}")
    return Manifest(manifest, members)
