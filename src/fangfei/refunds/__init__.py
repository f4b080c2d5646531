"""清偿兑付 — claims, pro-rata allocation of recovered funds, distribution rounds."""
