"""Settings: declared once as a list of `Setting`s, read from `REFORM_*` environment variables."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from core.errors import ConfigError

ENV_PREFIX = "REFORM_"


@dataclass(frozen=True)
class Setting:
    """One configurable value: its name (env var without prefix), default, parser and help text."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive integer")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise ValueError("must be a positive number")
    return value


SETTINGS: list[Setting] = [
    Setting("data", "./data", "Data directory: the SQLite database, vector index, graph store and model.", str),
    Setting(
        "model",
        "",
        "Sentence-transformers model directory; default DATA/models/multilingual-e5-small ('reform model install').",
        str,
    ),
    Setting("base_uri", "http://127.0.0.1:8000", "Base of every URI the knowledge graph mints (/id/document/…).", str),
    Setting(
        "ann_threshold",
        50_000,
        "Passages above which the vector index is approximate (FAISS IVF-Flat) instead of exact.",
        _positive_int,
    ),
    Setting("ann_nprobe", 32, "IVF lists searched per query (recall against speed; see README benchmarks).", _positive_int),
    Setting(
        "sparql_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped (the worker is killed).", _positive_float
    ),
    Setting(
        "sparql_max_rows", 10_000, "Most results a SPARQL query returns; more are cut and reported as truncated.", _positive_int
    ),
    Setting(
        "max_file_mb",
        50.0,
        "Largest input file ingest accepts, in megabytes; larger files are rejected with a reason.",
        _positive_float,
    ),
    Setting(
        "passage_max_words",
        200,
        "Upper bound on the words in one passage; longer blocks are split at sentence boundaries.",
        _positive_int,
    ),
    Setting(
        "passage_min_words",
        40,
        "Passages shorter than this are merged with their neighbours in the same section.",
        _positive_int,
    ),
]


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. Build with `Settings.from_env()`; override fields with `replace`."""

    data: Path = Path("./data")
    model: str = ""
    base_uri: str = "http://127.0.0.1:8000"
    ann_threshold: int = 50_000
    sparql_timeout: float = 10.0
    sparql_max_rows: int = 10_000
    ann_nprobe: int = 32
    max_file_mb: float = 50.0
    passage_max_words: int = 200
    passage_min_words: int = 40

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every declared setting from `environ` (default: os.environ); keyword overrides win."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env_var)
            if raw is None or raw == "":
                values[setting.name] = setting.default
                continue
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as exc:
                raise ConfigError(f"{setting.env_var}={raw!r} is not valid: {exc}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["data"] = Path(values["data"]).expanduser()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    @property
    def database_path(self) -> Path:
        return self.data / "reform.sqlite3"

    @property
    def graph_path(self) -> Path:
        return self.data / "graph"

    @property
    def vectors_path(self) -> Path:
        return self.data / "vectors.npz"

    @property
    def model_dir(self) -> Path:
        """REFORM_MODEL if set, else the directory `reform model install` writes."""
        return Path(self.model).expanduser() if self.model else self.data / "models" / "multilingual-e5-small"
