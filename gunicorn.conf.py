"""gunicorn reads this file from the directory it starts in (run.sh, and the benchmark for Hostdesk
and for its floor alike); the command line in run.sh gives the rest (workers, threads, log)."""
import os
import sys

# Python hands the GIL to a waiting thread only after the holder has run this long (default 5 ms).
# A request's thread waits for it at every database call and socket write, so with 4 threads busy
# one request could wait 5 ms several times over: a tap or a page took 50-100 ms at the 99th
# percentile while needing a few ms of CPU (issue 7). Shorter turns cost little CPU.
SWITCH_INTERVAL = float(os.environ.get("HOSTDESK_SWITCH_INTERVAL", "0.001"))


def post_fork(_server, _worker):
    sys.setswitchinterval(SWITCH_INTERVAL)
