"""Reports: functions that read the store into plain data, and build rich renderables from it.

Data and display are separate so that ``--json`` and the terminal show the same numbers.
"""
