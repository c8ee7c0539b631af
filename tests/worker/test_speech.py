"""The faster-whisper adapter (SPEECH_RECOGNIZER=faster_whisper), with a fake model.

The Whisper model itself cannot be downloaded on this machine (no access to Hugging Face),
so these tests check the adapter's plumbing: settings reach WhisperModel, the model is
loaded once and only at the first voice message, real Telegram-like OGG/Opus bytes (spoken
by espeak-ng, encoded by opusenc and ffmpeg) reach transcribe() intact with the user's
language, and the segments come back as one text. The fake model decodes the audio with
ffmpeg to prove it is the speech that was sent. Skipped when the tools are missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from conftest import ANNA
from test_units import GOOD_ENV

from telegram_worker import speech
from telegram_worker.config import ConfigError, load_config

TOOLS = ("espeak-ng", "ffmpeg", "opusenc")
needs_tools = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="espeak-ng, ffmpeg and opusenc make the OGG/Opus voice samples "
    "(apt-get install espeak-ng ffmpeg opus-tools)",
)


def _voice(tmp_path: Path, text: str, voice: str, encoder: str) -> bytes:
    """``text`` spoken by espeak-ng, as a Telegram voice note: OGG/Opus, mono."""
    wav, ogg = tmp_path / f"{voice}.wav", tmp_path / f"{voice}-{encoder}.ogg"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(wav), text], check=True)
    if encoder == "opusenc":
        subprocess.run(["opusenc", "--quiet", "--downmix-mono", str(wav), str(ogg)], check=True)
    else:
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-c:a", "libopus", "-ac", "1"]
            + ["-b:a", "24k", str(ogg)],
            check=True,
        )
    return ogg.read_bytes()


def _pcm(audio: bytes) -> np.ndarray:
    """16 kHz mono samples of OGG/Opus bytes, decoded by ffmpeg (as PyAV would)."""
    raw = subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", "pipe:0", "-f", "s16le", "-ac", "1"]
        + ["-ar", "16000", "pipe:1"],
        input=audio,
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768.0


class Segment:
    def __init__(self, text: str):
        self.text = text


class FakeWhisperModel:
    """Stands in for faster_whisper.WhisperModel: records how it was built and called, and
    'recognises' the phrase whose spoken length matches the audio it decodes."""

    built: list[tuple[tuple, dict]] = []
    PHRASES = {"ru": ["бумага", " для принтера "], "en": [" printer", "paper "]}

    def __init__(self, *args, **kwargs):
        FakeWhisperModel.built.append((args, kwargs))
        self.calls: list[dict] = []

    def transcribe(self, audio, **options):
        data = audio.read()
        assert data[:4] == b"OggS" and b"OpusHead" in data[:64]  # the voice note as sent
        samples = _pcm(data)
        self.calls.append({"seconds": len(samples) / 16000, "options": options, "pcm": samples})
        words = self.PHRASES.get(options["language"]) or ["?"]
        return (Segment(w) for w in [*words, "  "]), {"language": options["language"]}


@pytest.fixture
def fake_faster_whisper(monkeypatch):
    """A `faster_whisper` module whose WhisperModel is the fake."""
    module = types.ModuleType("faster_whisper")
    module.WhisperModel = FakeWhisperModel
    module.__spec__ = types.SimpleNamespace(name="faster_whisper")
    monkeypatch.setitem(sys.modules, "faster_whisper", module)
    monkeypatch.setattr(speech, "faster_whisper_installed", lambda: True)
    FakeWhisperModel.built = []
    return module


@needs_tools
def test_voice_notes_reach_the_model_in_the_users_language(tmp_path, fake_faster_whisper):
    """SPEECH_RECOGNIZER=faster_whisper with WHISPER_MODEL, WHISPER_DEVICE and
    WHISPER_COMPUTE_TYPE: nothing is loaded at start; the first voice note builds
    WhisperModel(model, device, compute_type, download_root=<state>/whisper) once; each
    Russian or English note (OGG/Opus from opusenc or ffmpeg) reaches transcribe() as the
    same bytes, with language ru/en, beam search and VAD, and its segments come back joined
    and trimmed. An unknown language lets Whisper detect it."""
    config = load_config(
        {
            **GOOD_ENV,
            "SPEECH_RECOGNIZER": "faster_whisper",
            "WHISPER_MODEL": "medium",
            "WHISPER_DEVICE": "cuda",
            "WHISPER_COMPUTE_TYPE": "float16",
            "BOT_STATE_DIR": str(tmp_path / "state"),
        }
    )
    recognize = config.speech_recognizer
    assert isinstance(recognize, speech.FasterWhisperRecognizer)
    assert FakeWhisperModel.built == []  # loaded on first use, not at start
    russian = _voice(tmp_path, "бумага для принтера", "ru", "opusenc")
    english = _voice(tmp_path, "printer paper", "en", "ffmpeg")
    assert recognize(russian, "ru") == "бумага для принтера"
    assert recognize(english, "en") == "printer paper"
    assert recognize(english, "de") == "?"
    assert FakeWhisperModel.built == [
        (
            ("medium",),
            {
                "device": "cuda",
                "compute_type": "float16",
                "download_root": str(tmp_path / "state" / "whisper"),
            },
        )
    ]
    model = recognize._model
    spoken = [_pcm(russian), _pcm(english)]
    for call, expected in zip(model.calls[:2], spoken, strict=True):
        assert call["seconds"] > 0.5  # the speech, not an empty stream
        assert float(np.sqrt(np.mean(call["pcm"] ** 2))) > 0.01
        assert np.array_equal(call["pcm"], expected)
    assert [c["options"]["language"] for c in model.calls] == ["ru", "en", None]
    assert all(c["options"]["vad_filter"] and c["options"]["beam_size"] == 5 for c in model.calls)


@needs_tools
def test_voice_message_is_searched_through_the_adapter(
    tmp_path, fake_faster_whisper, telegram, linked, run_worker
):
    """End to end on the fake Bot API: Anna's Russian voice note is downloaded, recognised
    by the faster-whisper adapter in her language and searched as a product name."""
    recognizer = speech.FasterWhisperRecognizer(speech.WhisperSettings(model="small"))
    running = run_worker(speech_recognizer=recognizer, speech_recognizer_name="faster_whisper")
    running.wait_processed(
        telegram.send_voice(ANNA, _voice(tmp_path, "printer paper", "en", "opusenc"))
    )
    assert [c["query"] for c in linked.called("search_products")] == ["printer paper"]
    assert recognizer._model.calls[0]["options"]["language"] == "en"


def test_faster_whisper_settings_are_checked_at_start(tmp_path, monkeypatch):
    """Without the faster-whisper package, or with a device it does not know, the worker
    stops at start with a clear configuration error instead of failing on the first voice
    note; the plug-in hook (package.module:function) still works."""
    monkeypatch.setattr(speech, "faster_whisper_installed", lambda: False)
    with pytest.raises(ConfigError, match="needs the faster-whisper package"):
        load_config({**GOOD_ENV, "SPEECH_RECOGNIZER": "faster_whisper"})
    monkeypatch.setattr(speech, "faster_whisper_installed", lambda: True)
    with pytest.raises(ConfigError, match="WHISPER_DEVICE"):
        load_config({**GOOD_ENV, "SPEECH_RECOGNIZER": "faster_whisper", "WHISPER_DEVICE": "tpu"})
    with pytest.raises(ConfigError, match="malformed"):
        load_config({**GOOD_ENV, "SPEECH_RECOGNIZER": "faster_whisper", "WHISPER_MODEL": "a b"})
    plugged = load_config({**GOOD_ENV, "SPEECH_RECOGNIZER": "telegram_worker.fmt:parse_date"})
    assert not isinstance(plugged.speech_recognizer, speech.FasterWhisperRecognizer)
    dirs = load_config(
        {**GOOD_ENV, "SPEECH_RECOGNIZER": "faster_whisper", "WHISPER_MODEL_DIR": "/opt/whisper"}
    )
    assert dirs.speech_recognizer.settings == speech.WhisperSettings(model_dir="/opt/whisper")
