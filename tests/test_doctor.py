"""Corrupt or misconfigured data directories: explained in one line with the fix, derived files rebuilt,
the document store never overwritten; `reform doctor` says what is wrong and what to do."""

import os
import shutil

import pytest
from click.testing import CliRunner

import ingest.store
import reform.cli as cli_module
from reform.cli import cli
from tests.conftest import CORPUS


def reform(*args: str, data) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--data", str(data), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def good_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("good") / "data"
    code, _, err = reform("ingest", str(CORPUS), "--no-progress", data=data)
    assert code == 0, err
    assert reform("search", "PAR INDEX", "--mode", "lexical", data=data)[0] == 0  # writes the lexical cache
    return data


@pytest.fixture
def data(good_data, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(good_data, copy)
    return copy


def scramble(path, size=300):
    path.write_bytes(os.urandom(size))


def test_a_sound_data_directory_passes_every_check(data):
    code, out, _ = reform("doctor", data=data)
    assert code == 0 and "PROBLEM" not in out and "document store: 5 documents" in out


def test_damaged_lexical_segments_still_answer_and_the_next_ingest_rebuilds_them(data):
    segments = [p for p in (data / "lexical").rglob("*") if p.is_file()]
    assert segments
    for segment in segments:
        scramble(segment)
    code, out, _ = reform("search", "PAR INDEX 2022", "--mode", "lexical", "--json", data=data)
    assert code == 0 and "PARINDEX" in out
    code, out, _ = reform("doctor", data=data)
    assert code == 1 and "PROBLEM  lexical segments" in out
    assert reform("ingest", str(CORPUS), data=data)[0] == 0
    assert reform("doctor", data=data)[0] == 0


def test_a_damaged_published_graph_is_explained_and_reindex_repairs_it(data):
    current = (data / "graph-snapshots" / "CURRENT").read_text().strip()
    for part in (data / "graph-snapshots" / current).iterdir():
        scramble(part)
    code, _, err = reform("lookup", "280/QĐ-UBND", data=data)
    assert code == 2 and "reform reindex" in err and "Traceback" not in err
    code, out, _ = reform("doctor", data=data)
    assert code == 1 and "PROBLEM  published graph" in out and "reform reindex" in out
    assert reform("reindex", "--no-progress", data=data)[0] == 0
    assert reform("lookup", "280/QĐ-UBND", data=data)[0] == 0


def test_a_damaged_live_graph_stops_ingest_with_the_fix_and_reindex_rebuilds_it(data):
    for part in (data / "graph").iterdir():
        if part.is_file():
            scramble(part)
    code, _, err = reform("ingest", str(CORPUS), data=data)
    assert code == 2 and "reform reindex" in err
    assert reform("reindex", "--no-progress", data=data)[0] == 0
    assert any(p.name.startswith("graph.damaged-") for p in data.iterdir())  # moved aside, not deleted
    assert reform("ingest", str(CORPUS), data=data)[0] == 0


def test_a_damaged_database_is_explained_and_never_overwritten(data):
    database = data / "reform.sqlite3"
    for extra in ("reform.sqlite3-wal", "reform.sqlite3-shm"):
        (data / extra).unlink(missing_ok=True)
    scramble(database, 8192)
    damaged = database.read_bytes()
    for command in (["documents"], ["search", "x"], ["lookup", "280/QĐ-UBND"], ["ingest", str(CORPUS)], ["reindex"]):
        code, _, err = reform(*command, data=data)
        assert code == 2 and "damaged" in err and "Traceback" not in err, (command, err)
    assert database.read_bytes() == damaged
    code, out, _ = reform("doctor", data=data)
    assert code == 1 and "PROBLEM  document store" in out


@pytest.mark.parametrize("loss", ["emptied", "deleted"])
def test_a_lost_database_beside_its_indexes_is_reported_not_taken_for_an_empty_library(data, loss):
    database = data / "reform.sqlite3"
    for extra in ("reform.sqlite3-wal", "reform.sqlite3-shm"):
        (data / extra).unlink(missing_ok=True)
    if loss == "emptied":
        database.write_bytes(b"")
    else:
        database.unlink()
    published = sorted(p.name for p in (data / "graph-snapshots").iterdir())
    for command in (["documents"], ["search", "x", "--mode", "lexical"], ["lookup", "280/QĐ-UBND"], ["ingest", str(CORPUS)]):
        code, _, err = reform(*command, data=data)
        assert code == 2 and "reform.sqlite3" in err and "restore" in err and "Traceback" not in err, (command, err)
    assert (database.read_bytes() == b"") if loss == "emptied" else not database.exists()  # nothing created or written
    assert sorted(p.name for p in (data / "graph-snapshots").iterdir()) == published  # the indexes are not emptied
    code, out, _ = reform("doctor", data=data)
    assert code == 1 and "PROBLEM  document store" in out and ("missing" in out or "empty" in out)


def test_data_that_is_a_file_and_a_lock_that_is_a_folder(tmp_path, data):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    code, _, err = reform("documents", data=a_file)
    assert code == 2 and "is a file, not a folder" in err
    (data / "writer.lock").unlink(missing_ok=True)
    (data / "writer.lock").mkdir()
    code, _, err = reform("ingest", str(CORPUS), data=data)
    assert code == 2 and "writer.lock" in err


def test_a_read_only_data_directory_still_answers(data, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(ingest.store.os, "access", lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    assert reform("documents", data=data)[0] == 0
    assert reform("lookup", "280/QĐ-UBND", data=data)[0] == 0
    code, out, _ = reform("search", "PAR INDEX", "--mode", "lexical", data=data)
    assert code == 0 and "PARINDEX" in out
    code, _, err = reform("ingest", str(CORPUS), data=data)
    assert code == 2 and "read-only" in err


def test_an_unexpected_error_is_one_line_not_a_traceback(data, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(cli_module, "examine", broken)
    code, _, err = reform("doctor", data=data)
    assert (
        code == 2 and err.strip() == "error: unexpected RuntimeError: simulated bug (a bug: rerun with --traceback and report it)"
    )


def test_bad_settings_and_arguments_are_one_line(data, monkeypatch, tmp_path):
    monkeypatch.setenv("REFORM_SPARQL_TIMEOUT", "abc")
    code, _, err = reform("documents", data=data)
    assert code == 2 and "REFORM_SPARQL_TIMEOUT='abc' is not valid" in err
    monkeypatch.delenv("REFORM_SPARQL_TIMEOUT")
    monkeypatch.setenv("REFORM_NO_SUCH_THING", "1")
    assert "no such setting" in reform("documents", data=data)[2]
    monkeypatch.delenv("REFORM_NO_SUCH_THING")
    assert reform("serve", "--port", "70000", data=data)[0] == 2
    binary = tmp_path / "questions.jsonl"
    binary.write_bytes(b"\x00\xff" * 50)
    code, _, err = reform("eval", str(binary), data=data)
    assert code == 2 and "not UTF-8" in err


@pytest.mark.parametrize("value", ["javascript:alert(1)//\n<x>", "http://reform example.vn", "ftp://reform.example.vn"])
def test_a_base_uri_that_cannot_start_an_iri_is_refused_in_one_line(data, monkeypatch, value):
    monkeypatch.setenv("REFORM_BASE_URI", value)
    for command in (["lookup", "280/QĐ-UBND"], ["documents"]):
        code, _, err = reform(*command, data=data)
        assert code == 2 and "REFORM_BASE_URI=" in err and "is not valid" in err and "unexpected" not in err
