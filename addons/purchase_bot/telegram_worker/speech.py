"""Voice to text for the worker: the faster-whisper adapter (``SPEECH_RECOGNIZER=faster_whisper``).

Any ``package.module:function`` taking ``(audio: bytes, language: str)`` and returning text
still plugs in instead (config.load_recognizer); this is the one shipped.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

_logger = logging.getLogger(__name__)

FASTER_WHISPER = "faster_whisper"
# the languages of the bot's users; anything else lets Whisper detect the language
LANGUAGES = ("ru", "en")
DEVICES = ("cpu", "cuda", "auto")


@dataclass(frozen=True)
class WhisperSettings:
    """How to load the model: ``model`` is a size (tiny, base, small, medium, large-v3…) or
    the path of a converted model; ``model_dir`` is where sizes are downloaded to on first
    use (or were baked into the image); None: the Hugging Face cache."""

    model: str = "small"
    device: str = "cpu"
    compute_type: str = "int8"
    model_dir: str | None = None
    beam_size: int = 5


def faster_whisper_installed() -> bool:
    return importlib.util.find_spec("faster_whisper") is not None


def load_whisper_model(settings: WhisperSettings):
    """A ``faster_whisper.WhisperModel``; downloads the model the first time it is needed."""
    from faster_whisper import WhisperModel

    _logger.info(
        "Loading the Whisper model %s on %s (%s)",
        settings.model,
        settings.device,
        settings.compute_type,
    )
    return WhisperModel(
        settings.model,
        device=settings.device,
        compute_type=settings.compute_type,
        download_root=settings.model_dir,
    )


class FasterWhisperRecognizer:
    """Transcribes a Telegram voice message (OGG/Opus) with faster-whisper.

    The model is loaded on the first voice message, not at start (a first start may have to
    download it), then kept. faster-whisper decodes the OGG/Opus bytes itself (PyAV). Calls
    are serialised: one model decodes one message at a time and memory stays bounded.
    """

    def __init__(
        self,
        settings: WhisperSettings,
        model_factory: Callable[[WhisperSettings], object] = load_whisper_model,
    ):
        self.settings = settings
        self._model_factory = model_factory
        self._model = None
        self._lock = threading.Lock()

    def __call__(self, audio: bytes, language: str) -> str:
        with self._lock:
            if self._model is None:
                self._model = self._model_factory(self.settings)
            segments, _info = self._model.transcribe(
                io.BytesIO(audio),
                language=language if language in LANGUAGES else None,
                beam_size=self.settings.beam_size,
                vad_filter=True,  # leading and trailing silence makes Whisper invent words
                condition_on_previous_text=False,
            )
            # segments is a generator: the transcription runs while it is read
            return " ".join(text for text in (s.text.strip() for s in segments) if text)
