"""A hand-made ONNX export of a sentence-transformers model, and the encoder that runs it.

`optimum` (what sentence-transformers' own ONNX backend needs) pins an older
transformers and breaks sentence-transformers 6, so the transformer is exported
with `torch.onnx.export` and the pooling and normalisation are redone in numpy;
this reproduces the torch embeddings (cosine 1.0000 on the default model).
Only Transformer → Pooling (mean or CLS) → optional Normalize stacks are
exported; anything else raises `ExportUnsupportedError` and callers fall back
to torch. Only onnxruntime, tokenizers and numpy are imported at module level:
the cold query path must not load torch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from corpus.atomic import write_atomic
from embeddings.errors import EncoderError, ExportUnsupportedError
from embeddings.names import quiet_transformers, resolve_model, threads_asked
from embeddings.vectors import Vectors, normalise_rows

FORMAT_VERSION = 2
"""Bumped whenever the export's files or meaning change, so old exports are not reused."""

MODEL_FILE = "model.onnx"
WEIGHTS_FILE = "model.onnx.data"
INT8_FILE = "model.int8.onnx"
META_FILE = "meta.json"
TOKENIZER_FILE = "tokenizer.json"
_SAMPLE_BYTES = 1 << 20
_SMALL_FILE = 4 << 20
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")
_SUPPORTED_MODULES = {
    "Transformer": "transformer",
    "Pooling": "pooling",
    "Normalize": "normalize",
}


@dataclass(frozen=True)
class ModelSpec:
    """What the numpy side must redo after the transformer: read from the model's own files."""

    transformer_path: str
    pooling: str
    max_seq_length: int
    do_lower_case: bool
    dimension: int


def model_dir(model: str) -> Path:
    """A local folder for the model; a hub name is looked up in the local cache only."""
    resolved = resolve_model(model)
    path = Path(resolved).expanduser()
    if path.is_dir():
        return path
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(resolved, local_files_only=True))
    except Exception as exc:  # the hub client raises several unrelated types
        raise ExportUnsupportedError(f"{model}: no local copy of this model") from exc


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportUnsupportedError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ExportUnsupportedError(f"{path}: not a JSON object")
    return data


def read_spec(folder: Path) -> ModelSpec:
    modules_file = folder / "modules.json"
    if not modules_file.is_file():
        raise ExportUnsupportedError(
            f"{folder}: no modules.json, not a sentence-transformers model"
        )
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    known = [_SUPPORTED_MODULES.get(k) for k in kinds]
    if None in known or known[:2] != ["transformer", "pooling"] or len(known) > 3:
        raise ExportUnsupportedError(f"{folder}: modules {kinds} are not Transformer+Pooling")
    if len(known) == 3 and known[2] != "normalize":
        raise ExportUnsupportedError(f"{folder}: modules {kinds} are not Transformer+Pooling")
    transformer_path = str(modules[0].get("path", ""))
    pooling_cfg = _read_json(folder / str(modules[1].get("path", "")) / "config.json")
    modes = [k for k, v in pooling_cfg.items() if k.startswith("pooling_mode_") and v is True]
    pooling = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}.get(
        modes[0] if len(modes) == 1 else ""
    )
    if pooling is None:
        raise ExportUnsupportedError(f"{folder}: pooling {modes} is neither mean nor CLS alone")
    st_cfg_file = folder / transformer_path / "sentence_bert_config.json"
    st_cfg = _read_json(st_cfg_file) if st_cfg_file.is_file() else {}
    max_len = st_cfg.get("max_seq_length")
    if not isinstance(max_len, int):
        raise ExportUnsupportedError(f"{folder}: no max_seq_length in sentence_bert_config.json")
    if not (folder / transformer_path / TOKENIZER_FILE).is_file():
        raise ExportUnsupportedError(f"{folder}: no fast tokenizer (tokenizer.json)")
    return ModelSpec(
        transformer_path=transformer_path,
        pooling=pooling,
        max_seq_length=max_len,
        do_lower_case=bool(st_cfg.get("do_lower_case", False)),
        dimension=int(pooling_cfg.get("word_embedding_dimension", 0)),
    )


def fingerprint(folder: Path) -> str:
    """Small files (configs, tokenizer) are hashed whole; weights by size plus their
    first and last MiB, which differ between any two trained models, so that a cold
    query never reads 90 MB just to find its cache."""
    digest = hashlib.sha256(f"v{FORMAT_VERSION}".encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(".") or "/." in rel or rel.endswith(".md"):
            continue
        size = path.stat().st_size
        digest.update(f"{rel}\0{size}\0".encode())
        with path.open("rb") as fh:
            if size <= _SMALL_FILE:
                digest.update(fh.read())
            else:
                digest.update(fh.read(_SAMPLE_BYTES))
                fh.seek(size - _SAMPLE_BYTES)
                digest.update(fh.read(_SAMPLE_BYTES))
    return digest.hexdigest()


def export_folder(model: str, cache_dir: Path) -> Path:
    """The model's name keeps the folder readable; the fingerprint keeps models apart."""
    source = model_dir(model)
    slug = _SLUG.sub("_", model.strip("/").rsplit("/", 1)[-1])[:60] or "model"
    return cache_dir / f"{slug}-{fingerprint(source)[:16]}"


def find_export(model: str, cache_dir: Path) -> Path | None:
    """The finished export for exactly this model, or None (never a half-written one)."""
    try:
        folder = export_folder(model, cache_dir)
    except EncoderError:
        return None
    files = (MODEL_FILE, WEIGHTS_FILE, META_FILE, TOKENIZER_FILE)
    complete = all((folder / f).is_file() for f in files)
    return folder if complete else None


def ensure_onnx_export(model: str, cache_dir: Path) -> Path:
    """Export once (about 10 s, imports torch); later calls return the folder at once.
    The export is written in a temporary folder and renamed into place, so a killed
    run or a concurrent one never leaves a partial export where readers look."""
    found = find_export(model, cache_dir)
    if found is not None:
        return found
    source = model_dir(model)
    spec = read_spec(source)
    final = export_folder(model, cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(cache_dir)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=cache_dir))
    try:
        input_names = _export_transformer(source / spec.transformer_path, tmp / "inline.onnx")
        _split_weights(tmp / "inline.onnx", tmp / MODEL_FILE)
        shutil.copyfile(source / spec.transformer_path / TOKENIZER_FILE, tmp / TOKENIZER_FILE)
        meta = {"format": FORMAT_VERSION, "model": model, "inputs": input_names, **asdict(spec)}
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        shutil.rmtree(final, ignore_errors=True)
        try:
            tmp.rename(final)
        except OSError:
            if find_export(model, cache_dir) is None:  # not a concurrent winner: a real error
                raise
    except ExportUnsupportedError:
        raise
    except Exception as exc:
        raise ExportUnsupportedError(f"{model}: ONNX export failed: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _remove_stale(cache_dir: Path, age_s: float = 3600.0) -> None:
    """A killed export leaves its temporary folder (90 MB for the default model)."""
    now = time.time()
    for path in cache_dir.glob(".export-*"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > age_s:
                shutil.rmtree(path, ignore_errors=True)


def _export_transformer(source: Path, target: Path) -> list[str]:
    import inspect
    import warnings

    import torch
    from transformers import AutoModel, AutoTokenizer

    quiet_transformers()
    hf = AutoModel.from_pretrained(str(source), local_files_only=True, attn_implementation="eager")
    hf.eval()
    accepted = inspect.signature(hf.forward).parameters
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in accepted]
    sample = AutoTokenizer.from_pretrained(str(source), local_files_only=True)(
        ["a first sample passage", "a second, longer sample passage for the export"],
        padding=True,
        return_tensors="pt",
    )
    kwargs = {n: sample[n] for n in names if n in sample}
    names = list(kwargs)

    class _ByKeyword(torch.nn.Module):
        """The exporter passes inputs by position; the model wants them by name."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            out = self.inner(**dict(zip(names, args, strict=True)))
            return out.last_hidden_state  # type: ignore[no-any-return]

    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["token_embeddings"] = {0: "batch", 1: "sequence"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shapes the dynamic axes cover
        expected = _ByKeyword(hf)(*(kwargs[n] for n in names)).numpy()
        torch.onnx.export(
            _ByKeyword(hf),
            tuple(kwargs[n] for n in names),
            str(target),
            input_names=names,
            output_names=["token_embeddings"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    _check_export(target, {n: kwargs[n].numpy() for n in names}, expected)
    return names


def _check_export(target: Path, feed: dict[str, Any], expected: npt.NDArray[Any]) -> None:
    """An architecture the tracer mishandles must fall back to torch, not rank wrongly.
    Padding positions are left out: pooling never reads them."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, feed)[0]
    real = feed["attention_mask"].astype(bool)
    same_shape = got.shape == expected.shape
    worst = float(np.max(np.abs(got[real] - expected[real]))) if same_shape else np.inf
    if not worst <= 1e-3:
        raise ExportUnsupportedError(f"ONNX output differs from torch by {worst:.3g}")


def _split_weights(inline: Path, target: Path) -> None:
    """Weights in a separate file load three times faster in a cold process
    (ONNX Runtime maps the file instead of parsing 90 MB of protobuf)."""
    import onnx

    model = onnx.load(str(inline))
    onnx.save_model(
        model, str(target), save_as_external_data=True, location=WEIGHTS_FILE, size_threshold=1024
    )
    inline.unlink()


def ensure_int8_export(folder: Path) -> Path:
    """Per-channel dynamic int8 on the MatMul weights only. Measured on 200 real
    paragraphs against fp32: per-tensor scales lost too much (mean cosine 0.95);
    per-channel gave mean 0.9925 (min 0.979), and leaving the embedding lookup in
    fp32 as here 0.9926 (min 0.980) at the same speed."""
    target = folder / INT8_FILE
    if target.is_file():
        return target
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs advice about static models
    try:
        write_atomic(
            target,
            lambda tmp: quantize_dynamic(
                str(folder / MODEL_FILE),
                str(tmp),
                per_channel=True,
                weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul"],
            ),
        )
    finally:
        root.setLevel(level)
    return target


class OnnxEncoder:
    """The exported transformer in ONNX Runtime, with the tokenizer and pooling in numpy."""

    def __init__(self, name: str, session: Any, tokenizer: Any, meta: dict[str, Any]) -> None:
        self.name = name
        self._session = session
        self._tokenizer = tokenizer
        self._inputs: list[str] = list(meta["inputs"])
        self._pooling = str(meta["pooling"])
        self._lower = bool(meta["do_lower_case"])
        self.max_tokens = int(meta["max_seq_length"])
        self.dimension = int(session.get_outputs()[0].shape[-1] or meta["dimension"])

    @classmethod
    def open(
        cls,
        name: str,
        folder: Path,
        *,
        quantized: bool,
        threads: int | None,
        device: str,
        quick_start: bool = False,
    ) -> OnnxEncoder:
        """`quick_start` skips the fusing optimisations: they cost a cold query process
        about 0.3 s and only pay back over many batches."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise EncoderError(f"{folder}: ONNX export of another format; delete the folder")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or threads_asked() or 0  # 0: every core
        options.inter_op_num_threads = 1
        level = ort.GraphOptimizationLevel
        options.graph_optimization_level = (
            level.ORT_ENABLE_BASIC if quick_start else level.ORT_ENABLE_ALL
        )
        providers = ["CPUExecutionProvider"]
        if device in ("auto", "cuda") and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        elif device == "cuda":
            raise EncoderError("--device cuda was asked for but ONNX Runtime has no CUDA")
        model_file = folder / (INT8_FILE if quantized else MODEL_FILE)
        try:
            session = ort.InferenceSession(str(model_file), options, providers=providers)
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EncoderError(f"{model_file}: cannot be loaded: {exc}") from exc
        tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        tokenizer.enable_truncation(max_length=int(meta["max_seq_length"]))
        pad = tokenizer.padding or {}
        pad_token = str(pad.get("pad_token", "[PAD]"))
        pad_id = tokenizer.token_to_id(pad_token)
        tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token=pad_token)
        return cls(name, session, tokenizer, meta)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> Vectors:
        """Longest texts first, as sentence-transformers does, so batches pad little."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), max(1, batch_size)):
            idx = order[start : start + batch_size]
            out[idx] = self._encode_batch([texts[i] for i in idx])
        return out

    def _encode_batch(self, texts: list[str]) -> Vectors:
        encs = self._tokenizer.encode_batch([t.lower() if self._lower else t for t in texts])
        arrays = {
            "input_ids": np.array([e.ids for e in encs], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encs], dtype=np.int64),
        }
        feed = {n: arrays[n] for n in self._inputs}
        tokens: npt.NDArray[np.float32] = self._session.run(None, feed)[0]
        if self._pooling == "cls":
            pooled = tokens[:, 0]
        else:
            mask = arrays["attention_mask"][:, :, None].astype(np.float32)
            pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return normalise_rows(pooled)
