"""Shared code for the CNN course notebooks.

Import modules, not objects, so that a cell says where a function comes from::

    from helpers import checks, data, plots, settings

* ``settings``: fast/full mode, training budgets, seeds, quiet TensorFlow (all notebooks).
* ``data``: MNIST and CIFAR-10 loading from a data folder or Keras's cache (all notebooks).
* ``plots``: image grids, bar charts and learning curves (all notebooks).
* ``checks``: strict, friendly checks for the visible and hidden tests (all notebooks).
* ``layers``: a per-layer table (output shape, parameters) of any Keras model (03 onwards).
* ``convolution``: hand-made kernels, feature maps and the explorer of kernel size, stride and
  padding (03).
* ``features``: a trained CNN's filters and feature maps, and accuracy bars (04).
* ``training``: live learning curves and training utilities (04, 06).
* ``saved_models``: where trained models are saved, and loading them without importing
  TensorFlow first (04, 05, 06).
* ``evaluation``: confusion-matrix heatmaps and tables (05, 06).
* ``augmentation``: one image shown augmented many times (06).
* ``progress``: the self-check every release notebook ends with (01-06).
* ``workspace``: the student's own copy of the notebooks that ``make lab`` opens.

No module here holds the answer to an exercise.
"""

# Importing settings first sets TensorFlow's log level before anything imports TensorFlow.
from helpers import settings  # noqa: F401

__all__ = ["settings"]
