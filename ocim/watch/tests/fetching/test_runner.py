"""run_groups(): a fetch task's threads — a host's entries in order on one thread, hosts side by
side, idle threads taking more work while a slow one finishes, the budget's limit."""

import threading
import time

from ocim.watch.fetching.runner import pack, run_groups


class Recorder:
    def __init__(self, slow=(), pause=0.0):
        self.slow = set(slow)
        self.pause = pause
        self.lock = threading.Lock()
        self.done = []  # (entry, thread name, finished at)

    def __call__(self, entry, taken=False):
        time.sleep(1.0 if entry in self.slow else self.pause)
        with self.lock:
            self.done.append((entry, threading.current_thread().name, time.monotonic()))
        return entry


def test_a_groups_entries_run_in_order_on_one_thread():
    recorder = Recorder(pause=0.01)
    groups = [["a1", "a2", "a3"], ["b1", "b2"], ["c1"]]

    results = run_groups(groups, recorder, release=lambda rest: None, threads=3)

    assert sorted(results) == sorted(entry for group in groups for entry in group)
    for group in groups:
        done = [(entry, name) for entry, name, _at in recorder.done if entry in group]
        assert [entry for entry, _name in done] == group
        assert len({name for _entry, name in done}) == 1


def test_idle_threads_take_more_work_while_a_slow_entry_runs():
    recorder = Recorder(slow={"slow"}, pause=0.01)
    backlog = [[f"due{n}"] for n in range(12)]
    refills = []

    def refill(limit):
        taken, backlog[:] = backlog[:limit], backlog[limit:]
        refills.append(len(taken))
        return taken

    started = time.monotonic()
    results = run_groups(
        [["slow"], ["fast"]], recorder, release=lambda rest: None, refill=refill, threads=2
    )
    elapsed = time.monotonic() - started

    assert set(results) == {"slow", "fast"} | {f"due{n}" for n in range(12)}
    slow_end = next(at for entry, _name, at in recorder.done if entry == "slow")
    assert all(at <= slow_end for entry, _name, at in recorder.done if entry.startswith("due"))
    assert elapsed < 1.9  # the task ends with its own groups, not with the backlog


def test_refill_stops_when_the_given_groups_are_done():
    recorder = Recorder(pause=0.01)
    calls = []

    run_groups(
        [["a"], ["b"]],
        recorder,
        release=lambda rest: None,
        refill=lambda limit: calls.append(limit) or [],
        threads=2,
    )

    assert len(calls) <= 2  # at most a look each while the other thread finished


def test_entries_past_the_budget_are_released():
    recorder = Recorder(pause=0.2)
    released = []

    run_groups(
        [["a1", "a2", "a3", "a4"]], recorder, release=released.extend, threads=1, budget_seconds=0.3
    )

    assert [entry for entry, _name, _at in recorder.done] == ["a1", "a2"]
    assert released == ["a3", "a4"]


def test_a_failing_entry_does_not_stop_its_group(caplog):
    def work(entry, taken):
        if entry == "bad":
            raise RuntimeError("boom")
        return entry

    assert run_groups([["bad", "good"]], work, release=lambda rest: None) == ["good"]
    assert "boom" in caplog.text


def test_pack_keeps_groups_whole():
    groups = [[1, 2, 3, 4, 5], [6, 7], [8], [9], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]]

    batches = pack(groups, 6)

    assert sorted(entry for batch in batches for entry in batch) == list(range(1, 20))
    for group in groups:
        assert any(set(group) <= set(batch) for batch in batches)
    assert [len(batch) for batch in batches] == [10, 5, 4]  # only a bigger group exceeds 6
