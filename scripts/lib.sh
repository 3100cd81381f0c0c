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
        # setuptools' "Editable installation" notice is information only, not a problem.
        PYTHONWARNINGS="ignore:Editable installation" \
            .venv/bin/python -m pip install --quiet -e '.[dev]' 2>&1 | grep -v "is ignored" || true
        .venv/bin/python -c 'import django, import_export, celery, psycopg, pytest, aiosmtpd' ||
            { echo "error: the Python packages did not install." >&2; return 1; }
        echo "$stamp" >.venv/.installed
    fi
}

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

start_throwaway_postgres() {
    # A PostgreSQL cluster in $WORK/pg, reachable only on the socket in $WORK/sock, tuned for
    # speed over durability; sets DATABASE_URL. The caller's stop_services stops it.
    PGBIN=$(pg_bindir)
    mkdir "$WORK/pg" "$WORK/sock"
    as_postgres=()
    if [ "$(id -u)" = 0 ]; then
        # initdb refuses to run as root: the cluster belongs to the postgres user.
        chown postgres "$WORK/pg" "$WORK/sock"
        as_postgres=(runuser -u postgres --)
    fi
    "${as_postgres[@]}" "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 >"$WORK/initdb.log"
    "${as_postgres[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w start \
        -o "-c listen_addresses='' -k $WORK/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
    export DATABASE_URL="postgres://postgres@${WORK//\//%2F}%2Fsock/postgres"
}

start_throwaway_redis() {
    # A redis-server on the socket $WORK/redis.sock; sets the Celery broker and result backend.
    redis-server --port 0 --unixsocket "$WORK/redis.sock" --unixsocketperm 700 --save '' \
        --appendonly no --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
    for _ in $(seq 50); do [ -S "$WORK/redis.sock" ] && break; sleep 0.1; done
    export CELERY_BROKER_URL="redis+socket://$WORK/redis.sock"
    export CELERY_RESULT_BACKEND="$CELERY_BROKER_URL"
}

start_throwaway_smtp() {
    # A real SMTP server (aiosmtpd) on a free port of 127.0.0.1 that files every message it
    # accepts into the maildir $WORK/smtp-maildir; sets TEST_SMTP_PORT and TEST_SMTP_MAILDIR.
    local port
    port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    .venv/bin/python -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox \
        "$WORK/smtp-maildir" >"$WORK/smtp.log" 2>&1 &
    echo $! >"$WORK/smtp.pid"
    for _ in $(seq 100); do
        .venv/bin/python -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" \
            2>/dev/null && break
        sleep 0.1
    done
    .venv/bin/python -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null ||
        { echo "error: the test SMTP server did not start:" >&2; cat "$WORK/smtp.log" >&2; return 1; }
    export TEST_SMTP_PORT="$port" TEST_SMTP_MAILDIR="$WORK/smtp-maildir"
}

stop_throwaway_smtp() {
    [ -f "$WORK/smtp.pid" ] && kill "$(cat "$WORK/smtp.pid")" 2>/dev/null
    return 0
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_throwaway_dovecot() {
    # An IMAP server (Debian's dovecot-imapd) for the tests and benches, configured in
    # $WORK/imap, listening on 127.0.0.1 only, any user name with the password below; mail in
    # maildirs under it. Sets TEST_IMAP_HOST, TEST_IMAP_PORT, TEST_IMAP_PASSWORD. Stopped by
    # stop_services.
    local dir="$WORK/imap" port
    port=$(free_port)
    mkdir -p "$dir/mail" "$dir/run"
    cat >"$dir/dovecot.conf" <<CONF
instance_name = foi-returns-$$
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$dir/mail/%u
first_valid_uid = 1
passdb {
  driver = static
  args = password=imap-test-only
}
userdb {
  driver = static
  args = uid=dovenull gid=dovenull home=$dir/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
service stats {
  inet_listener http {
    port = 0
  }
}
CONF
    chown -R dovenull "$dir/mail" 2>/dev/null || true
    DOVECOT_CONF="$dir/dovecot.conf"
    dovecot -c "$DOVECOT_CONF"
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    export TEST_IMAP_HOST=127.0.0.1 TEST_IMAP_PORT="$port" TEST_IMAP_PASSWORD=imap-test-only
}

stop_services() {
    stop_throwaway_smtp
    [ -n "${DOVECOT_CONF:-}" ] && doveadm -c "$DOVECOT_CONF" stop >/dev/null 2>&1
    [ -n "${PGBIN:-}" ] && "${as_postgres[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1
    [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
    rm -rf "$WORK"
}

make_workdir() {
    # A private directory for one run's servers, removed on exit (even on failure).
    WORK=$(mktemp -d "/tmp/foi-returns-$1.XXXXXX")
    chmod 755 "$WORK"
    trap stop_services EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
