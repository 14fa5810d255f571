# The course's commands. `make lab` and `make test` create the environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The course's extras (pyproject.toml): TensorFlow for the CPU, or with CUDA for an NVIDIA GPU on
# Linux (`make lab GPU=1`), plus JupyterLab, nbgrader and the test tools. The stamp names the
# TensorFlow variant, so switching between them reinstalls.
# The choice is remembered: `make lab GPU=0` goes back to the CPU build.
GPU ?= $(if $(wildcard $(VENV)/.installed-gpu),1,)
TENSORFLOW_EXTRA := $(if $(filter-out 0 no false,$(GPU)),gpu,cpu)
OTHER_TENSORFLOW_EXTRA := $(if $(filter gpu,$(TENSORFLOW_EXTRA)),cpu,gpu)
EXTRAS := $(TENSORFLOW_EXTRA),lab,grading,dev
STAMP := $(VENV)/.installed-$(TENSORFLOW_EXTRA)
# Tools that nbgrader calls (alembic, jupyter) must come from the course environment.
export PATH := $(abspath $(BIN)):$(PATH)
# Tests and grading run the notebooks in fast mode: small subsets, few epochs.
FAST := COURSE_MODE=fast

.PHONY: help lab test lint bench bench-quick release outputs clean-notebooks check-python

help:
	@echo "make lab       open the course in JupyterLab (creates .venv on first use)"
	@echo "make lab GPU=1  the same with TensorFlow for an NVIDIA GPU (Linux); GPU=0 goes back"
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
	@# tensorflow-cpu and tensorflow install the same module: remove the build being replaced.
	@if [ $(TENSORFLOW_EXTRA) = gpu ] && $(BIN)/python -m pip show --quiet tensorflow-cpu 2>/dev/null; \
		then $(BIN)/python -m pip uninstall --quiet --yes tensorflow-cpu; fi
	@if [ $(TENSORFLOW_EXTRA) = cpu ] && [ -e $(VENV)/.installed-gpu ]; \
		then $(BIN)/python -m pip uninstall --quiet --yes tensorflow; fi
	@rm -f $(VENV)/.installed-$(OTHER_TENSORFLOW_EXTRA) $(VENV)/.installed-stamp
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

# Jupyter refuses to run as root unless told (containers and some servers run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# Students work in their own copy, $(WORKSPACE)/ (ignored by git, never overwritten; course
# updates arrive beside it: helpers/workspace.py), with the student tools only
# (jupyter-config/student: no nbgrader instructor tools). The first page is START-HERE.md.
WORKSPACE ?= my-work
RELEASE ?= notebooks
lab: $(STAMP)
	$(BIN)/python -m helpers.workspace --release "$(RELEASE)" --workspace "$(WORKSPACE)"
	JUPYTER_CONFIG_PATH="$(abspath jupyter-config/student)" $(BIN)/jupyter lab \
		--ServerApp.root_dir="$(WORKSPACE)" --LabApp.default_url=/lab/tree/START-HERE.md \
		$(ROOT_FLAG) $(LAB_ARGS)

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
.PHONY: help-grading assign collect autograde feedback grades formgrader publish \
	publish-self-study

help-grading:
	@echo "make assign                      put the assignments of solutions/ into gradebook.db"
	@echo "make collect SUBMISSIONS=zip     an LMS's zip or a folder into submitted/<student>/<assignment>/"
	@echo "make autograde                   grade every submission (fast mode, 30 s per cell), each in a sandbox"
	@echo "     JOBS=N                        ...N at a time (default: the number of cores)"
	@echo "     SCHEDULER=tcp://host:8786     ...on the workers of a Dask cluster"
	@echo "     UNSAFE=1                      ...WITHOUT the sandbox (trusted notebooks only)"
	@echo "make feedback                    write feedback/<student>/<assignment>/*.html for students"
	@echo "make grades                      grades.csv, grades-canvas.csv, grades-by-question.csv"
	@echo "make publish DEST=folder         write the student edition (for the public repository)"
	@echo "make formgrader                  open JupyterLab for manual review (Nbgrader > Formgrader)"

assign: $(STAMP)
	$(BIN)/python -m course_grading assign $(ASSIGNMENT)

# SUBMISSIONS: an LMS's zip or a folder. LMS=canvas|moodle|blackboard|names (default: detected),
# ARCHIVE_TIMES=1: the times stored in the zip are the submission times (not for Canvas).
collect: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "Usage: make collect SUBMISSIONS=zip-or-folder [ASSIGNMENT=name] [LMS=canvas] [ARCHIVE_TIMES=1]"; exit 2; }
	$(BIN)/python -m course_grading collect "$(SUBMISSIONS)" $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) \
		$(if $(LMS),--lms $(LMS)) $(if $(filter 1 yes true,$(ARCHIVE_TIMES)),--archive-times)

# JOBS: submissions executed at once (default: the cores); SCHEDULER: a Dask scheduler's
# address; UNSAFE=1: no sandbox (INSTRUCTORS.md, "Grading a class").
autograde: $(STAMP)
	$(FAST) $(BIN)/python -m course_grading autograde $(ASSIGNMENT) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(if $(filter 1 yes true,$(UNSAFE)),--unsafe-no-sandbox)

feedback: $(STAMP)
	$(BIN)/python -m course_grading feedback $(ASSIGNMENT)

# grades.csv, grades-canvas.csv (ROSTER=Canvas's gradebook export adds SIS ids and sections)
# and grades-by-question.csv.
grades: $(STAMP)
	$(BIN)/python -m course_grading grades --output grades.csv $(if $(ROSTER),--roster "$(ROSTER)")

# The student edition (course_grading/publish.py): DEST must be a new or empty folder.
publish: $(STAMP)
	@test -n "$(DEST)" || { echo "Usage: make publish DEST=folder (a new or empty folder)"; exit 2; }
	$(BIN)/python -m course_grading.publish "$(DEST)"

# A self-study edition: the same plus answers/ (every answer, no hidden test). On purpose only,
# into a repository of its own (INSTRUCTORS.md, "Publishing the student edition").
publish-self-study: $(STAMP)
	@test -n "$(DEST)" || { echo "Usage: make publish-self-study DEST=folder"; exit 2; }
	$(BIN)/python -m course_grading.publish "$(DEST)" --self-study

# Instructors: JupyterLab on the course folder with every nbgrader tool (Nbgrader > Formgrader).
formgrader: $(STAMP)
	JUPYTER_CONFIG_PATH="$(abspath jupyter-config/instructor)" $(BIN)/jupyter lab \
		--ServerApp.root_dir=. $(ROOT_FLAG) $(LAB_ARGS)
