"""What the benchmark scripts share: the site under gunicorn with production settings, and a
signed-in visitor over plain HTTP."""

import contextlib
import http.cookiejar
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as they are: a 302 after a form is the answer to check."""

    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(workdir: Path, **overrides: str) -> dict:
    """The environment of `make serve`, with a throw-away secret and static root."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        **overrides,
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def gunicorn(env: dict, port: int, log_path: Path, *options: str) -> Iterator[subprocess.Popen]:
    """gunicorn serving the site on 127.0.0.1:`port` until the block ends; its log (errors
    included) goes to `log_path`. Yields once /healthz answers."""
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mlcareer.wsgi",
             "--bind", f"127.0.0.1:{port}", *options],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            _wait_for_health(f"http://127.0.0.1:{port}", server, log_path)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_for_health(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; see {log_path}")


class Visitor:
    """One browser's cookies over plain HTTP: forms are posted with their CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """Status, body and redirect target; 0 when the server could not be reached."""
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}
            body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, body, {"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(errors="replace"), ""
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location", "")
            return error.code, error.read().decode(errors="replace"), location
        except OSError:
            return 0, "", ""

    def log_in(self, username: str, password: str) -> None:
        self.request("/accounts/login/")
        # One attempt only: django-axes locks the account out after repeated failures.
        status, _, _ = self.request(
            "/accounts/login/", {"username": username, "password": password}
        )
        if status != 302 or not self.cookie("sessionid"):
            raise RuntimeError(f"could not log in as {username} (HTTP {status})")
