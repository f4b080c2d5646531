"""The demo county: deterministic synthetic data for trying fangfei out."""
