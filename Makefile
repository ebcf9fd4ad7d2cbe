# Every target creates the virtual environment itself when it is missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

RAW       ?= data/raw
PROCESSED ?= data/processed
SHARED    ?= ../shared
REPORTS   ?= reports

.PHONY: setup setup-spark extract test bench-quick eval eval-html eval-invented eval-heldout eval-shared eval-classify train bench crawl query notebooks report lab validate clean-processed

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# optional: pyspark in the venv, so the Spark reader test runs instead of skipping
setup-spark: $(STAMP)
	$(PY) -m pip install --quiet -e '.[spark]'

extract: $(STAMP)
	$(VENV)/bin/pipeline extract $(RAW) --out $(PROCESSED)

# pytest exits 5 when it collects no test: that is a failure of the suite, say so.
test: $(STAMP)
	$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi; exit $$rc

eval: $(STAMP)
	$(VENV)/bin/pipeline eval tests/gold data/raw --floors tests/gold/floors.json
	$(MAKE) --no-print-directory eval-html
	$(MAKE) --no-print-directory eval-invented
	$(MAKE) --no-print-directory eval-heldout

# the HTML cleaner against plain trafilatura on the saved pages of tests/fixtures/html (V=1 lists every miss)
eval-html: $(STAMP)
	$(PY) -m pipeline.clean.html_eval tests/fixtures/html/gold tests/fixtures/html --floors tests/fixtures/html/floors.json $(if $(V),--verbose)

# the real pages of ../shared when present: the five seeds, then the development set (V=1 lists every miss)
eval-shared: $(STAMP)
	@if [ -d $(SHARED)/gold ] && [ -d $(SHARED)/seeds ]; then \
	  echo "== $(SHARED)/seeds"; $(VENV)/bin/pipeline eval $(SHARED)/gold $(SHARED)/seeds --floors tests/shared_floors/seeds.json $(if $(V),--verbose) || rc=1; \
	else echo "$(SHARED)/seeds not found: skipped"; fi; \
	if [ -d $(SHARED)/dev/gold ]; then \
	  echo "== $(SHARED)/dev"; $(VENV)/bin/pipeline eval $(SHARED)/dev/gold $(SHARED)/dev/texts \
	    $(if $(wildcard $(SHARED)/dev/manifest.tsv),--urls $(SHARED)/dev/manifest.tsv) --floors tests/shared_floors/dev.json $(if $(V),--verbose) || rc=1; \
	else echo "$(SHARED)/dev not found: skipped"; fi; \
	exit $${rc:-0}

# fourteen invented pages annotated blind, read miss by miss (tests/invented_dev/README.md; V=1 lists every miss)
eval-invented: $(STAMP)
	$(VENV)/bin/pipeline eval tests/invented_dev/gold tests/invented_dev/texts --floors tests/invented_dev/floors.json $(if $(V),--verbose)

# sixteen pages annotated blind (tests/heldout/README.md): read the summary only
eval-heldout: $(STAMP)
	$(VENV)/bin/pipeline eval tests/heldout/gold tests/heldout/texts --floors tests/heldout/floors.json

eval-classify: $(STAMP)
	$(PY) -m pipeline.classify.evaluate

train: $(STAMP)
	$(PY) -m pipeline.classify.training

bench: $(STAMP)
	$(PY) -m tools.bench

bench-quick: $(STAMP)
	$(PY) -m tools.bench --quick

crawl: $(STAMP)
	$(VENV)/bin/pipeline crawl --seeds data/seeds.txt --out $(RAW)

query: $(STAMP)
	$(VENV)/bin/pipeline query "$(Q)" --data $(PROCESSED)

notebooks: $(STAMP)
	test -f $(PROCESSED)/articles.parquet || $(MAKE) extract
	$(PY) tools/run_notebooks.py --data $(PROCESSED) --out $(REPORTS)/notebooks

report: $(STAMP)
	$(VENV)/bin/pipeline report --data $(PROCESSED) --output $(REPORTS)/report.html

# JupyterLab (the [notebooks] extra) on the notebooks; the settings file of .venv makes a
# double click open a .py notebook as a notebook through jupytext (else it opens as text)
lab: $(STAMP)
	$(PY) -m pip install --quiet -e '.[notebooks]'
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/jupyterlab_overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	PROCESSED_DIR=$(abspath $(PROCESSED)) $(VENV)/bin/jupyter lab notebooks/

validate: $(STAMP)
	$(VENV)/bin/pipeline validate $(PROCESSED)

clean-processed:
	rm -rf $(PROCESSED)/*.parquet $(PROCESSED)/dataset.json $(PROCESSED)/current $(PROCESSED)/.versions $(PROCESSED)/.state $(PROCESSED)/dataset
