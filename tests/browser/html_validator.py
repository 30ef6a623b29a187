"""The W3C HTML validator (the Nu Html Checker, npm package `vnu-jar`) over the pages the
browser tests load.

Every page the live server sends to the browser is kept as it was sent (the response body, not
the DOM after scripts ran), written to a folder, and the whole folder is checked in one run of
the validator at the end of the test session: the JVM starts once, not once per page. The pages
are taken at the server rather than from the browser's response events, which Playwright's
synchronous API delivers late: by then a page the test has already left may have no body.
`make node-tools` (or `npm ci --ignore-scripts`) installs the jar; Java comes from the system.
"""

import gzip
import hashlib
import json
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

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


class PageCollector:
    """Keeps the HTML of every page the browser loads from the live server, byte for byte as
    the server sent it (see `capture_documents`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pages: dict[Path, str] = {}
        self.visits = 0
        self.unreadable: list[str] = []
        self.test_name = ""
        self._seen: set[str] = set()
        self._lock = threading.Lock()  # The live server answers from several threads.

    def add(self, body: bytes, *, url: str) -> None:
        with self._lock:
            self.visits += 1
            digest = hashlib.sha256(body).hexdigest()
            if digest in self._seen:
                return
            self._seen.add(digest)
            path = self.folder / f"{len(self.pages) + 1:04d}.html"
            path.write_bytes(body)
            self.pages[path] = f"{url} [{self.test_name}]" if self.test_name else url

    def validate(self) -> list[HtmlError]:
        return validate_files(self.pages)


def capture_documents(app, collector: PageCollector):
    """Wrap a WSGI app so that every HTML page a browser navigates to is handed to
    `collector`. A browser says so in its `Sec-Fetch-Dest: document` header: htmx's requests,
    scripts, styles and images are left out, and so are redirects, downloads and admin pages."""

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("HTTP_SEC_FETCH_DEST") != "document" or path.startswith(
            SKIPPED_PATH_PREFIXES
        ):
            return app(environ, start_response)
        sent = {}

        def remember(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = app(environ, remember)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        code = int(sent["status"].split()[0])
        headers = {name.lower(): value for name, value in sent["headers"]}
        if not 300 <= code < 400 and headers.get("content-type", "").startswith("text/html"):
            query = environ.get("QUERY_STRING")
            url = f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}{path}"
            url = f"{url}?{query}" if query else url
            encoding = headers.get("content-encoding", "identity")
            if encoding == "gzip":  # Django's GZipMiddleware compresses pages.
                collector.add(gzip.decompress(body), url=url)
            elif encoding == "identity":
                collector.add(body, url=url)
            else:
                collector.unreadable.append(f"{url}: sent with Content-Encoding {encoding}")
        return [body]

    application.collector = collector
    return application
