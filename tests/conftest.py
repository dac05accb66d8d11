"""Shared fixtures: the shipped corpus, fresh data directories, a store ingested once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from reform.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TEST_DATA = Path(__file__).resolve().parent / "data"
SEED_FILES = sorted(CORPUS.glob("*.txt"))


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
def seed_store(tmp_path_factory):
    """The shipped corpus ingested once; tests must not write to it."""
    settings = make_settings(tmp_path_factory.mktemp("seed") / "data")
    with DocumentStore(settings.database_path) as opened:
        report = ingest_paths([CORPUS], store=opened, settings=settings, progress=False)
        assert report.count("added") == len(SEED_FILES)
        yield opened


def run_reform(
    *args: str, data: Path, env: dict[str, str] | None = None, wrap: list[str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `reform` CLI in a subprocess, as a user would."""
    command = (wrap or []) + [sys.executable, "-m", "reform.cli", "--data", str(data), *args]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=full_env, cwd=ROOT)
