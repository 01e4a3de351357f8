"""Alerts: events, delivery channels, on-call schedules, acknowledgement and escalation."""
