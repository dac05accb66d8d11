"""The `reform` CLI end to end, in subprocesses, on the shipped corpus."""

import json

import pytest

from tests.conftest import CORPUS, run_reform

pytestmark = pytest.mark.slow  # real subprocesses and servers


def test_help_lists_every_command_and_the_settings(tmp_path):
    result = run_reform("--help", data=tmp_path)
    assert result.returncode == 0
    for command in ("ingest", "documents", "show"):
        assert command in result.stdout
    assert "REFORM_DATA" in result.stdout


def test_ingest_corpus_then_reingest_skips_all(tmp_path):
    first = run_reform("ingest", str(CORPUS), data=tmp_path / "data")
    assert first.returncode == 0, first.stderr
    assert "ingest: 5 added, 0 updated, 0 skipped, 0 failed, 0 removed" in first.stdout
    second = run_reform("ingest", str(CORPUS), data=tmp_path / "data")
    assert "0 added, 0 updated, 5 skipped" in second.stdout


def test_documents_json_lists_titles_dates_and_passage_counts(tmp_path):
    run_reform("ingest", str(CORPUS), data=tmp_path)
    listing = json.loads(run_reform("documents", "--json", data=tmp_path).stdout)
    assert len(listing) == 5
    assert set(listing[0]) == {"id", "title", "date", "source", "path", "passages"}
    by_id = {row["id"]: row for row in listing}
    assert by_id["001_162ac573aecaa869"]["date"] == "2023-04-07"
    assert all(row["passages"] > 0 and row["title"] for row in listing)
    text = run_reform("documents", data=tmp_path).stdout
    assert "Hà Nội ưu tiên phát triển chính quyền điện tử" in text and "5 documents" in text


def test_show_prints_clean_text_with_passage_boundaries(tmp_path):
    run_reform("ingest", str(CORPUS), data=tmp_path)
    result = run_reform("show", "004_cb046c32ecbbcf08", data=tmp_path)
    assert result.returncode == 0
    assert "── 004_cb046c32ecbbcf08-p0001 [0:" in result.stdout
    assert "Phó giám đốc Sở Nội vụ Hà Nội Nguyễn Đình Hoa" in result.stdout
    for boilerplate in ("leftcenterrightdel", "Tin, ảnh:"):
        assert boilerplate not in result.stdout
    as_json = json.loads(run_reform("show", "004_cb046c32ecbbcf08", "--json", data=tmp_path).stdout)
    assert all(as_json["text"][p["start"] : p["end"]] == p["text"] for p in as_json["passages"])


def test_unknown_document_is_a_one_line_error_without_traceback(tmp_path):
    run_reform("ingest", str(CORPUS), data=tmp_path)
    result = run_reform("show", "no-such-doc", data=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no document with id 'no-such-doc' (see 'reform documents')"


def test_invalid_setting_is_reported_clearly(tmp_path):
    result = run_reform("documents", data=tmp_path, env={"REFORM_MAX_FILE_MB": "lots"})
    assert result.returncode != 0
    assert "REFORM_MAX_FILE_MB='lots' is not valid" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_files_make_ingest_exit_non_zero_but_keep_the_rest(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ok.txt").write_text("Ủy ban nhân dân thành phố ban hành kế hoạch cải cách hành chính năm 2024.", encoding="utf-8")
    (inbox / "sheet.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    result = run_reform("ingest", str(inbox), data=tmp_path / "data")
    assert result.returncode == 1
    assert "sheet.xlsx: unsupported format .xlsx" in result.stderr
    assert "1 added" in result.stdout
