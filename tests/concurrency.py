"""Running the same request in many threads at once, against a database they can all write.

pytest-django's SQLite test database lives in memory with a shared cache, where a second
writer fails at once with "database table is locked" instead of waiting: threads there test
nothing. `database_for_threads` copies it to a file opened exactly as in production (WAL, a
busy timeout, transactions that take the write lock when they begin). On PostgreSQL the test
database already serves many connections.
"""

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from django.db import connection, connections
from django.test import Client

T = TypeVar("T")


@contextlib.contextmanager
def database_for_threads(folder: Path) -> Iterator[None]:
    """Within the block, the default database is one that every thread can write at once."""
    if connection.vendor != "sqlite":
        yield
        return
    in_memory = connections["default"]
    in_memory.ensure_connection()
    path = folder / "threads.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as copy:
        in_memory.connection.backup(copy)
    saved_settings = connections.settings["default"]
    connections.settings["default"] = {**saved_settings, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        # The in-memory database lives as long as its connection: it is kept open, and
        # put back for pytest-django to empty at the end of the test.
        connections["default"] = in_memory
        connections.settings["default"] = saved_settings


def run_at_once(task: Callable[[], T], *, times: int) -> list[T]:
    """Run `task` in `times` threads released together; their results, or the first error."""
    start = threading.Barrier(times)
    results: list[T] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(task())
        except BaseException as error:  # handed back to the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def same_browser(client: Client) -> Client:
    """Another test client carrying `client`'s cookies, as a second request of its browser."""
    twin = Client()
    twin.cookies.load({name: morsel.value for name, morsel in client.cookies.items()})
    return twin
