"""Settings of the fetch-cycle benchmark (bench/watch_cycle_bench.py) and of the workers it
starts: the benchmark settings, plus loopback opened to the SSRF-safe fetch helper so that the
workers can reach the benchmark's own feed servers on 127.0.0.1. Never for real traffic."""

from ocim.settings.bench import *  # noqa: F403

OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.0/8"]
