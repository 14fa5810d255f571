# The course's commands. `make lab` and `make test` create the environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Tools that nbgrader calls (alembic, jupyter) must come from the course environment.
export PATH := $(abspath $(BIN)):$(PATH)
# Tests and grading run the notebooks in fast mode: small subsets, few epochs.
FAST := COURSE_MODE=fast

.PHONY: help lab test lint bench bench-quick release outputs clean-notebooks check-python

help:
	@echo "make lab       open the course in JupyterLab (creates .venv on first use)"
	@echo "make test      run every test: helpers, notebooks (nbval), release, nbgrader round trip"
	@echo "make release   regenerate notebooks/ (student release) from solutions/"
	@echo "make outputs   re-execute solutions/ in fast mode and store the outputs nbval checks"
	@echo "make lint      ruff over helpers, course_grading, tests and the source notebooks"
	@echo "make bench     measure notebook, autograde and full-mode training times (long)"
	@echo "make bench-quick  the same with fast-mode training (minutes)"

check-python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 10) <= v[:2] <= (3, 13) else "This course needs Python 3.10 to 3.13; found " + sys.version.split()[0] + ". Run make with PYTHON=python3.12 (or another supported version).")'

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# Jupyter refuses to run as root unless told (containers and some servers run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP)
	$(FAST) $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard helpers course_grading tests solutions benchmarks)

# Figures of what students, CI and instructors wait for (see benchmarks/run.py and the README).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks.run --quick --repeat 1 $(BENCH_ARGS)

release: $(STAMP)
	$(BIN)/python -m course_grading.release release $(ASSIGNMENT)

outputs: $(STAMP)
	$(BIN)/python -m course_grading.release outputs

clean-notebooks: $(STAMP)
	$(BIN)/python -m course_grading.release clean

# Grading with nbgrader (INSTRUCTORS.md). Everything lands in this folder: the gradebook
# (gradebook.db), submitted/, autograded/, feedback/ and grades.csv, all ignored by git.
# ASSIGNMENT=01-mnist-data limits a command to one assignment (default: all of solutions/).
.PHONY: help-grading assign collect autograde feedback grades formgrader

help-grading:
	@echo "make assign                      put the assignments of solutions/ into gradebook.db"
	@echo "make collect SUBMISSIONS=folder  copy downloaded notebooks into submitted/<student>/<assignment>/"
	@echo "make autograde                   grade every submission (fast mode, 30 s per cell)"
	@echo "make feedback                    write feedback/<student>/<assignment>/*.html for students"
	@echo "make grades                      export every score to grades.csv"
	@echo "make formgrader                  open JupyterLab for manual review (Nbgrader > Formgrader)"

assign: $(STAMP)
	$(BIN)/python -m course_grading assign $(ASSIGNMENT)

collect: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "Usage: make collect SUBMISSIONS=folder [ASSIGNMENT=name]"; exit 2; }
	$(BIN)/python -m course_grading collect "$(SUBMISSIONS)" $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))

autograde: $(STAMP)
	$(FAST) $(BIN)/python -m course_grading autograde $(ASSIGNMENT)

feedback: $(STAMP)
	$(BIN)/python -m course_grading feedback $(ASSIGNMENT)

grades: $(STAMP)
	$(BIN)/python -m course_grading grades --output grades.csv

formgrader: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_ARGS)
