"""The background entry point: the worker loop that fires timers and delivers notifications."""
