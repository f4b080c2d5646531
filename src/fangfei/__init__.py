"""fangfei (防非) — platform for preventing and handling illegal fundraising and illegal lending."""

__version__ = "0.1.0"
