"""The production server under test: gunicorn with two sync workers on a free loopback port, and a
sampler of its workers' resident memory."""

import http.client
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from bench.database import PROJECT_DIR

WORKERS = 2
# Generous so that a slow page is measured rather than killed (gunicorn's default is 30 s); the longest
# request of each scenario is reported, so a page beyond 30 s is still visible.
WORKER_TIMEOUT_SECONDS = 300
READY_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`with Server(env, log_path) as server:` runs gunicorn until the block ends; `server.port`."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def __enter__(self) -> "Server":
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--timeout",
                str(WORKER_TIMEOUT_SECONDS),
            ],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._log is not None:
            self._log.close()

    def _wait_until_ready(self) -> None:
        """Until both workers answer the liveness check (each booted worker imports the app itself)."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self._process.returncode}; see {self.log_path}")
            if len(self.worker_pids()) == WORKERS and _answers(self.port):
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become ready in {READY_TIMEOUT_SECONDS} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children (its workers), from /proc."""
        assert self._process is not None
        pid = self._process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthcheck")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def memory_kb(pid: int, field: str) -> int:
    """A memory figure of a process from /proc/<pid>/status (VmRSS: now; VmHWM: its peak so far), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


class MemorySampler(threading.Thread):
    """Samples the workers' resident memory while a scenario runs; `peak_mb` is the highest sample or
    the kernel's own high-water mark (VmHWM) read at the end, whichever is higher."""

    def __init__(self, pids: list[int], interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.interval = interval
        self.peak_kb = 0
        self._finished = threading.Event()

    def run(self) -> None:
        while not self._finished.is_set():
            for pid in self.pids:
                self.peak_kb = max(self.peak_kb, memory_kb(pid, "VmRSS"))
            self._finished.wait(self.interval)

    def finish(self) -> float:
        self._finished.set()
        self.join()
        for pid in self.pids:
            self.peak_kb = max(self.peak_kb, memory_kb(pid, "VmHWM"))
        return self.peak_kb / 1024
