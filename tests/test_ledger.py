"""The ledger's layout: numpy columns, the event loop's scalar views and the packed records are one memory."""
from __future__ import annotations

import pickle

import numpy as np

from sim.ledger import DONE, Ledger


def add(ledger: Ledger, k: int, start: int = 0) -> np.ndarray:
    ids = np.arange(start, start + k)
    return ledger.add(kind=np.zeros(k, np.int8), field=ids % 3, deadline_day=ids, n_legs=np.ones(k, np.int8),
                      arrival_t=ids * 0.5, leg_unit=np.stack([ids, ids + 1, ids + 2, ids + 3], axis=1),
                      leg_hours=np.stack([ids * 1.0, ids * 2.0, ids * 3.0, ids * 4.0], axis=1),
                      leg_field=np.stack([ids % 3] * 4, axis=1))


def test_columns_views_and_records_share_memory_across_growth():
    ledger = Ledger(n_units=2, n_days=3, horizon=3, capacity=1024)
    assert ledger._HOT.itemsize == 64 and ledger._hot.ctypes.data % 64 == 0  # one cache line per request
    add(ledger, 1000)
    add(ledger, 2000, start=1000)  # grows past the capacity: everything is rebound to the new records
    assert ledger._cap >= 3000 and ledger.n == 3000
    rec = ledger.rec
    assert rec.deadline_day[2999] == 2999 and rec.leg_unit[2999, 2] == 3001 and rec.leg_hours[1500, 1] == 3000.0
    rec.status[10] = DONE
    rec.leg_hours[10, 0] = 7.5
    assert ledger.status[10] == DONE and ledger.leg_hours[10, 0] == 7.5 and ledger._hot["status"][10] == DONE
    assert np.isnan(ledger.view("start_t")).all() and ledger.view("arrival_t")[4] == 2.0


def test_pickle_keeps_columns_bound_to_the_records():
    ledger = Ledger(n_units=2, n_days=3, horizon=3)
    add(ledger, 50)
    back = pickle.loads(pickle.dumps(ledger))
    back.rec.status[3] = DONE
    assert back.status[3] == DONE and back._hot["status"][3] == DONE
    assert (back.view("leg_unit") == ledger.view("leg_unit")).all()
