"""Demo bank data: six months of a county's account statements (generated, medium difficulty),
imported into the installation's bank store and screened, so that 资金监测 has alerts to open
from the first minute. Runs after the demo county is loaded, in the caller's transaction for
the alerts; the statement files are written under ``<FANGFEI_HOME>/monitoring/demo``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from fangfei.auth.roles import Actor
from fangfei.monitoring import triage
from fangfei.monitoring.engines import DuckDbEngine
from fangfei.monitoring.generator import GeneratorConfig, generate
from fangfei.monitoring.importer import import_files
from fangfei.monitoring.runner import default_window, run_store
from fangfei.monitoring.scenarios.spec import load_pack, pack_path
from fangfei.monitoring.scoring import score_hits
from fangfei.monitoring.store import BankStore
from fangfei.security.crypto import FieldCipher

ACCOUNTS, MONTHS = 1500, 6


def months_back(today: date, months: int) -> date:
    """The first day of the month ``months`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def load_demo_bank_data(
    db: Session, *, actor: Actor, cipher: FieldCipher, home: Path, seed: int, today: date
) -> triage.RunSaved:
    """Generate, import and screen the last six whole months; store the alerts."""
    start = months_back(today, MONTHS)
    days = (months_back(today, 0) - start).days
    files = generate(GeneratorConfig(accounts=ACCOUNTS, days=days, seed=seed, start=start),
                     home / "monitoring" / "demo")  # fmt: skip
    store = BankStore.of(home)
    import_files(files.accounts_path, files.transactions_path, store=store)
    window = default_window(store, None, None)
    pack, engine = load_pack(pack_path(home)), DuckDbEngine(memory_limit="1GB")
    try:
        alerts = score_hits(run_store(engine, pack, store, window), pack, window, "duckdb")
    finally:
        engine.close()
    return triage.record_run(db, actor=actor, cipher=cipher, store=store, alerts=alerts)
