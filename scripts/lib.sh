# Shared by scripts/run and scripts/test: system packages and the project's virtualenv.

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "error: '$*' needs root (or sudo)." >&2; return 1
    fi
}

apt_install() {
    # Install Debian packages, running 'apt-get update' once first.
    if ! command -v apt-get >/dev/null; then
        echo "error: missing $*, and there is no apt-get to install them with." >&2
        return 1
    fi
    echo "==> Installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "error: Python 3.11 is needed (set PYTHON=/path/to/python3.11)." >&2
    return 1
}

ensure_venv() {
    # Create .venv and install the project with its test tools; re-install when pyproject changes.
    local python stamp
    python=$(find_python)
    if [ ! -x .venv/bin/python ]; then
        if ! "$python" -m venv .venv 2>/dev/null; then
            rm -rf .venv
            apt_install python3-venv
            "$python" -m venv .venv
        fi
    fi
    stamp=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
        echo "==> Installing Python packages into .venv"
        .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
        .venv/bin/python -m pip install --quiet -e '.[dev]' 2>&1 | grep -v "is ignored" || true
        .venv/bin/python -c 'import django, import_export, celery, psycopg, pytest' ||
            { echo "error: the Python packages did not install." >&2; return 1; }
        echo "$stamp" >.venv/.installed
    fi
}
