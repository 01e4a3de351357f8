"""Responders: cases, routing rules, assignment, SLA clocks and reply templates.

Hangs on the pipeline's after-store seam (``listener.pipeline.Pipeline.after_store``).
"""
