import pytest

from journal_site.locks import run_once_today


def test_second_run_the_same_day_does_nothing():
    calls = []
    assert run_once_today("job", lambda: calls.append(1) or "done") == (True, "done")
    assert run_once_today("job", lambda: calls.append(2) or "again") == (False, None)
    assert calls == [1]


def test_a_failed_run_gives_its_claim_back():
    def fail():
        raise RuntimeError("broker hiccup")

    with pytest.raises(RuntimeError):
        run_once_today("job", fail)
    assert run_once_today("job", lambda: "retried") == (True, "retried")


def test_claims_are_per_job():
    assert run_once_today("one", lambda: 1) == (True, 1)
    assert run_once_today("two", lambda: 2) == (True, 2)
