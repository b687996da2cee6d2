# Two commands on a fresh machine: `make run` and `make test`. Everything else is installed from here.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8080
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install run serve ingest test lint bench bench-ops bench-size chromium clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

ingest: install
	$(VENV)/bin/partnership ingest knowledge

run: install ingest
	$(VENV)/bin/partnership serve --host $(HOST) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check assistant ingestion tests bench
	$(VENV)/bin/mypy

test: install chromium lint
	@$(PY) -m pytest; status=$$?; echo "Screenshots of each web page screen: $(CURDIR)/tests/artifacts/"; exit $$status

bench: install
	$(PY) -m bench.run

# Knowledge bases of 1x, 10x and 100x the corpus, embedded vs. servers (about 20 minutes; niced: it shares the cores).
bench-size: install
	nice -n 19 $(PY) -m bench.size --sizes 100 10 1 --real-up-to 10 > bench/results/size.md

# The long operational benchmarks (about 100 minutes); each writes its section into bench/results/.
bench-ops: install bench-size
	$(PY) -m bench.reload > bench/results/reload.md
	$(PY) -m bench.escalations > bench/results/escalations.md
	$(PY) -m bench.scale --requests 200 --concurrency 4 > bench/results/scale.md
	$(PY) -m bench.api_load --requests 100 > bench/results/api_load.md
	$(PY) -m bench.run

clean:
	rm -rf .data .pytest_cache .mypy_cache .ruff_cache
