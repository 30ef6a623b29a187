"""Take the README's screenshots from a fresh local site, at 1280 and 360 px wide.

Run with `make screenshots`. It builds a throwaway SQLite database with the shipped content
and the demo learner, serves it with the development server, and drives the machine's
Chromium through Playwright: the landing page, a first answer tried there, the dashboard of
the new account that keeps it, the demo learner's dashboard, the question bank and the skill
gaps; then an editor imports the import page's ZIP template (Markdown with a formula and an
image) through the admin and publishes it, and the demo learner opens an imported question.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
WIDTHS = {"desktop": (1280, 900), "phone": (360, 780)}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EDITOR, EDITOR_PASSWORD = "editor", "editor-password-for-screenshots-2026"
FIRST_ANSWER = (
    "Supervised learning fits a model to labelled examples, pairs of inputs and known "
    "targets, for example predicting house prices with linear regression or spam with "
    "logistic regression. Unsupervised learning has no labels and looks for structure, like "
    "clustering customers with k-means or reducing dimensions with PCA. Semi-supervised "
    "learning uses a few labels with many unlabelled examples, and self-supervised learning "
    "makes its own labels from the data, as masked-word prediction does for language models."
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("The development server did not start.")


def _shoot(page, name: str, *, scroll_to: str = "") -> None:
    """Screenshots at each width; with `scroll_to`, of the page from that element down."""
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        if scroll_to:
            page.locator(scroll_to).first.evaluate(
                "element => { element.scrollIntoView(); window.scrollBy(0, -16); }"
            )
        page.screenshot(path=OUT / f"{name}-{label}.png")
        print(f"wrote docs/screenshots/{name}-{label}.png")


def _import_zip_template(browser, base: str, folder: str) -> None:
    """An editor uploads the import page's ZIP template, reads the preview and confirms."""
    editor = browser.new_page()
    _log_in(editor, base, EDITOR, EDITOR_PASSWORD)
    archive = editor.request.get(base + "/admin/practice/question/import/template/zip/")
    upload = Path(folder) / "questions.zip"
    upload.write_bytes(archive.body())
    editor.goto(base + "/admin/practice/question/import/")
    editor.get_by_label("File to import").set_input_files(upload)
    editor.get_by_label("Status").select_option("published")
    editor.get_by_role("button", name="Upload and check").click()
    editor.get_by_role("button", name="Confirm import").click(timeout=60_000)
    editor.locator(".import-done").wait_for(timeout=60_000)
    # The template's questions are drafts: the editor publishes them from the change list.
    editor.get_by_role("link", name="See the new and changed questions").click()
    editor.locator("#action-toggle").check()
    editor.locator("select[name=action]").select_option(label="Publish the selected questions")
    editor.get_by_role("button", name="Go").click()
    editor.close()


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/**")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "screenshots-only-key"),
            "SQLITE_PATH": str(Path(folder) / "site.sqlite3"),
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        _manage(env, "migrate", "--noinput", "--verbosity", "0")
        _manage(env, "load_content")
        _manage(env, "seed_demo")
        _manage(
            {**env, "DJANGO_SUPERUSER_PASSWORD": EDITOR_PASSWORD},
            *("createsuperuser", "--noinput", "--username", EDITOR, "--email", "e@example.com"),
        )
        port = _free_port()
        server = _serve(env, port)
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                    args=CHROMIUM_FLAGS,
                )
                visitor = browser.new_page()
                visitor.goto(base + "/")
                _shoot(visitor, "landing")
                visitor.get_by_label("Your answer").fill(FIRST_ANSWER)
                visitor.get_by_role("button", name="Submit answer").click()
                visitor.wait_for_url(base + "/#result")
                _shoot(visitor, "first-answer")
                keep = "Create a free account to keep this answer"
                visitor.get_by_role("link", name=keep).click()
                visitor.get_by_label("Username").fill("newcomer")
                visitor.get_by_label("Email").fill("newcomer@example.com")
                visitor.get_by_label("Password*", exact=True).fill("a-long-new-password-2026")
                visitor.get_by_label("Password confirmation").fill("a-long-new-password-2026")
                visitor.get_by_role("button", name="Sign up").click()
                visitor.wait_for_load_state()
                visitor.goto(base + "/dashboard/")
                _shoot(visitor, "dashboard-new")

                demo = browser.new_page()
                _log_in(demo, base, "demo", "demo-password-2026")
                demo.goto(base + "/dashboard/")
                _shoot(demo, "dashboard")
                demo.goto(base + "/questions/")
                _shoot(demo, "questions")
                demo.goto(base + "/assessments/gaps/")
                _shoot(demo, "gaps")

                _import_zip_template(browser, base, folder)
                demo.goto(base + "/questions/?q=ROC+AUC+mislead")
                demo.get_by_role("link", name="What does ROC AUC measure").first.click()
                demo.get_by_text("Show the model answer").click()
                demo.locator(".katex").first.wait_for()
                _shoot(demo, "imported-question", scroll_to="details[open] > summary")
                browser.close()
        finally:
            for process in (server, worker):
                process.terminate()
                process.wait()


if __name__ == "__main__":
    main()
