"""The W3C HTML validator (the Nu Html Checker, npm package `vnu-jar`) over the pages the
browser tests load.

Every document the server sends to the browser is kept as it arrived (the raw response body,
not the DOM after scripts ran), written to a folder, and the whole folder is checked in one run
of the validator at the end of the test session: the JVM starts once, not once per page.
`make node-tools` (or `npm ci --ignore-scripts`) installs the jar; Java comes from the system.
"""

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Django admin's own templates are not ours to fix; its pages are checked by tests/browser/
# test_admin.py for what we do control there (the policy, missing files, widgets).
SKIPPED_PATH_PREFIXES = ("/admin/",)


@dataclass(frozen=True)
class HtmlError:
    """One error the validator reported, placed in the page the server sent."""

    url: str
    line: int | None
    column: int | None
    message: str
    extract: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "whole document"
        if self.column is not None:
            where += f", column {self.column}"
        text = f"{self.url} ({where}): {self.message}"
        if self.extract:
            text += f"\n    {' '.join(self.extract.split())}"
        return text


def validator_missing_reason() -> str | None:
    """Why the validator cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java not found: install a JRE 17 (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return f"{VNU_JAR.relative_to(REPO_ROOT)} not found: run `make node-tools`"
    return None


def validate_files(pages: dict[Path, str]) -> list[HtmlError]:
    """Validate the files in one run of the validator; `pages` maps each file to the URL its
    errors are reported under. Returns every error (warnings and notes are left out)."""
    if not pages:
        return []
    by_file = {path.resolve().as_uri(): url for path, url in pages.items()}
    completed = subprocess.run(
        [
            "java",
            "-Xss8m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
            *(str(path) for path in pages),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not completed.stdout.strip():
        raise RuntimeError(
            f"the HTML validator failed (exit {completed.returncode}): {completed.stderr.strip()}"
        )
    errors = []
    for message in json.loads(completed.stdout)["messages"]:
        # "error" (with subType "fatal" for unparseable markup) and "non-document-error"
        # (a file the validator could not read) fail; "info" is a warning or a note.
        if message["type"] == "info":
            continue
        file_uri = message.get("url", "")
        # The validator writes file:/tmp/x where Path.as_uri gives file:///tmp/x.
        url = by_file.get(file_uri.replace("file:/", "file:///", 1), file_uri)
        errors.append(
            HtmlError(
                url=url,
                line=message.get("lastLine"),
                column=message.get("firstColumn"),
                message=message["message"],
                extract=message.get("extract", ""),
            )
        )
    return errors


def validate_html(html: str, folder: Path, url: str = "snippet.html") -> list[HtmlError]:
    """Validate one document given as text."""
    path = folder / "snippet.html"
    path.write_text(html, encoding="utf-8")
    return validate_files({path: url})


@dataclass
class PageCollector:
    """Keeps the HTML of every document response the watched browser contexts receive."""

    folder: Path
    pages: dict[Path, str] = field(default_factory=dict)
    visits: int = 0
    unreadable: list[str] = field(default_factory=list)
    test_name: str = ""
    _seen: set[str] = field(default_factory=set)

    def watch(self, context) -> None:
        context.on("response", self.on_response)

    def unwatch(self, context) -> None:
        context.remove_listener("response", self.on_response)

    def on_response(self, response) -> None:
        if response.request.resource_type != "document":
            return
        path = urlsplit(response.url).path
        if path.startswith(SKIPPED_PATH_PREFIXES):
            return
        # Redirects carry no page; a download (the data export) is not HTML.
        if 300 <= response.status < 400:
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return
        try:
            body = response.body()
        except Exception as error:  # The browser dropped the body (a navigation raced it).
            self.unreadable.append(f"{response.url}: {error}")
            return
        self.add(body, url=response.url)

    def add(self, body: bytes, *, url: str) -> None:
        self.visits += 1
        digest = hashlib.sha256(body).hexdigest()
        if digest in self._seen:
            return
        self._seen.add(digest)
        path = self.folder / f"{len(self.pages) + 1:04d}.html"
        path.write_bytes(body)
        label = f"{url} [{self.test_name}]" if self.test_name else url
        self.pages[path] = label

    def validate(self) -> list[HtmlError]:
        return validate_files(self.pages)
