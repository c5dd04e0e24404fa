"""The clock's shortcuts keep SimPy's order of events exactly (sim/clock.py).

Actors follow random scripts: wake other actors at the current instant, set their alarm, or start a plain
SimPy timeout. The same scripts run once on plain SimPy (an event per wake-up, a Timeout per alarm) and
once on `Clock` (shared wake-up events, reusable alarms); the order in which actors act must be the same.
Delays come from a small set so that many things fall due at the same instant.
"""
from __future__ import annotations

from functools import partial

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.clock import Alarm, Clock

N_ACTORS = 6
DELAYS = (0.25, 0.5, 1.0)
MAX_CALLS = 400

action = st.one_of(
    st.tuples(st.just("wake"), st.integers(0, N_ACTORS - 1)),
    st.tuples(st.just("alarm"), st.sampled_from(DELAYS)),
    st.tuples(st.just("timeout"), st.sampled_from(DELAYS)),
)
scripts = st.lists(st.lists(st.lists(action, max_size=3), min_size=1, max_size=4),
                   min_size=N_ACTORS, max_size=N_ACTORS)


def play(scripts, with_clock: bool) -> list[tuple[float, int]]:
    env = Clock() if with_clock else simpy.Environment()
    log: list[tuple[float, int]] = []
    calls = [0] * N_ACTORS
    pending = [False] * N_ACTORS

    def act(i: int, _event=None) -> None:
        log.append((env.now, i))
        if len(log) > MAX_CALLS:
            return
        script = scripts[i][calls[i] % len(scripts[i])]
        calls[i] += 1
        for kind, arg in script:
            if kind == "wake":
                if with_clock:
                    env.wake(partial(act, arg))
                else:
                    env.event().succeed().callbacks.append(partial(act, arg))
            elif kind == "alarm" and not pending[i]:
                pending[i] = True
                if with_clock:
                    alarms[i].ring_in(arg)
                else:
                    env.timeout(arg).callbacks.append(partial(ring, i))
            elif kind == "timeout":
                env.timeout(arg).callbacks.append(partial(act, i))

    def ring(i: int, _event) -> None:
        pending[i] = False
        act(i)

    alarms = [Alarm(env, partial(ring, i)) for i in range(N_ACTORS)] if with_clock else []
    for i in range(N_ACTORS):
        env.timeout(DELAYS[i % len(DELAYS)]).callbacks.append(partial(act, i))
    for day in range(1, 4):  # stop and resume at day boundaries, as the model does
        env.run(until=day)
    return log


@settings(max_examples=150, deadline=None)
@given(scripts)
def test_clock_keeps_simpy_event_order(scripts):
    plain = play(scripts, with_clock=False)
    assert play(scripts, with_clock=True) == plain
    assert len(plain) >= N_ACTORS


def test_clock_binds_simpy_shortcuts():
    env = Clock()
    assert env.timeout is env.timeout  # bound once, not rebuilt per call (the point of the binding)
    env.timeout(1.0)
    env.run(until=2.0)
    assert env.now == 2.0
