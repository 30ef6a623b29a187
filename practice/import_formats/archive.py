"""ZIP archives read without trusting them: an XLSX workbook, an Anki package, and a ZIP of one
question file with its images. Sizes are checked from the archive's headers before anything is
unpacked, and counted again while reading, since headers can lie (a "zip bomb")."""

import io
import posixpath
import zipfile
import zlib

from practice.import_formats.base import IMAGE_ENDINGS, ImportFileError

MAX_ENTRIES = 2_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
_CHUNK = 1024 * 1024
# What a damaged archive raises while a member is read.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)


def open_zip(data: bytes, *, not_a_zip: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError):
        raise ImportFileError(not_a_zip) from None


def check_unpacked_size(archive: zipfile.ZipFile, *, what: str) -> None:
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            f"The {what} would unpack to {total / 1024 / 1024:,.0f} MB; an import unpacks at "
            f"most {MAX_UNPACKED_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )


class UnpackBudget:
    """The bytes an archive may still unpack to, counted as they are read."""

    def __init__(self, what: str, limit: int = MAX_UNPACKED_BYTES):
        self.what, self.limit, self.left = what, limit, limit

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        parts = []
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    self.left -= len(chunk)
                    if self.left < 0:
                        raise ImportFileError(
                            f"The {self.what} unpacks to more than "
                            f"{self.limit / 1024 / 1024:,.0f} MB, more than its headers say; "
                            "it was not read. Make the archive again."
                        )
                    parts.append(chunk)
        except ImportFileError:
            raise
        except (*_DAMAGED, NotImplementedError) as error:
            raise ImportFileError(
                f"“{info.filename}” in the {self.what} cannot be unpacked ({error}). "
                "Make the archive again."
            ) from None
        return b"".join(parts)


def unsafe_path(name: str) -> bool:
    """Whether an archive path climbs out of its folder or starts at a root or drive."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def is_image(name: str) -> bool:
    return name.rsplit(".", 1)[-1].lower() in IMAGE_ENDINGS if "." in name else False


def _skipped(name: str) -> bool:
    # What archivers add on their own: macOS resource forks and folder settings.
    base = posixpath.basename(name)
    return name.startswith("__MACOSX/") or base.startswith("._") or base in {".DS_Store"}


def read_archive(data: bytes, *, read_question_file, question_endings: tuple[str, ...]):
    """The ImportFile of the one question file in a ZIP, with the archive's images.

    Images are keyed by their path from the question file's folder (what its Markdown names
    them with), or by their path in the archive when they lie outside that folder.
    """
    archive = open_zip(
        data,
        not_a_zip="This is not a ZIP archive, or it is damaged. Make it again with your "
        "system's “Compress” command, or upload the question file on its own.",
    )
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(archive.infolist()) > MAX_ENTRIES:
        raise ImportFileError(
            f"The ZIP archive holds {len(archive.infolist()):,} entries; an import takes at most "
            f"{MAX_ENTRIES:,}. Leave out what the questions do not use."
        )
    if unsafe := [info.filename for info in archive.infolist() if unsafe_path(info.filename)]:
        raise ImportFileError(
            f"The ZIP archive holds a path that leads outside it (“{unsafe[0]}”): paths in "
            "it must not start with “/” or a drive, nor hold “..”. Make the archive again "
            "from the folder that holds the question file."
        )
    check_unpacked_size(archive, what="ZIP archive")
    infos = [info for info in infos if not _skipped(info.filename)]
    question_files = [
        info for info in infos if info.filename.rsplit(".", 1)[-1].lower() in question_endings
    ]
    if not question_files:
        raise ImportFileError(
            "The ZIP archive holds no question file. Put one CSV, XLSX, JSON, Markdown (.md), "
            "Anki text (.txt) or Anki package (.apkg) file in it, with the images it shows."
        )
    if len(question_files) > 1:
        names = ", ".join(f"“{info.filename}”" for info in question_files[:10])
        raise ImportFileError(
            f"The ZIP archive holds {len(question_files)} question files ({names}); an import "
            "reads one. Make one archive for each, or join them into one file."
        )
    budget = UnpackBudget("ZIP archive")
    question_info = question_files[0]
    folder = posixpath.dirname(question_info.filename)
    images, notes = {}, []
    for info in infos:
        if info is question_info:
            continue
        if is_image(info.filename):
            key = info.filename
            if folder and key.startswith(folder + "/"):
                key = key[len(folder) + 1 :]
            images[key] = budget.read(archive, info)
        else:
            notes.append(f"“{info.filename}” in the ZIP archive is neither questions nor an image")
    if len(notes) > 5:
        notes = [f"{len(notes)} files in the ZIP archive are neither questions nor images"]
    imported = read_question_file(question_info.filename, budget.read(archive, question_info))
    imported.images = {**images, **imported.images}
    imported.notes = [f"{note}; it was left out." for note in notes] + imported.notes
    return imported
