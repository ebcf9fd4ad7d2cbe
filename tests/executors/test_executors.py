"""What every executor shares: batches, and the retry-alone rule (``each_alone``)."""
import pytest

from pipeline.executors import WORKER_DEATHS_IN_A_ROW, WorkersDying, batches, each_alone
from pipeline.executors.inprocess import InProcess


class Item:
    def __init__(self, name, size=0):
        self.source, self.data = name, b"x" * size


class Died(Exception):
    pass


def test_batches_hold_at_most_so_many_items_and_about_so_many_bytes():
    items = [Item(str(i), 10) for i in range(7)]
    assert [len(b) for b in batches(items, 3, 1_000)] == [3, 3, 1]
    assert [len(b) for b in batches(items, 8, 25)] == [3, 3, 1]
    assert list(batches([], 3, 1_000)) == []


def test_an_item_that_kills_its_worker_alone_is_its_lost_result_and_the_others_go_on():
    def run_alone(item):
        if item.source == "bad":
            raise Died
        return [f"rows of {item.source}"]

    got = list(each_alone([Item("a"), Item("bad"), Item("b")], run_alone, Died, lambda i: f"lost {i.source}", "workers", "hint"))
    assert got == ["rows of a", "lost bad", "rows of b"]


def test_deaths_on_so_many_items_in_a_row_are_the_machine():
    def run_alone(item):
        raise Died

    items = [Item(str(i)) for i in range(WORKER_DEATHS_IN_A_ROW + 2)]
    with pytest.raises(WorkersDying, match=f"test workers died on {WORKER_DEATHS_IN_A_ROW} pages in a row.*look here"):
        list(each_alone(items, run_alone, Died, lambda i: None, "test workers", "look here"))


def test_in_process_runs_the_batches_in_order():
    executor = InProcess(lambda batch: [item.source for item in batch])
    items = [Item(str(i)) for i in range(20)]
    assert list(executor.map(batches(items, executor.task_pages, executor.task_bytes))) == [str(i) for i in range(20)]
