"""Web fixtures: the app served by uvicorn on a fresh county database, and the system Chromium.

The browser tests need a real server (Chromium cannot talk to a TestClient). A SQLite database is
migrated and filled with the test county and a few entities once per session; ``live_server``
gives each test its own copy of that file and serves the app on a free local port.

The screenshots in docs/screenshots need CJK fonts on the machine (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from fangfei.auth.roles import system_actor
from fangfei.config import Settings
from fangfei.db import make_engine, make_sessionmaker
from fangfei.entities import service as entities
from fangfei.entities.schemas import EnterpriseCreate, PersonCreate
from fangfei.main import create_app
from fangfei.migrate import upgrade
from fangfei.security.crypto import FieldCipher
from fangfei.security.keys import generate_encryption_key, generate_secret_key, load_keys
from tests.county import build_county

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SYSTEM = system_actor("test")


def valid_uscc(first17: str) -> str:
    """A unified social credit code with its correct check character."""
    return first17 + uscc.calc_check_digit(first17)


def valid_id_number(first17: str) -> str:
    """A resident ID number with its correct check character."""
    # python-stdnum's ric.calc_check_digit expects a placeholder in the check position.
    return first17 + ric.calc_check_digit(first17 + "0")


def wrong_check(code: str) -> str:
    """The same code with a check character that cannot be right."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")


EAST_USCC = valid_uscc("91110101MA0000001")
WEST_USCC = valid_uscc("91110101MA0000002")
BAD_USCC = wrong_check(valid_uscc("91110101MA0000003"))
PERSON_ID = valid_id_number("11010119800307123")


@dataclass(frozen=True)
class LiveServer:
    """A running app: its base URL, its database and the ids of the seeded entities."""

    url: str
    engine: Engine
    ids: dict[str, int]
    names: dict[str, str]

    def session(self) -> Session:
        """A session on the server's database, for checking what the pages did."""
        return Session(self.engine)


def _seed(db: Session, cipher: FieldCipher) -> tuple[dict[str, int], dict[str, str]]:
    county = build_county(db)
    specs = {
        "east": ("东城镇兴旺投资咨询有限公司", EAST_USCC, county.east.id),
        "west": ("西城镇富民理财服务有限公司", WEST_USCC, county.west.id),
        "flagged": ("东城镇待核商贸有限公司", BAD_USCC, county.east.id),
    }
    ids, names = {}, {}
    for key, (name, code, place) in specs.items():
        data = EnterpriseCreate(name=name, uscc=code, jurisdiction_id=place)
        ids[key] = entities.create_enterprise(db, actor=SYSTEM, data=data).id
        names[key] = name
    person = PersonCreate(name="张三", id_number=PERSON_ID, jurisdiction_id=county.east.id)
    ids["person"] = entities.create_person(db, actor=SYSTEM, cipher=cipher, data=person).id
    names["person"] = "张三"
    return ids, names


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _wait_until_healthy(url: str, thread: threading.Thread, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not thread.is_alive():
            pytest.fail("the test server stopped while starting")
        try:
            if httpx2.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.05)
    pytest.fail(f"the test server did not answer {url}/healthz within {timeout} s")


@dataclass(frozen=True)
class _Template:
    path: Path
    secret_key: str
    encryption_key: str
    ids: dict[str, int]
    names: dict[str, str]


@pytest.fixture(scope="session")
def _county_database(tmp_path_factory: pytest.TempPathFactory) -> _Template:
    """A migrated, seeded database file built once; each test serves its own copy of it."""
    # Hashing seven passwords with argon2 takes seconds: do it once, copy the file per test.
    folder = tmp_path_factory.mktemp("county")
    secret_key, encryption_key = generate_secret_key(), generate_encryption_key()
    settings = Settings(
        env="test", home=folder, secret_key=secret_key, encryption_key=encryption_key
    )
    engine = make_engine(f"sqlite:///{folder / 'county.db'}")
    upgrade(engine, actor=SYSTEM)
    with Session(engine) as db:
        ids, names = _seed(db, FieldCipher(load_keys(settings).encryption_key))
        db.commit()
    engine.dispose()  # the last connection closing checkpoints the WAL into the file
    return _Template(folder / "county.db", secret_key, encryption_key, ids, names)


@pytest.fixture
def live_server(_county_database: _Template, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a fresh copy of the seeded SQLite database, served by uvicorn in a thread."""
    template = _county_database
    settings = Settings(
        env="test",
        home=tmp_path,
        secret_key=template.secret_key,
        encryption_key=template.encryption_key,
    )
    shutil.copyfile(template.path, tmp_path / "live.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    app = create_app(settings, sessions=make_sessionmaker(engine))
    sock = _free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_until_healthy(url, thread)
        yield LiveServer(url=url, engine=engine, ids=template.ids, names=template.names)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The system Chromium, headless, through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        if os.environ.get("FANGFEI_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"{CHROMIUM} not found but FANGFEI_REQUIRE_CHROMIUM=1")
        pytest.skip(f"{CHROMIUM} not found")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (no cookies) pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(5_000)
    yield context.new_page()
    context.close()
