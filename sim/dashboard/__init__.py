"""The analyst's dashboard: a local Solara web app over the catalog of a sweep (``govsim-dashboard DIR``).

Solara is the web stack of Mesa's SolaraViz. The dashboard reads the same catalog and calls the same
statistics and figure code as ``govsim-report`` (sim.report); its modules:

- ``data``: the catalog of a folder (runs, problems, DuckDB), the comparison over a selection, commune tables;
- ``charts``: the figures it shows, as PNG and SVG, in English or Vietnamese;
- ``scenario``: the "Run a scenario" form's back end (size check, a background ``govsim`` run, progress);
- ``text``: the dashboard's own labels (both languages);
- ``state``, ``widgets``, ``compare_page``, ``communes_page``, ``run_page``, ``app``: the Solara app;
- ``cli``: the ``govsim-dashboard`` command; ``server`` and ``browser``: start it and drive it in the
  system's headless Chromium (the browser test, scripts/dashboard_screenshots.py).

Install with ``pip install ".[dashboard]"``. ``data``, ``scenario``, ``charts``, ``text`` and ``cli`` work
without Solara; the pages need it.
"""
