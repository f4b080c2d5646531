"""工作日历 — the working-day calendar that every legal deadline is counted on."""
