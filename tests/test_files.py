"""`/documents/<id>/file` serves the original file from the store's record, never a path from the request."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest
from flask import Flask

from core.errors import NotFoundError
from core.settings import Settings
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from tests.conftest import TEST_DATA
from web.app import _error, _security_headers
from web.files import files


@pytest.fixture
def client(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(TEST_DATA / "formats" / "dev-qd-6154-ubnd-hanoi-2011.docx", folder / "Quyết định 6154.docx")
    (folder / "page.html").write_text("<html><body><article><p>Cải cách hành chính năm 2023.</p></article></body></html>")
    settings = Settings.from_env({}, data=tmp_path / "data")
    with DocumentStore(settings.database_path) as store:
        report = ingest_paths([folder], store=store, settings=settings, progress=False)
        assert report.count("added") == 2
        app = Flask(__name__)
        app.extensions["reform"] = SimpleNamespace(store=store)
        app.register_blueprint(files)
        app.after_request(_security_headers)
        app.register_error_handler(NotFoundError, lambda exc: _error(404, str(exc)))
        yield app.test_client(), folder


def test_original_word_file_is_a_download_with_its_name_and_type(client):
    http, _ = client
    response = http.get("/documents/quyet-dinh-6154/file")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%206154.docx" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_html_is_never_served_inline(client):
    http, _ = client
    response = http.get("/documents/page/file")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_unknown_ids_paths_and_changed_files_are_404(client):
    http, folder = client
    assert http.get("/documents/nope/file").status_code == 404
    assert http.get("/documents/..%2F..%2Fetc%2Fpasswd/file").status_code == 404
    (folder / "page.html").write_text("changed")
    response = http.get("/documents/page/file")
    assert response.status_code == 404 and "changed since it was ingested" in response.get_json()["error"]
