"""Production settings plus the benchmark's floor view at /bench-floor/."""

from mlcareer.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
