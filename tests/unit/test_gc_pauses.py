"""Full collections freeze their survivors; the periodic full pass still frees garbage cycles among them."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Iterator

import pytest

from chat import gc_pauses


class Node:
    def __init__(self) -> None:
        self.partner: Node | None = None


def _cycle() -> tuple[Node, weakref.ref[Node]]:
    first, second = Node(), Node()
    first.partner, second.partner = second, first
    return first, weakref.ref(second)


@pytest.fixture
def freezing() -> Iterator[None]:
    gc_pauses.freeze_after_full_collections()
    yield
    gc.callbacks.remove(gc_pauses.freeze_survivors)
    gc.unfreeze()
    gc.collect()


def test_a_full_collection_moves_its_survivors_out_of_the_next_ones(freezing: None) -> None:
    survivor, _ = _cycle()
    gc.collect()
    assert gc.get_freeze_count() > 0
    assert not any(obj is survivor for obj in gc.get_objects(generation=2))
    assert gc.is_tracked(survivor)


def test_a_cycle_that_died_frozen_waits_for_the_full_pass(freezing: None) -> None:
    head, tail = _cycle()
    gc.collect()  # the cycle is alive, so it is frozen
    del head
    gc.collect()
    assert tail() is not None, "frozen objects are not walked by ordinary collections"
    assert gc_pauses.full_pass() >= 2
    assert tail() is None
    assert gc.get_freeze_count() > 0, "the full pass freezes what is left again"


def test_objects_without_a_cycle_are_freed_at_once_even_when_frozen(freezing: None) -> None:
    lone = Node()
    gone = weakref.ref(lone)
    gc.collect()
    del lone
    assert gone() is None


def test_start_runs_the_full_pass_on_its_interval(freezing: None) -> None:
    stop = threading.Event()
    try:
        gc_pauses.start(stop, interval=0.05)
        head, tail = _cycle()
        gc.collect()
        del head
        deadline = time.monotonic() + 10
        while tail() is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert tail() is None
    finally:
        stop.set()
