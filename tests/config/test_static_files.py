"""In production (DEBUG off) the app serves its own static files, as collectstatic left them."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FETCH_ADMIN_CSS = """
import json
import django
django.setup()
from django.templatetags.static import static
from django.test import Client

url = static("admin/css/base.css")
response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
print(json.dumps({
    "url": url,
    "status": response.status_code,
    "cache_control": response.get("Cache-Control", ""),
    "encoding": response.get("Content-Encoding", ""),
}))
"""


def run(args, tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "static-files-test-only",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_it_serves_hashed_compressed_static_files_without_debug(tmp_path):
    run(["manage.py", "collectstatic", "--noinput", "-v0"], tmp_path)
    seen = json.loads(run(["-c", FETCH_ADMIN_CSS], tmp_path).strip().splitlines()[-1])
    assert seen["url"].startswith("/static/admin/css/base.") and seen["url"] != (
        "/static/admin/css/base.css"
    )
    assert seen["status"] == 200
    assert "immutable" in seen["cache_control"]
    assert seen["encoding"] == "gzip"
