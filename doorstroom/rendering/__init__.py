"""Rendering written by hand instead of by a library, one module per piece.

A piece stays here only while it saves at least a fifth of its page's time, measured
with `benchmarks/rendering.py` against what it replaces, in the same run; its docstring names
what it replaces and that figure. A piece that copies a library's HTML holds that library to the
minor version it was copied from (requirements.txt), and a test compares both renderings.

Measured and removed (2026-12-07, 2 shared cores, 10,000 trajectories): the listing's header
and page links by hand (9-12 % of the page), copies of Django's escaping, link, date and number
helpers in its cells (5-13 %), and a form renderer writing the input and select widgets in
Python (15-17 % of the listing, 7 % of the mandates).
"""
