"""What a web worker imports when it starts: the URLconf, without the chart library.

Runs in a fresh interpreter, since the suite itself may already have imported matplotlib.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOAD_URLCONF = """
import sys
import django
django.setup()
import config.urls
print("matplotlib" in sys.modules)
"""


def test_it_loads_the_urlconf_without_importing_matplotlib():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_URLCONF],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
