"""gunicorn's settings that run.sh (and the tests that serve as it does) read with --config.

The access log names the path without its query string and leaves out the referrer: a search for a
card number is refused by the app, but the query (and a referrer holding it) would still reach the
log. What is left: client, time, method, path, protocol, status, size and seconds.
"""
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
