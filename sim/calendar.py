"""The working calendar: SimPy's clock counts working hours since the start.

Nights, weekends and public holidays take no simulated time, so a deadline of N working days is plain
arithmetic on working-day indices, and a file that arrives at night simply waits for the next opening.
"""
from __future__ import annotations

import datetime as dt

import numpy as np


class WorkingCalendar:
    """Working days between start and start + days (calendar), Monday to Friday less holidays."""

    def __init__(self, start_date: str, days: int, holidays: list[str], workday_hours: float = 8.0,
                 horizon_days: int = 400):
        self.start = dt.date.fromisoformat(str(start_date))
        self.workday_hours = float(workday_hours)
        off = {dt.date.fromisoformat(str(h)) for h in holidays}
        # Extend past the run so that deadlines beyond its end still fall on real working days.
        all_days = [self.start + dt.timedelta(d) for d in range(days + horizon_days)]
        self.dates = [d for d in all_days if d.weekday() < 5 and d not in off]
        end = self.start + dt.timedelta(days)
        self.n_days = sum(1 for d in self.dates if d < end)
        self._index = {d: i for i, d in enumerate(self.dates)}
        self.months = np.array([d.month for d in self.dates], dtype=np.int8)
        self.dates64 = np.array(self.dates, dtype="datetime64[D]")

    def working_days_within(self, calendar_days: int) -> int:
        """Working days in the first `calendar_days` from the start (365: a year's)."""
        end = self.start + dt.timedelta(calendar_days)
        return sum(1 for d in self.dates if d < end)

    def day_start(self, day: int) -> float:
        """Working hours on the clock when working day `day` opens."""
        return day * self.workday_hours

    def day_of(self, hours: float) -> int:
        """The working day a clock time falls on (an instant at closing belongs to that day)."""
        return int(np.ceil(hours / self.workday_hours) - 1) if hours > 0 else 0

    def day_on_or_after(self, date: dt.date) -> int:
        """The first working day on or after a calendar date."""
        while date not in self._index:
            date += dt.timedelta(1)
            if date > self.dates[-1]:
                return len(self.dates)
        return self._index[date]

    def add_calendar_days(self, day: int, calendar_days: int) -> int:
        """The working day a legal limit in calendar days falls on, counted from working day `day`."""
        return self.day_on_or_after(self.dates[min(day, len(self.dates) - 1)] + dt.timedelta(calendar_days))

    def to_dates(self, days: np.ndarray) -> np.ndarray:
        """Working-day indices to datetime64[D]; NaT for negative (missing) indices."""
        days = np.asarray(days)
        out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        ok = (days >= 0) & (days < len(self.dates))
        out[ok] = self.dates64[days[ok]]
        return out
