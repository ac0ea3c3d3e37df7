"""Start and stop gunicorn the way run.sh does (2 workers, 1 thread each), and read what its workers
use from Linux's /proc: CPU time and memory (resident now, and at its peak)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2
THREADS = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(target: str, port: int) -> list[str]:
    """run.sh's command line (its defaults), with the app module and port given."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
            "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1", target]


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except urllib.error.HTTPError:
            return  # it answers (a redirect to the login, a 404): up
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server at {url} did not start; see its log") from None
            time.sleep(0.2)


def wait_until_quiet(url: str, within: float = 0.5, most: float = 180.0) -> bool:
    """Wait until `url` answers within `within` seconds (the server has worked off what was queued,
    e.g. after an overloaded step), at most `most` seconds; says whether it did."""
    deadline = time.monotonic() + most
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=30):  # noqa: S310 (our own local server)
                pass
        except urllib.error.HTTPError:
            pass  # an answer all the same
        except OSError:
            time.sleep(0.5)
            continue
        if time.monotonic() - started < within:
            return True
        time.sleep(0.5)
    return False


@contextmanager
def serve(target: str, env: dict[str, str], log_path: Path, probe: str = "/"):
    """Run gunicorn for `target` ("app:app") on a free port; yields its base URL and the master's pid."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(gunicorn_command(target, port), cwd=ROOT, env={**os.environ, **env},  # noqa: S603
                                   stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + probe)
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def workers(master: int) -> list[int]:
    """The worker processes of the gunicorn master `master`."""
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds (user and system) used so far by the processes `pids`."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def memory_mb(pid: int) -> tuple[float, float]:
    """A process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def reset_peak(pid: int) -> None:
    """Start a process's peak resident memory (VmHWM) afresh from its memory now (Linux 4.0+)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def machine_ticks() -> tuple[int, int]:
    """All cores' busy and total clock ticks so far (/proc/stat): the machine's load between two reads."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]  # to steal
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)
