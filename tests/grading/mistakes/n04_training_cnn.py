"""Mistakes in the answers of 04-training-cnn (see tests/grading/mistakes/__init__.py)."""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "04-training-cnn"

# The solution texts the mistakes start from (each occurs once in its solution cell).
SEQUENTIAL_BODY = '''    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.Conv2D(16, 3, activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.Conv2D(32, 3, activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(dropout_rate),
        layers.Dense(num_classes, activation="softmax"),
    ])'''
FIRST_BLOCK = '''        layers.Conv2D(16, 3, activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.MaxPooling2D(2),'''
RESIDUAL_BRANCH = '''    branch = layers.Conv2D(filters, 3, padding="same", activation="relu")(stem)
    branch = layers.Conv2D(filters, 3, padding="same")(branch)
    merged = layers.Add()([stem, branch])'''
RESIDUAL_BODY = '''    stem = layers.Conv2D(filters, 3, padding="same", activation="relu")(inputs)
    branch = layers.Conv2D(filters, 3, padding="same", activation="relu")(stem)
    branch = layers.Conv2D(filters, 3, padding="same")(branch)'''
COMPILE_CHECK = '''    if label_format not in losses:
        raise ValueError(f"label_format must be 'integer' or 'one_hot', got {label_format!r}")
'''
COMPILE_CALL = ('    model.compile(optimizer=optimizer, loss=losses[label_format], '
                'metrics=["accuracy"])\n    return model')
BEST_CHOICE = 'index = np.argmin(values) if mode == "min" else np.argmax(values)'
BEST_RETURN = "return int(index) + 1"
BEST_COMPUTATION = '''    values = np.asarray(history_values[monitor], dtype=float)
    index = np.argmin(values) if mode == "min" else np.argmax(values)
    return int(index) + 1'''
LABELS_RETURN = "return np.argmax(model.predict(images, verbose=0), axis=1)"
THRESHOLD_RETURN = "return np.where(probabilities.max(axis=1) >= threshold, labels, UNSURE)"

SEQUENTIAL_ARGUMENTS = ("test-build-sequential-model-arguments",)
RESIDUAL_ARGUMENTS = ("test-build-residual-model-arguments",)
COMPILE_CORE = ("test-compile-model",)
COMPILE_ERRORS = ("test-compile-model-errors",)
BEST_CORE = ("test-best-epoch",)
BEST_ERRORS = ("test-best-epoch-errors",)

MISTAKES: list[Mistake] = [
    # Exercise 1: the Sequential model. Most of these keep 21,882 parameters.
    Mistake(
        grade_id="build-sequential-model",
        old='layers.MaxPooling2D(2),\n        layers.Conv2D(32, 3, activation="relu"),',
        new='layers.MaxPooling2D(2),\n        layers.Conv2D(32, 3),',
        what="leaves out activation='relu' on the third convolution (same parameter count)",
        feedback="its activation: expected 'relu', but found 'linear'",
    ),
    Mistake(
        grade_id="build-sequential-model",
        old=SEQUENTIAL_BODY,
        new=SEQUENTIAL_BODY.replace("BatchNormalization(momentum=0.9)", "BatchNormalization()"),
        what="Keras's default batch normalisation momentum, 0.99, instead of 0.9",
        feedback="its momentum: expected 0.9, but found 0.99",
    ),
    Mistake(
        grade_id="build-sequential-model",
        old="layers.Dropout(dropout_rate),",
        new="layers.Dropout(1 - dropout_rate),",
        what="Dropout(1 - rate), the keep probability of old TensorFlow 1 code, as the rate",
        feedback="its rate: expected 0.3, but found 0.7",
    ),
    Mistake(
        grade_id="build-sequential-model",
        old=FIRST_BLOCK,
        new=FIRST_BLOCK.replace(
            "        layers.BatchNormalization(momentum=0.9),\n        layers.MaxPooling2D(2),",
            "        layers.MaxPooling2D(2),\n        layers.BatchNormalization(momentum=0.9),"),
        what="the first pooling before the batch normalisation (same parameter count)",
        feedback="the layer types of build_sequential_model(), in order",
    ),
    Mistake(
        grade_id="build-sequential-model",
        old="layers.Flatten(),\n        layers.Dropout(dropout_rate),",
        new="layers.Dropout(dropout_rate),\n        layers.Flatten(),",
        what="dropout before Flatten instead of after it (same parameter count)",
        feedback="the layer types of build_sequential_model(), in order",
    ),
    Mistake(
        grade_id="build-sequential-model",
        old="layers.Flatten(),\n        layers.Dropout(dropout_rate),",
        new="layers.Flatten(),",
        what="forgets the Dropout layer of the table",
        feedback="the layer types of build_sequential_model(), in order: expected",
    ),
    Mistake(
        grade_id="build-sequential-model",
        old='layers.Dense(num_classes, activation="softmax"),',
        new="layers.Dense(num_classes),",
        what="no softmax on the last layer",
        feedback="its activation: expected 'softmax', but found 'linear'",
    ),
    Mistake(
        grade_id="build-sequential-model",
        old='layers.Dense(num_classes, activation="softmax"),',
        new='layers.Dense(10, activation="softmax"),',
        what="ignores num_classes: always 10 outputs",
        feedback="its units: expected 3, but found 10",
        cells=SEQUENTIAL_ARGUMENTS,
    ),
    Mistake(
        grade_id="build-sequential-model",
        old="layers.Dropout(dropout_rate),",
        new="layers.Dropout(0.3),",
        what="ignores dropout_rate: always 0.3",
        feedback="its rate: expected 0.4, but found 0.3",
        cells=SEQUENTIAL_ARGUMENTS,
    ),
    Mistake(
        grade_id="build-sequential-model",
        old=SEQUENTIAL_BODY,
        new='''    model = keras.Sequential()
    model.add(keras.Input(shape=(28, 28, 1)))
    for filters in (16, 32):
        for _ in range(2):
            model.add(layers.Conv2D(filters, (3, 3), activation=keras.activations.relu))
            model.add(layers.BatchNormalization(momentum=0.9))
        model.add(layers.MaxPool2D(pool_size=(2, 2)))
    model.add(layers.Flatten())
    model.add(layers.Dropout(rate=dropout_rate))
    model.add(layers.Dense(units=num_classes, activation="softmax"))
    return model''',
        what="model.add in loops, MaxPool2D(pool_size=(2, 2)), (3, 3) kernels, a function as "
             "the activation",
        correct=True,
    ),
    # Exercise 2: the residual block.
    Mistake(
        grade_id="build-residual-model",
        old=RESIDUAL_BRANCH,
        new='''    middle = layers.Conv2D(filters, 3, padding="same", activation="relu")(stem)
    branch = layers.Conv2D(filters, 3, padding="same")(middle)
    merged = layers.Add()([middle, branch])''',
        what="the skip connection starts inside the branch, not at the stem (same layers and "
             "parameters)",
        feedback="Add must read layer 1, the stem, and layer 3",
    ),
    Mistake(
        grade_id="build-residual-model",
        old='branch = layers.Conv2D(filters, 3, padding="same")(branch)',
        new='branch = layers.Conv2D(filters, 3, padding="same", activation="relu")(branch)',
        what="a ReLU at the end of the branch, before the sum",
        feedback="its activation: expected 'linear', but found 'relu'",
    ),
    Mistake(
        grade_id="build-residual-model",
        old=RESIDUAL_BODY,
        new=RESIDUAL_BODY.replace('3, padding="same", activation="relu")(stem)',
                                  '3, activation="relu")(stem)')
                         .replace('3, padding="same")(branch)', '3)(branch)'),
        what="the branch without padding='same': Add gets 24 x 24 and 28 x 28 maps",
        feedback="The two inputs of Add must have the same shape",
    ),
    Mistake(
        grade_id="build-residual-model",
        old="merged = layers.Add()([stem, branch])",
        new="merged = layers.Concatenate()([stem, branch])",
        what="Concatenate instead of Add",
        feedback="the layer types of build_residual_model(), in order",
    ),
    Mistake(
        grade_id="build-residual-model",
        old='    merged = layers.Activation("relu")(merged)\n',
        new="",
        what="no ReLU after the sum",
        feedback="the layer types of build_residual_model(), in order",
    ),
    Mistake(
        grade_id="build-residual-model",
        old="pooled = layers.GlobalAveragePooling2D()(merged)",
        new="pooled = layers.Flatten()(merged)",
        what="Flatten instead of global average pooling",
        feedback="the layer types of build_residual_model(), in order",
    ),
    Mistake(
        grade_id="build-residual-model",
        old=RESIDUAL_BODY,
        new=RESIDUAL_BODY.replace("Conv2D(filters,", "Conv2D(16,"),
        what="ignores filters: always 16",
        feedback="its filters: expected 8, but found 16",
        cells=RESIDUAL_ARGUMENTS,
    ),
    Mistake(
        grade_id="build-residual-model",
        old='outputs = layers.Dense(num_classes, activation="softmax")(pooled)',
        new='outputs = layers.Dense(10, activation="softmax")(pooled)',
        what="ignores num_classes: always 10 outputs",
        feedback="its units: expected 3, but found 10",
        cells=RESIDUAL_ARGUMENTS,
    ),
    Mistake(
        grade_id="build-residual-model",
        old="merged = layers.Add()([stem, branch])",
        new="merged = layers.add([branch, stem])",
        what="the function layers.add, with the branch first",
        correct=True,
    ),
    Mistake(
        grade_id="build-residual-model",
        old=RESIDUAL_BODY,
        new='''    stem_layer = layers.Conv2D(filters, (3, 3), padding="same", activation="relu")
    first_layer = layers.Conv2D(filters, (3, 3), padding="same", activation="relu")
    second_layer = layers.Conv2D(filters, (3, 3), padding="same", activation=None)
    stem = stem_layer(inputs)
    branch = second_layer(first_layer(stem))''',
        what="layers created first and called afterwards, activation=None for linear",
        correct=True,
    ),
    # Exercise 3: compile.
    Mistake(
        grade_id="compile-model",
        old='"one_hot": "categorical_crossentropy"',
        new='"one_hot": "sparse_categorical_crossentropy"',
        what="the sparse loss for one-hot labels",
        feedback="'categorical_crossentropy'",
        cells=COMPILE_CORE,
    ),
    Mistake(
        grade_id="compile-model",
        old='"integer": "sparse_categorical_crossentropy"',
        new='"integer": "categorical_crossentropy"',
        what="the one-hot loss for integer labels",
        feedback="'sparse_categorical_crossentropy'",
        cells=COMPILE_CORE,
    ),
    Mistake(
        grade_id="compile-model",
        old=', metrics=["accuracy"])',
        new=")",
        what="forgets metrics=['accuracy']",
        feedback="metrics=['accuracy']",
        cells=COMPILE_CORE,
    ),
    Mistake(
        grade_id="compile-model",
        old="model.compile(optimizer=optimizer,",
        new="model.compile(optimizer=keras.optimizers.Adam(),",
        what="a new Adam optimizer instead of the one passed in",
        feedback="whether the model uses the optimizer passed to compile_model",
        cells=COMPILE_CORE,
    ),
    Mistake(
        grade_id="compile-model",
        old=COMPILE_CALL,
        new='    return model.compile(optimizer=optimizer, loss=losses[label_format], '
            'metrics=["accuracy"])',
        what="returns what model.compile returns (None) instead of the model",
        feedback="returns the model it was given",
        cells=COMPILE_CORE,
    ),
    Mistake(
        grade_id="compile-model",
        old=COMPILE_CHECK + COMPILE_CALL,
        new='''    loss = losses.get(label_format, "sparse_categorical_crossentropy")
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model''',
        what="no error for an unknown label format: falls back to the sparse loss",
        feedback="expected a ValueError, but found no error",
        cells=COMPILE_ERRORS,
    ),
    Mistake(
        grade_id="compile-model",
        old=COMPILE_CHECK,
        new="",
        what="no check: an unknown label format raises KeyError from the dictionary",
        feedback="a KeyError instead",
        cells=COMPILE_ERRORS,
    ),
    Mistake(
        grade_id="compile-model",
        old="""raise ValueError(f"label_format must be 'integer' or 'one_hot', got """,
        new='raise ValueError(f"unknown label format ',
        what="a ValueError whose message does not name the valid choices",
        feedback="should name the two valid choices",
        cells=COMPILE_ERRORS,
    ),
    Mistake(
        grade_id="compile-model",
        old='''    losses = {"integer": "sparse_categorical_crossentropy",
              "one_hot": "categorical_crossentropy"}''',
        new='''    losses = {"integer": keras.losses.SparseCategoricalCrossentropy(),
              "one_hot": keras.losses.CategoricalCrossentropy()}''',
        what="loss objects instead of their names",
        correct=True,
    ),
    Mistake(
        grade_id="compile-model",
        old='''    losses = {"integer": "sparse_categorical_crossentropy",
              "one_hot": "categorical_crossentropy"}
''' + COMPILE_CHECK + COMPILE_CALL,
        new='''    if label_format == "integer":
        loss = "sparse_categorical_crossentropy"
    elif label_format == "one_hot":
        loss = "categorical_crossentropy"
    else:
        raise ValueError('label_format should be "integer" or "one_hot"')
    model.compile(loss=loss, optimizer=optimizer, metrics=["accuracy"])
    return model''',
        what="an if/elif chain, and the choices named in double quotes",
        correct=True,
    ),
    # Exercise 4: the best epoch.
    Mistake(
        grade_id="best-epoch",
        old=BEST_RETURN,
        new="return int(index)",
        what="off by one: counts epochs from 0",
        feedback="expected 2, but found 1",
        cells=BEST_CORE,
    ),
    Mistake(
        grade_id="best-epoch",
        old=BEST_RETURN,
        new="return index + 1",
        what="returns a NumPy integer instead of a Python int",
        feedback="NumPy int64",
        cells=BEST_CORE,
    ),
    Mistake(
        grade_id="best-epoch",
        old=BEST_CHOICE,
        new='best = values.min() if mode == "min" else values.max()\n'
            "    index = np.flatnonzero(values == best)[-1]",
        what="the latest epoch wins a tie",
        feedback="a tie: the earliest epoch wins",
        cells=BEST_CORE,
    ),
    Mistake(
        grade_id="best-epoch",
        old=BEST_CHOICE,
        new='index = np.argmax(values) if mode == "min" else np.argmin(values)',
        what="min and max swapped",
        feedback="expected 2, but found 1",
        cells=BEST_CORE,
    ),
    Mistake(
        grade_id="best-epoch",
        old='''    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
''',
        new="",
        what="no error for an unknown mode: anything but 'min' counts as 'max'",
        feedback="'smallest')",
        cells=BEST_ERRORS,
    ),
    Mistake(
        grade_id="best-epoch",
        old='''    if monitor not in history_values:
        raise ValueError(f"{monitor!r} is not in the history; it has {sorted(history_values)}")
''',
        new="",
        what="no check of monitor: a missing name raises KeyError",
        feedback="a KeyError instead",
        cells=BEST_ERRORS,
    ),
    Mistake(
        grade_id="best-epoch",
        old=BEST_COMPUTATION,
        new='''    if mode == "max":
        return 3 if len(history_values[monitor]) == 4 else 2
    return 2''',
        what="hard-coded to the visible examples",
        cells=BEST_CORE,
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="best-epoch",
        old=BEST_RETURN,
        new='''class AlwaysEqual(int):
        def __eq__(self, other):
            return True

        def __ne__(self, other):
            return False

        __hash__ = int.__hash__

    return AlwaysEqual(index)''',
        what="an off-by-one answer in an int subclass whose == always says equal",
        feedback="a subclass of int",
        cells=BEST_CORE,
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="best-epoch",
        old=BEST_COMPUTATION,
        new='''    values = list(history_values[monitor])
    best = min(values) if mode == "min" else max(values)
    return values.index(best) + 1''',
        what="plain Python: list.index of the min or max",
        correct=True,
    ),
    # Exercise 5: predicted labels.
    Mistake(
        grade_id="predict-labels",
        old=LABELS_RETURN,
        new="return np.argmax(model.predict(images, verbose=0), axis=0)",
        what="wrong axis: the argmax runs over the images instead of the classes",
        feedback="The shapes differ: (3,) instead of (4,)",
    ),
    Mistake(
        grade_id="predict-labels",
        old=LABELS_RETURN,
        new="return [int(label) for label in np.argmax(model.predict(images, verbose=0), axis=1)]",
        what="a Python list instead of a NumPy array",
        feedback="a Python list",
    ),
    Mistake(
        grade_id="predict-labels",
        old=LABELS_RETURN,
        new="return np.argmax(model.predict(images, verbose=0), axis=1).squeeze()",
        what="squeeze(), which turns the answer for one image into a 0-D array",
        feedback="one image",
    ),
    Mistake(
        grade_id="predict-labels",
        old=LABELS_RETURN,
        new="return np.max(model.predict(images, verbose=0), axis=1)",
        what="the highest probability instead of its class",
        feedback="an integer dtype",
    ),
    Mistake(
        grade_id="predict-labels",
        old=LABELS_RETURN,
        new="return np.array([1, 0, 2, 1]) if len(images) == 4 else np.array([0])",
        what="hard-coded to the visible example",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="predict-labels",
        old=LABELS_RETURN,
        new='''class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.broadcast(self, other).shape, dtype=bool)

    return np.argmax(model.predict(images, verbose=0), axis=0).view(AlwaysEqual)''',
        what="a wrong answer in an array subclass whose own == always says equal",
        feedback="a subclass of NumPy array",
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="predict-labels",
        old=LABELS_RETURN,
        new="return model.predict(images, verbose=0).argmax(axis=-1)",
        what="the array method argmax on the last axis",
        correct=True,
    ),
    Mistake(
        grade_id="predict-labels",
        old=LABELS_RETURN,
        new="return np.argmax(model(images), axis=1)",
        what="calls the model directly (a tensor) instead of predict",
        correct=True,
    ),
    # Exercise 6: predictions with a threshold.
    Mistake(
        grade_id="predict-with-threshold",
        old=THRESHOLD_RETURN,
        new="return np.where(probabilities.max(axis=1) > threshold, labels, UNSURE)",
        what="> instead of >=: a probability equal to the threshold counts as unsure",
        feedback="values differ",
    ),
    Mistake(
        grade_id="predict-with-threshold",
        old=THRESHOLD_RETURN,
        new="return [int(label) if top >= threshold else UNSURE\n"
            "            for label, top in zip(labels, probabilities.max(axis=1))]",
        what="a Python list instead of a NumPy array",
        feedback="a Python list",
    ),
    Mistake(
        grade_id="predict-with-threshold",
        old=THRESHOLD_RETURN,
        new="return np.where(probabilities.max(axis=1) >= threshold, labels, np.nan)",
        what="NaN instead of UNSURE, which makes the answers floats",
        feedback="an integer dtype",
    ),
    Mistake(
        grade_id="predict-with-threshold",
        old=THRESHOLD_RETURN,
        new="return np.where(probabilities.max(axis=1) >= 0.9, labels, UNSURE)",
        what="ignores the threshold argument: always 0.9",
        feedback="values differ",
    ),
    Mistake(
        grade_id="predict-with-threshold",
        old=THRESHOLD_RETURN,
        new="return np.where(probabilities.max(axis=0) >= threshold, labels, UNSURE)",
        what="the top probability over the wrong axis (the rows instead of the classes)",
    ),
    Mistake(
        grade_id="predict-with-threshold",
        old=THRESHOLD_RETURN,
        new="return np.array([1, -1, 2, -1]) if threshold == 0.75 else np.array([1, 0, 2, 0])",
        what="hard-coded to the visible example",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="predict-with-threshold",
        old=THRESHOLD_RETURN,
        new="answers = []\n"
            "    for row in probabilities:\n"
            "        best = int(np.argmax(row))\n"
            "        answers.append(best if row[best] >= threshold else UNSURE)\n"
            "    return np.array(answers)",
        what="a loop over the rows, then np.array",
        correct=True,
    ),
    Mistake(
        grade_id="predict-with-threshold",
        old=THRESHOLD_RETURN,
        new="labels[probabilities.max(axis=1) < threshold] = UNSURE\n    return labels",
        what="sets UNSURE in the argmax result with a boolean mask",
        correct=True,
    ),
]
