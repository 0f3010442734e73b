"""Real processes for the reliability tests: a throwaway PostgreSQL cluster, temporary databases, app servers
(gunicorn with the production settings) and a small HTTP client.

Everything runs as a child process on 127.0.0.1 on free ports, so the tests exercise what a deployment runs:
separate server processes that share nothing but PostgreSQL (and Redis). Every helper cleans up after itself.
"""

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
# One key for every process of a test run: tokens are HMACs keyed with it, so the process that issues a token
# and the servers that check it must share it.
SECRET_KEY = f"reliability-tests-only-{secrets.token_hex(16)}"
JSON_API = "application/vnd.api+json"
STARTUP_SECONDS = 60  # a server or cluster not answering by then has failed to start
POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)  # Debian, newest first


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- PostgreSQL ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Postgres:
    """Where a PostgreSQL server listens, and as whom to connect (trust or password authentication)."""

    host: str
    port: int
    user: str
    password: str = ""

    def url(self, database: str) -> str:
        credentials = quote(self.user, safe="") + (f":{quote(self.password, safe='')}" if self.password else "")
        return f"postgres://{credentials}@{self.host}:{self.port}/{quote(database, safe='')}"


@contextmanager
def temporary_database(server: Postgres, prefix: str = "ecf_reliability") -> Iterator[str]:
    """A new empty database on `server`, dropped afterwards (even while servers are still connected to it);
    yields its URL."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.url(name)
    finally:
        with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def postgres_bin_dir() -> Path | None:
    """The directory holding `initdb` and `pg_ctl`: on the PATH, else Debian's versioned directory."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return next((path for path in POSTGRES_BIN_DIRS if (path / "initdb").exists() and (path / "pg_ctl").exists()), None)


class PostgresCluster:
    """A throwaway PostgreSQL cluster: `initdb` in a temporary directory, its own port and socket directory,
    trust authentication for the `postgres` role. PostgreSQL refuses to run as root, so under root every
    command runs as the `postgres` system user (`runuser`), which then owns the directory."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="ecf-reliability-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.directory, "postgres", "postgres")
        self.server = Postgres(host="127.0.0.1", port=self.port, user="postgres")

    @staticmethod
    def skip_reason() -> str | None:
        """Why a cluster cannot be made on this machine, or None when it can."""
        if postgres_bin_dir() is None:
            return "initdb and pg_ctl not found (on the PATH or in /usr/lib/postgresql/*/bin)"
        if os.geteuid() == 0 and (shutil.which("runuser") is None or not _user_exists("postgres")):
            return "running as root, and PostgreSQL refuses root: needs runuser and a 'postgres' system user"
        return None

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            [*self.as_user, *command], cwd=self.directory, capture_output=True, text=True, timeout=STARTUP_SECONDS
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}\n{self.log_tail()}")

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",  # only skips initdb's own final fsync; the server keeps its normal durability
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.directory}"
        pg_ctl = str(self.bin_dir / "pg_ctl")
        self._run(pg_ctl, "--pgdata", str(self.data), "--log", str(self.log), "-o", options, "--wait", "start")

    def stop(self, mode: str = "fast") -> None:
        """`immediate` kills the server like a crash: connections drop, open transactions are lost."""
        self._run(str(self.bin_dir / "pg_ctl"), "--pgdata", str(self.data), "--mode", mode, "--wait", "stop")

    def is_running(self) -> bool:
        status = subprocess.run(
            [*self.as_user, str(self.bin_dir / "pg_ctl"), "--pgdata", str(self.data), "status"],
            cwd=self.directory,
            capture_output=True,
        )
        return status.returncode == 0

    def new_database(self) -> str:
        """A new empty database; returns its URL. It goes with the cluster, so it is never dropped."""
        name = f"ecf_reliability_{secrets.token_hex(4)}"
        with psycopg.connect(self.server.url("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.server.url(name)

    def log_tail(self, lines: int = 30) -> str:
        return _tail(self.log, lines)

    def remove(self) -> None:
        if self.data.exists() and self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def throwaway_cluster() -> Iterator[PostgresCluster]:
    """A started throwaway cluster, removed afterwards; skips the test when none can be made here."""
    reason = PostgresCluster.skip_reason()
    if reason is not None:
        pytest.skip(reason)
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None
    cluster = PostgresCluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


# --- The application ----------------------------------------------------------------------------------------


def app_environment(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a production app process (config/settings.py reads only environment variables):
    DEBUG off, a shared SECRET_KEY, plain HTTP on 127.0.0.1, the given database, and `settings` on top. Nothing
    is inherited from the test process but PATH, so its test settings and database never leak in."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        **settings,
    }


def manage(env: Mapping[str, str], *arguments: str) -> str:
    """Run `manage.py <arguments>` in `env`; return its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=dict(env), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(env: Mapping[str, str]) -> None:
    """Migrate the (empty) database of `env` and seed the sandbox data set into it."""
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage({**env, "SANDBOX": "1"}, "seed_sandbox")


def create_token(env: Mapping[str, str], lead_provider: str) -> str:
    """A new API token for `lead_provider` (its exact name), issued in the database of `env`."""
    return manage(env, "create_api_token", "--lead-provider", lead_provider).strip().splitlines()[-1]


class AppServer:
    """The production server (`make serve` without collectstatic: the API serves no static files) on a free
    port. Its output goes to a log file, shown when it fails to start."""

    def __init__(self, env: Mapping[str, str], log_dir: Path, name: str = "app", workers: int = 2) -> None:
        self.env = dict(env)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}-{self.port}.log"
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        bind = f"127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", bind]
        command += ["--workers", str(self.workers), "--graceful-timeout", "5"]
        # Each server would otherwise claim the one control socket in the home directory (~/.gunicorn).
        return [*command, "--no-control-socket"]

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.wait_until_live()

    def wait_until_live(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"The app server exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                if call(self.base_url, "GET", "/healthcheck", timeout=2).status == 200:
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        raise RuntimeError(f"The app server did not answer /healthcheck within {STARTUP_SECONDS}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown of its workers
        try:
            self.process.wait(timeout=STARTUP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log, lines)


class DevelopmentServer(AppServer):
    """The server `make run` starts: Django's threaded runserver (without its code reloader)."""

    def command(self) -> list[str]:
        return [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"]


@contextmanager
def running_server(
    env: Mapping[str, str], log_dir: Path, name: str = "app", workers: int = 2, kind: type[AppServer] = AppServer
) -> Iterator[AppServer]:
    server = kind(env, log_dir, name, workers)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _tail(path: Path, lines: int) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- HTTP ---------------------------------------------------------------------------------------------------

# No proxy, whatever the environment says: every server here is on 127.0.0.1.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: Any  # the parsed JSON, or None when the body is empty or not JSON


def call(
    base_url: str, method: str, path: str, *, token: str | None = None, body: Any = None, timeout: float = 30
) -> Answer:
    """One HTTP request. A server silent for `timeout` seconds raises TimeoutError."""
    headers = {"Accept": JSON_API}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = JSON_API
    request = urllib.request.Request(base_url + path, data=data, headers=headers, method=method)
    try:
        with _opener.open(request, timeout=timeout) as response:
            return _answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return _answer(error.code, error.headers, error.read())


def _answer(status: int, headers: Any, content: bytes) -> Answer:
    try:
        body = json.loads(content) if content else None
    except ValueError:
        body = None
    return Answer(status=status, headers={key.lower(): value for key, value in headers.items()}, body=body)
