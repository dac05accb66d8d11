"""Settings: declared once, as the fields of `Settings`, read from `REFORM_*` environment variables.

Each field carries its help text and parser (`setting(...)`); `SETTINGS` lists them for `reform
--help` and the README. An environment variable with the prefix that names no setting is an error,
not a silent no-op: a typo such as REFORM_SPARQL_TIMOUT=30 would otherwise be ignored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
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


def _ann_kind(raw: str) -> str:
    if raw not in ("ivf", "ivfpq", "hnsw"):
        raise ValueError("must be ivf, ivfpq or hnsw")
    return raw


def _base_uri(raw: str) -> str:
    """An absolute http(s) address with nothing an IRI may not hold: every minted URI starts with it."""
    scheme, _, rest = raw.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest.startswith("/"):
        raise ValueError("must be an absolute http:// or https:// address, e.g. https://reform.example.vn")
    if any(ch.isspace() or ch in '<>"{}|\\^`' or ord(ch) < 32 for ch in raw):
        raise ValueError('must not contain spaces, control characters or any of <>"{}|\\^`')
    return raw


def setting(default: Any, help: str, parse: Callable[[str], Any] = str) -> Any:
    """A field of `Settings` with what the CLI's help and the environment reader need to know."""
    return field(default=default, metadata={"help": help, "parse": parse})


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. Build with `Settings.from_env()`; override fields with `replace`."""

    data: Path = setting(Path("./data"), "Data directory: the SQLite database, vector index, graph store and model.", Path)
    model: str = setting(
        "", "Sentence-transformers model directory; default DATA/models/multilingual-e5-small ('reform model install')."
    )
    base_uri: str = setting("http://127.0.0.1:8000", "Base of every URI the knowledge graph mints (/id/document/…).", _base_uri)
    ann_threshold: int = setting(
        50_000, "Passages above which the vector index is approximate (FAISS IVF-Flat) instead of exact.", _positive_int
    )
    ann_compress_threshold: int = setting(
        500_000,
        "Passages from which the vector index is REFORM_ANN_COMPRESSED_KIND instead of IVF-Flat "
        "(measured at 1M: HNSW recall@10 0.98, IVF-Flat 0.88, IVF-PQ 0.60).",
        _positive_int,
    )
    ann_compressed_kind: str = setting(
        "hnsw", "Index kind from REFORM_ANN_COMPRESS_THRESHOLD: hnsw (whole vectors in a graph) or ivfpq (compressed).", _ann_kind
    )
    ann_nprobe: int = setting(
        256, "IVF lists searched per query (recall against speed; measured at 1M in README benchmarks).", _positive_int
    )
    sparql_timeout: float = setting(
        10.0, "Seconds a SPARQL query may run before it is stopped (the worker is killed).", _positive_float
    )
    sparql_max_rows: int = setting(
        10_000, "Most results a SPARQL query returns; more are cut and reported as truncated.", _positive_int
    )
    sparql_max_memory_mb: int = setting(
        1024, "Memory one SPARQL query worker may allocate, in megabytes; a query that needs more is stopped.", _positive_int
    )
    max_file_mb: float = setting(
        50.0, "Largest input file ingest accepts, in megabytes; larger files are rejected with a reason.", _positive_float
    )
    passage_max_words: int = setting(
        200, "Upper bound on the words in one passage; longer blocks are split at sentence boundaries.", _positive_int
    )
    passage_min_words: int = setting(
        40, "Passages shorter than this are merged with their neighbours in the same section.", _positive_int
    )
    ingest_workers: int = setting(
        min(os.cpu_count() or 1, 4),
        "Worker processes that read files and OCR pages in parallel (default: cores, at most 4).",
        _positive_int,
    )
    parse_timeout: float = setting(
        120.0, "Seconds reading one file may take in a worker before it is stopped and the file reported.", _positive_float
    )
    parse_memory_mb: int = setting(
        1024,
        "Address space of one ingest worker in megabytes (reader, antiword, tesseract); a file needing more is refused.",
        _positive_int,
    )
    ocr_page_timeout: float = setting(
        180.0, "Seconds tesseract may spend on one page before the file is reported.", _positive_float
    )
    ocr_min_confidence: float = setting(
        60.0, "OCR pages under this mean word confidence (0-100) are left out and reported, not indexed.", _positive_float
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every declared setting from `environ` (default: os.environ); keyword overrides win.

        Raises ConfigError for a value a setting cannot parse and for a REFORM_* variable that
        names no setting.
        """
        environ = os.environ if environ is None else environ
        declared = {s.env_var: s for s in SETTINGS}
        unknown = sorted(key for key in environ if key.startswith(ENV_PREFIX) and key not in declared)
        if unknown:
            raise ConfigError(f"{', '.join(unknown)}: no such setting (known: {', '.join(sorted(declared))})")
        values: dict[str, Any] = {}
        for env_var, declared_setting in declared.items():
            raw = environ.get(env_var)
            if raw is None or raw == "":
                continue
            try:
                values[declared_setting.name] = declared_setting.parse(raw)
            except ValueError as exc:
                raise ConfigError(f"{env_var}={raw!r} is not valid: {exc}") from None
        unknown_overrides = set(overrides) - {s.name for s in SETTINGS}
        if unknown_overrides:
            raise ConfigError(f"no such setting: {', '.join(sorted(unknown_overrides))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data" in values:
            values["data"] = Path(values["data"]).expanduser()
        return cls(**values)

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


SETTINGS: list[Setting] = [
    Setting(f.name, f.default, f.metadata["help"], f.metadata["parse"]) for f in fields(Settings) if "help" in f.metadata
]
