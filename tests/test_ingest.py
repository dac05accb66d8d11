"""Ingest runs: incremental, atomic, and every kind of bad input reported without losing data."""

import os
import re
import shutil
import signal
import subprocess
import sys

import pytest

from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from tests.conftest import CORPUS, ROOT, SEED_FILES

ARTICLE = "Ủy ban nhân dân thành phố ban hành kế hoạch cải cách hành chính năm {n}. " * 12


def copy_corpus(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def snapshot(store):
    return {d.id: (d.file_hash, d.title, len(d.passages)) for d in store.documents(with_passages=True)}


def test_reingest_skips_unchanged_files(tmp_path, store, settings):
    corpus = copy_corpus(tmp_path)
    first = ingest_paths([corpus], store=store, settings=settings, progress=False)
    second = ingest_paths([corpus], store=store, settings=settings, progress=False)
    assert (first.count("added"), second.count("skipped"), second.count("added")) == (5, 5, 0)
    assert second.generation == first.generation  # nothing changed: indexes need no work


def test_changed_file_is_replaced_and_keeps_its_id(tmp_path, store, settings):
    corpus = copy_corpus(tmp_path)
    ingest_paths([corpus], store=store, settings=settings, progress=False)
    target = corpus / SEED_FILES[2].name
    target.write_text(target.read_text(encoding="utf-8") + "\nĐoạn mới về Đề án 06 của Chính phủ.\n", encoding="utf-8")
    report = ingest_paths([corpus], store=store, settings=settings, progress=False)
    assert (report.count("updated"), report.count("skipped")) == (1, 4)
    document = store.get_document(SEED_FILES[2].stem)
    assert "Đề án 06" in document.text
    assert all(document.text[p.start : p.end] == p.text for p in document.passages)


def test_prune_drops_documents_whose_files_disappeared(tmp_path, store, settings):
    corpus = copy_corpus(tmp_path)
    ingest_paths([corpus], store=store, settings=settings, progress=False)
    (corpus / SEED_FILES[0].name).unlink()
    kept = ingest_paths([corpus], store=store, settings=settings, progress=False)
    assert kept.count("removed") == 0 and len(store.document_ids()) == 5
    pruned = ingest_paths([corpus], store=store, settings=settings, prune=True, progress=False)
    assert pruned.count("removed") == 1
    assert SEED_FILES[0].stem not in store.document_ids()
    assert store.passages(SEED_FILES[0].stem) == []


def test_moved_file_keeps_its_document_id(tmp_path, store, settings):
    corpus = copy_corpus(tmp_path)
    ingest_paths([corpus], store=store, settings=settings, progress=False)
    (corpus / "archive").mkdir()
    (corpus / SEED_FILES[1].name).rename(corpus / "archive" / SEED_FILES[1].name)
    report = ingest_paths([corpus], store=store, settings=settings, prune=True, progress=False)
    assert (report.count("moved"), report.count("removed")) == (1, 0)
    assert store.get_document(SEED_FILES[1].stem).path.endswith(f"archive/{SEED_FILES[1].name}")


def test_same_file_name_in_two_folders_gets_two_ids(tmp_path, store, settings):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "bao-cao.txt").write_text(ARTICLE.format(n=folder), encoding="utf-8")
    report = ingest_paths([tmp_path / "a", tmp_path / "b"], store=store, settings=settings, progress=False)
    assert report.count("added") == 2 and len(store.document_ids()) == 2


def test_error_half_way_through_leaves_previous_state_intact(tmp_path, store, settings, monkeypatch):
    corpus = copy_corpus(tmp_path)
    ingest_paths([corpus], store=store, settings=settings, progress=False)
    before, generation = snapshot(store), store.generation
    for path in corpus.glob("*.txt"):
        path.write_text(path.read_text(encoding="utf-8") + "\nCập nhật.\n", encoding="utf-8")
    calls = []
    original = DocumentStore.put_document

    def failing_put(self, document, **kwargs):
        calls.append(document.id)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original(self, document, **kwargs)

    monkeypatch.setattr(DocumentStore, "put_document", failing_put)
    with pytest.raises(OSError):
        ingest_paths([corpus], store=store, settings=settings, progress=False)
    assert len(calls) == 3  # two documents had been written inside the transaction
    assert snapshot(store) == before and store.generation == generation


@pytest.mark.slow
def test_killed_ingest_leaves_previous_state_intact(tmp_path, settings):
    with DocumentStore(settings.database_path) as store:
        ingest_paths([CORPUS], store=store, settings=settings, progress=False)
        before = snapshot(store)
    big = tmp_path / "many"
    big.mkdir()
    total = 3000
    for n in range(total):
        (big / f"{n:05d}.txt").write_text(ARTICLE.format(n=n) * 3, encoding="utf-8")
    command = [sys.executable, "-m", "reform.cli", "--data", str(settings.data), "ingest", "--progress", str(big)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = wait_for_progress(process, at_least=100)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 100 <= done < total and process.returncode == -signal.SIGKILL
    with DocumentStore(settings.database_path) as store:
        assert snapshot(store) == before


def wait_for_progress(process: subprocess.Popen, *, at_least: int) -> int:
    """Read the tqdm bar on stderr until it reports `at_least` files done; return that count."""
    seen = ""
    while process.poll() is None:
        seen += process.stderr.read(1)
        counts = [int(c) for c in re.findall(r"(\d+)/\d+ \[", seen)]
        if counts and counts[-1] >= at_least:
            return counts[-1]
    raise AssertionError(f"ingest ended before it could be killed: {seen[-300:]}")


def test_bad_inputs_each_get_a_reason_and_good_files_still_land(tmp_path, store, settings):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text(ARTICLE.format(n=1), encoding="utf-8")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "junk.txt").write_bytes(os.urandom(20_000))
    (inbox / "table.xlsx").write_bytes(b"PK\x03\x04")
    (inbox / "legacy.txt").write_bytes("C¸c quyÕt ®Þnh vÒ c¶i c¸ch hµnh chÝnh cña thµnh phè".encode("latin-1"))
    with open(inbox / "huge.txt", "wb") as huge:
        huge.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing read
    (inbox / "broken-link.txt").symlink_to(inbox / "missing.txt")
    (inbox / "loop").symlink_to(inbox)
    report = ingest_paths([inbox, tmp_path / "nowhere"], store=store, settings=settings, progress=False)
    reasons = {os.path.basename(o.path): o.reason for o in report.failed}
    assert report.count("added") == 1
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["junk.txt"]
    assert "unsupported format .xlsx" in reasons["table.xlsx"]
    assert "TCVN3" in reasons["legacy.txt"]
    assert "200.0 MB, over the 50 MB limit" in reasons["huge.txt"]
    assert "broken symbolic link" in reasons["broken-link.txt"]
    assert "no such file or directory" in reasons["nowhere"]
    assert len(reasons) == 7  # the symlink loop is walked once, not reported, not followed forever


@pytest.mark.slow
def test_a_folder_of_thousands_of_files(tmp_path, store, settings):
    folder = tmp_path / "many"
    for n in range(2000):
        sub = folder / f"{n // 500}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{n:05d}.md").write_text(f"Văn bản số {n}. " + ARTICLE.format(n=n), encoding="utf-8")
    report = ingest_paths([folder], store=store, settings=settings, progress=False)
    assert report.count("added") == 2000 and not report.failed
    assert ingest_paths([folder], store=store, settings=settings, progress=False).count("skipped") == 2000


@pytest.mark.slow
def test_unreadable_file_is_reported_and_the_run_continues(tmp_path, settings):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text(ARTICLE.format(n=1), encoding="utf-8")
    secret = inbox / "secret.txt"
    secret.write_text(ARTICLE.format(n=2), encoding="utf-8")
    secret.chmod(0)
    # root reads anything; drop the capabilities that let it, so the permission bits really apply
    wrap = (
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
        if os.geteuid() == 0
        else []
    )
    from tests.conftest import run_reform

    result = run_reform("ingest", str(inbox), data=settings.data, wrap=wrap)
    assert result.returncode == 1
    assert "secret.txt: Permission denied" in result.stderr
    assert "1 added" in result.stdout and "1 failed" in result.stdout
