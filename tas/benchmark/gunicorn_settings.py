"""gunicorn's settings for the benchmark (tas/benchmark/served.py): no access log (writing one
line a request would be measured too), warnings only."""

accesslog = None
loglevel = "warning"
