"""The simulation clock: SimPy's Environment, with two cheaper ways to schedule the commonest events.

- `wake(callback)`: an arrival at a unit wakes one idle officer. Idle officers are many (a ward's desks are
  often quiet), so an event per wake-up would be about 40% of all events. Wake-ups asked for at one
  instant share a single event instead.
- `Alarm`: a timeout reused again and again, so no event object is built per ring: the shared wake-up's, and
  (the same protocol, built into sim/agents/officer.py) each officer's "this file is done", file after file
  (an officer works one file at a time).

Neither changes the order of work. Both go through SimPy's own queue with SimPy's own key (time,
priority, order of scheduling). The shared wake-up event takes the place of the instant's first wake-up,
the later ones follow it in the order they were asked for, and nothing else can fall between them:
every other event due at the same instant was scheduled before the first wake-up or after the last (no
step of work takes zero time: the configuration requires positive efforts).

`Alarm` pushes onto SimPy 4's queue itself (`Environment.schedule`'s one line, inlined), and `run(until=t)`
is SimPy's own loop (`Environment.run` and `step`) without a method call per event and without the exception
that ends it: the same queue, popped in the same order, stopping where SimPy's stop event would. pyproject
pins SimPy below 5 and tests/test_clock.py checks the order of events against plain SimPy.
"""
from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush

import simpy
from simpy.core import BoundClass
from simpy.events import NORMAL, URGENT


class Clock(simpy.Environment):
    def __init__(self) -> None:
        super().__init__()
        # SimPy binds env.timeout & co. once per instance, but only those its own class defines: bind them here
        # too, or every env.timeout() call builds a bound method first.
        for name, attr in vars(simpy.Environment).items():
            if type(attr) is BoundClass:
                setattr(self, name, getattr(self, name))
        self._woken: list[Callable[[], None]] = []
        self._wake_alarm = Alarm(self, self._wake_all)

    def run(self, until=None):
        """Process events until the clock reads `until` (a number), as SimPy does; other forms: SimPy's run."""
        if until is None or isinstance(until, simpy.Event):
            return super().run(until)
        at = float(until)
        if at <= self._now:
            raise ValueError(f"until ({at}) must be greater than the current simulation time")
        # SimPy's stop event: urgent, at now + (at - now), scheduled now (so after the events already due then).
        stop = simpy.Event(self)
        queue = self._queue
        heappush(queue, (self._now + (at - self._now), URGENT, next(self._eid), stop))
        while True:
            self._now, _, _, event = heappop(queue)
            if event is stop:
                return None
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)  # a failed event crashes the run, as in SimPy
                exc.__cause__ = event._value
                raise exc

    def wake(self, callback: Callable[[], None]) -> None:
        """Call `callback()` at the current instant, after the events already due now."""
        if not self._woken:
            self._wake_alarm.ring_in(0.0)
        self._woken.append(callback)

    def _wake_all(self, _event: simpy.Event) -> None:
        woken, self._woken = self._woken, []
        for callback in woken:
            callback()


class Alarm(simpy.Event):
    """A timeout that can be set again once it has rung: `alarm.ring_in(delay)` calls `callback(alarm)`
    `delay` hours from now. Its owner must not set it while it is pending."""

    def __init__(self, clock: Clock, callback: Callable[[simpy.Event], None]):
        super().__init__(clock)
        self._ok, self._value = True, None  # a timeout: triggered when set, never fails
        self._to_call = [callback]          # SimPy only iterates the list, so one list serves every ring
        self.callbacks = None               # not pending
        self._queue, self._order = clock._queue, clock._eid

    def ring_in(self, delay: float) -> None:
        self.callbacks = self._to_call
        heappush(self._queue, (self.env._now + delay, NORMAL, next(self._order), self))  # = Environment.schedule
