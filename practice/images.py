"""Images shown in questions and answers: checked, stored once, and named by their content.

An image is served from our own origin at /images/<sha256>.<extension>, so its URL follows from
its bytes alone: a preview can show where an image will be before anything is stored, and the
same picture uploaded twice is stored once. Only PNG, JPEG, GIF and WebP are accepted, told by
their first bytes (a name can say anything); SVG is refused because it can carry script.
"""

import hashlib
import posixpath
import re
from urllib.parse import unquote

from django.core.exceptions import ValidationError

from practice.models import QuestionImage

IMAGE_MAX_BYTES = 2 * 1024 * 1024
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
ACCEPTED_TYPES = "PNG, JPEG, GIF or WebP"

# ![alt](path "title"): the path either in <…> or up to a space or ")".
_MARKDOWN_IMAGE = re.compile(
    r"(!\[[^\]\n]*\]\(\s*)(<[^>\n]*>|[^\s)]+)((?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\))"
)
_HTML_IMAGE_SRC = re.compile(
    r"""(<img\b[^>]*?\bsrc\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE
)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_URL_WITH_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


def image_type(data: bytes) -> str | None:
    """The content type the first bytes say, among those accepted; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _looks_like_svg(data: bytes, name: str) -> bool:
    start = data[:1024].lstrip().lower()
    return name.lower().endswith((".svg", ".svgz")) or start.startswith((b"<svg", b"<?xml"))


def image_refusal(data: bytes, name: str) -> str | None:
    """Why these bytes cannot be an image of ours, as the end of a sentence; None if they can."""
    if len(data) > IMAGE_MAX_BYTES:
        return (
            f"it is {len(data) / 1024 / 1024:.1f} MB and the limit is "
            f"{IMAGE_MAX_BYTES // 1024 // 1024} MB; save it smaller (fewer pixels, or as JPEG)"
        )
    if image_type(data):
        return None
    if _looks_like_svg(data, name):
        return "SVG is not accepted; convert it to PNG"
    if not data:
        return "the file is empty; upload the image file itself"
    return f"it is not a {ACCEPTED_TYPES} image; save it as PNG or JPEG"


def _checked_type(data: bytes, name: str) -> str:
    if refusal := image_refusal(data, name):
        raise ValidationError(f"Image “{name}” is refused: {refusal}.", code="image_refused")
    return image_type(data)


def image_url_for(data: bytes, *, name: str) -> str:
    """The URL these bytes are (or would be) served at; ValidationError if they are refused."""
    content_type = _checked_type(data, name)
    return f"/images/{hashlib.sha256(data).hexdigest()}.{_EXTENSIONS[content_type]}"


def image_store(data: bytes, *, name: str, user=None) -> QuestionImage:
    """The stored image with these bytes, stored now if new; ValidationError if refused."""
    content_type = _checked_type(data, name)
    image, _ = QuestionImage.objects.get_or_create(
        sha256=hashlib.sha256(data).hexdigest(),
        defaults={
            "data": data,
            "content_type": content_type,
            "original_name": posixpath.basename(name.replace("\\", "/"))[:255] or "image",
            "size": len(data),
            "uploaded_by": user,
        },
    )
    return image


def _archive_path(path: str) -> str:
    """A path as the archive would name it: decoded, with "/" and without "./" or "../"."""
    path = unquote(path.strip().strip("<>")).replace("\\", "/")
    path = posixpath.normpath(path.lstrip("/")) if path else ""
    while path.startswith("../"):
        path = path[3:]
    return "" if path == "." else path


def _archive_match(path: str, names: dict[str, str]) -> tuple[str | None, str | None]:
    """The archive key a path names, or a sentence saying why there is none.

    `names` maps each key's normalised path to the key. An exact path wins; else a key that
    ends with the path, as when the text sits in a subfolder of the archive.
    """
    wanted = _archive_path(path)
    if wanted in names:
        return names[wanted], None
    endings = [key for normal, key in names.items() if normal.endswith("/" + wanted)]
    if not endings:
        folded = [key for normal, key in names.items() if normal.lower() == wanted.lower()]
        endings = folded
    if len(endings) == 1:
        return endings[0], None
    if endings:
        listed = ", ".join(sorted(endings)[:3])
        return None, (
            f"image “{path}” could be any of {len(endings)} files of the archive ({listed}); "
            "write its folder too"
        )
    return None, f"image “{path}” is not in the archive"


def _code_lines(text: str) -> set[int]:
    """The numbers of the lines inside fenced code, where an image is only text."""
    inside, fence = set(), ""
    for number, line in enumerate(text.split("\n")):
        if fence:
            inside.add(number)
            if line.lstrip(" ").startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
        elif opening := _FENCE.match(line):
            fence = opening.group(1)
            inside.add(number)
    return inside


def archive_images_resolve(
    text: str, images: dict[str, bytes], *, store: bool, user=None
) -> tuple[str, list[str]]:
    """Point the text's images that name a file of `images` (by its path in the archive) at
    our URL for it, storing each when `store`; the new text, and a sentence per problem.

    Images already on the web or already ours are left alone (`markdown_display_problems`
    speaks of those).
    """
    names = {_archive_path(key): key for key in images}
    urls: dict[str, str] = {}
    problems: list[str] = []

    def resolved(path: str) -> str | None:
        bare = path.strip().strip("<>")
        if not bare or _URL_WITH_SCHEME.match(bare) or bare.startswith(("/images/", "//", "#")):
            return None
        key, problem = _archive_match(bare, names)
        if problem:
            if problem not in problems:
                problems.append(problem)
            return None
        if key not in urls:
            if refusal := image_refusal(images[key], key):
                urls[key] = ""
                problems.append(f"image “{bare}” is refused: {refusal}")
            elif store:
                urls[key] = image_store(images[key], name=key, user=user).url
            else:
                urls[key] = image_url_for(images[key], name=key)
        return urls[key] or None

    code = _code_lines(text)
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if number in code or ("![" not in line and "<img" not in line.lower()):
            continue

        def markdown_image(match: re.Match) -> str:
            url = resolved(match.group(2))
            return match.group(1) + url + match.group(3) if url else match.group()

        def html_image(match: re.Match) -> str:
            url = resolved(match.group(2).strip("\"'"))
            return f'{match.group(1)}"{url}"' if url else match.group()

        lines[number] = _HTML_IMAGE_SRC.sub(html_image, _MARKDOWN_IMAGE.sub(markdown_image, line))
    return "\n".join(lines), problems
