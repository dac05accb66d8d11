"""Hostile and clumsy input: bad manifests, odd file names — one reason per problem, the rest of the run kept."""

import json
import os
import shutil
import tempfile

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.files import filesystem_path, stored_path
from ingest.manifest import load_manifest
from ingest.pipeline import ingest_paths
from library.indexes import open_search
from tests.conftest import CORPUS, SEED_FILES
from vntext.dates import iso_date


def corpus_with_manifest(tmp_path, entries):
    folder = tmp_path / "inbox"
    shutil.copytree(CORPUS, folder)
    (folder / "manifest.json").write_text(json.dumps({"documents": entries}, ensure_ascii=False), encoding="utf-8")
    return folder


def test_a_bad_manifest_names_each_wrong_key_and_the_documents_still_land(tmp_path, store, settings):
    first, second, third = (p.name for p in SEED_FILES[:3])
    folder = corpus_with_manifest(
        tmp_path,
        [
            {"file": first, "date": "not-a-date", "title": "Tiêu đề đúng"},
            {"file": second, "title": ["a", "list"], "date": "2023-02-31"},
            {"file": third, "titel": "typo", "source": {"a": 1}},
            17,
        ],
    )
    report = ingest_paths([folder], store=store, settings=settings, progress=False)
    [manifest_failure] = report.failed
    reason = manifest_failure.reason
    assert manifest_failure.path.endswith("manifest.json") and "\n" not in reason
    for expected in ('date "not-a-date"', "title must be a non-empty text", 'date "2023-02-31"', 'unknown key "titel"', "source"):
        assert expected in reason
    assert report.count("added") == len(SEED_FILES)
    titles = {d.title for d in store.documents()}
    assert "Tiêu đề đúng" in titles  # the valid part of an entry is applied
    assert all(d.date is None or iso_date(d.date) for d in store.documents())
    with open_search(settings, store=store, load_model=False) as service:  # facets read every date
        assert service.search("cải cách hành chính", k=3).results


def test_an_unreadable_manifest_is_one_reason_and_the_documents_are_ingested_without_it(tmp_path, store, settings):
    folder = tmp_path / "inbox"
    shutil.copytree(CORPUS, folder)
    (folder / "manifest.json").write_bytes(b"\xff\xfe not json at all")
    report = ingest_paths([folder], store=store, settings=settings, progress=False)
    assert [o.path.rsplit("/", 1)[-1] for o in report.failed] == ["manifest.json"]
    assert report.count("added") == len(SEED_FILES)


def test_file_names_that_are_not_utf8_or_hold_newlines_are_ingested_and_shown_safely(tmp_path, store, settings):
    folder = tmp_path / "inbox"
    folder.mkdir()
    text = SEED_FILES[0].read_bytes()
    latin1 = os.path.join(os.fsencode(folder), b"Quy\xe9t \xf0inh.txt")
    with open(latin1, "wb") as handle:
        handle.write(text)
    (folder / "line\nbreak.txt").write_bytes(SEED_FILES[1].read_bytes())
    report = ingest_paths([folder], store=store, settings=settings, progress=False)
    assert report.count("added") == 2 and not report.failed
    stored = sorted(d.path for d in store.documents())
    assert any("\\xe9" in p for p in stored) and any("line\\x0abreak" in p for p in stored)
    assert all(filesystem_path(p).exists() for p in stored)
    again = ingest_paths([folder], store=store, settings=settings, prune=True, progress=False)
    assert again.count("skipped") == 2 and again.count("removed") == 0
    assert "\n" not in again.summary_line()


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b"..")))
def test_stored_paths_are_one_line_utf8_and_map_back_to_the_file(name):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(os.fsencode(folder), name)
        open(path, "wb").close()
        stored = stored_path(os.fsdecode(path))
        stored.encode("utf-8")  # never raises: the store can keep it
        assert "\n" not in stored and "\r" not in stored
        assert os.fsencode(filesystem_path(stored)) == path


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2023-04-07", "2023-04-07"), ("2023-02-31", None), ("2023-13-01", None), ("not-a-date", None), ("07/04/2023", None)],
)
def test_manifest_dates_must_be_real_iso_dates(value, expected):
    assert iso_date(value) == expected


def test_load_manifest_keeps_valid_entries_by_resolved_path(tmp_path):
    (tmp_path / "manifest.json").write_text(
        json.dumps({"documents": [{"file": "a.txt", "date": "2024-01-31"}]}), encoding="utf-8"
    )
    manifest = load_manifest(tmp_path)
    assert manifest.entries == {(tmp_path / "a.txt").resolve(): {"date": "2024-01-31"}} and manifest.problems == []


def test_a_path_past_path_max_or_a_folder_that_cannot_be_entered_fails_alone(tmp_path, store, settings, monkeypatch):
    folder = tmp_path / "inbox"
    shutil.copytree(CORPUS, folder)
    handle = os.open(folder, os.O_RDONLY)
    for _ in range(420):  # 4,620 bytes of folders: made by descriptor, past PATH_MAX (4,096)
        os.mkdir(b"d" * 10, dir_fd=handle)
        inner = os.open(b"d" * 10, os.O_RDONLY, dir_fd=handle)
        os.close(handle)
        handle = inner
    deep = os.open(b"deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=handle)
    os.write(deep, SEED_FILES[0].read_bytes())
    os.close(deep)
    os.close(handle)
    report = ingest_paths([folder], store=store, settings=settings, progress=False)
    assert report.count("added") == len(SEED_FILES)
    [too_long] = report.failed
    assert "dddddddddd" in too_long.path and "too long" in (too_long.reason or "").lower()

    def cannot_enter(self):  # what stat() says in a folder with mode 600 (tests run as root, where it would not)
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(folder), "is_file", cannot_enter)
    assert load_manifest(folder).problems == [] and load_manifest(folder).entries == {}


def test_a_title_taken_from_a_text_without_spaces_is_bounded(tmp_path):
    from ingest.build import MAX_TITLE_CHARS, build_document

    path = tmp_path / "emoji-storm.txt"
    path.write_bytes(("🏛️👩‍⚖️🇻🇳" * 30_000 + "\n\nBài viết về cải cách hành chính ở Hà Nội. " * 20).encode())
    document = build_document(path, path.read_bytes(), document_id="e", manifest={}, max_words=200, min_words=40)
    assert len(document.title) <= MAX_TITLE_CHARS and document.title.endswith("…")
