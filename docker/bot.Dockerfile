# The Telegram worker of purchase_bot: a python-telegram-bot process that talks to Odoo over
# JSON-2 (it never imports Odoo). State (handled update ids, conversations) lives in the
# volume mounted at /var/lib/purchase-bot.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app/addons/purchase_bot \
    BOT_STATE_DIR=/var/lib/purchase-bot \
    MPLCONFIGDIR=/tmp/matplotlib
COPY addons/purchase_bot/telegram_worker/requirements.txt /tmp/bot-requirements.txt
RUN pip install --no-cache-dir -r /tmp/bot-requirements.txt \
    && rm /tmp/bot-requirements.txt \
    && useradd --system --uid 10001 --home-dir /var/lib/purchase-bot --shell /usr/sbin/nologin bot \
    && mkdir -p /var/lib/purchase-bot \
    && chown bot /var/lib/purchase-bot \
    && chmod 700 /var/lib/purchase-bot
# Voice (SPEECH_RECOGNIZER=faster_whisper): --build-arg FASTER_WHISPER=1 installs
# faster-whisper, and the model is downloaded on the first voice message into the state
# volume; --build-arg WHISPER_BAKE_MODEL=small (tiny, base, small, medium, large-v3) also
# bakes that model into the image (/opt/whisper), so the bot never downloads it.
ARG FASTER_WHISPER=""
ARG WHISPER_BAKE_MODEL=""
RUN if [ -n "$FASTER_WHISPER$WHISPER_BAKE_MODEL" ]; then \
        pip install --no-cache-dir "faster-whisper>=1.0,<2"; \
    fi \
    && if [ -n "$WHISPER_BAKE_MODEL" ]; then \
        python -c "import sys; from faster_whisper import WhisperModel; WhisperModel(sys.argv[1], device='cpu', compute_type='int8', download_root='/opt/whisper')" "$WHISPER_BAKE_MODEL" \
        && chmod -R a+rX /opt/whisper; \
    fi
ENV WHISPER_MODEL=${WHISPER_BAKE_MODEL:-small} \
    WHISPER_MODEL_DIR=${WHISPER_BAKE_MODEL:+/opt/whisper}
# the whole addon: the worker reads its translations from purchase_bot/i18n/<lang>.po
COPY addons/purchase_bot /app/addons/purchase_bot
USER bot
WORKDIR /var/lib/purchase-bot
VOLUME ["/var/lib/purchase-bot"]
CMD ["python", "-m", "telegram_worker"]
