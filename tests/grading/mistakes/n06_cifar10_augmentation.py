"""Mistakes in the answers of 06-cifar10-augmentation (see tests/grading/mistakes/__init__.py).

Per exercise: the slips of issue 10 and the kinds of its section 1b that apply (a wrong type or
dtype, an axis, an order, a layer setting that keeps the parameter count, an input changed in
place, a missing check), an answer fitted to the visible example only, and right answers written
another way.
"""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "06-cifar10-augmentation"

CROP = "random-crop-and-flip"
CROP_CORE = ("test-random-crop-and-flip",)
CROP_EDGES = ("test-random-crop-and-flip-edges",)
AUGMENTER = "build-augmenter"
AUGMENTER_CORE = ("test-build-augmenter",)
AUGMENTER_ZERO = ("test-build-augmenter-zero",)
MODEL = "build-cifar-model"
FIELD = "receptive-field"
FIELD_CORE = ("test-receptive-field",)
FIELD_EDGES = ("test-receptive-field-edges",)
FLIP = "predict-with-flip"

# The loop of the solution that draws a window and a flip for each image.
CROP_LOOP = """    for index in range(len(images)):
        row = rng.integers(0, 2 * padding + 1)
        column = rng.integers(0, 2 * padding + 1)
        window = padded[index, row:row + height, column:column + width]
        augmented[index] = window[:, ::-1] if rng.random() < 0.5 else window"""

# The body of the solution of build_cifar_model, from the input to the head.
MODEL_BODY = """    inputs = keras.Input(shape=(32, 32, 3))
    outputs = augmenter(inputs) if augmenter is not None else inputs
    outputs = conv_bn_relu(outputs, 16)
    outputs = keras.layers.MaxPooling2D()(outputs)
    for filters in (32, 64, 128):
        outputs = conv_bn_relu(outputs, filters)
        outputs = conv_bn_relu(outputs, filters)
        if filters != 128:
            outputs = keras.layers.MaxPooling2D()(outputs)"""

# The two predict calls of the solution of predict_with_flip.
FLIP_CALLS = """    direct = model.predict(images, batch_size=batch_size, verbose=0)
    mirrored = model.predict(images[:, :, ::-1, :], batch_size=batch_size, verbose=0)"""

MISTAKES: list[Mistake] = [
    # Exercise 1: random crop and flip in NumPy.
    Mistake(
        grade_id=CROP,
        old="window[:, ::-1] if",
        new="window[::-1] if",
        what="mirrors the window upside down (the height axis) instead of left-right",
        feedback="flipped upside down",
    ),
    Mistake(
        grade_id=CROP,
        old="""    for index in range(len(images)):
        row = rng.integers(0, 2 * padding + 1)
        column = rng.integers(0, 2 * padding + 1)
""",
        new="""    row = rng.integers(0, 2 * padding + 1)  # One position for the whole batch.
    column = rng.integers(0, 2 * padding + 1)
    for index in range(len(images)):
""",
        what="draws one window position for the whole batch instead of one per image",
        feedback="window positions",
        cells=CROP_CORE,
    ),
    Mistake(
        grade_id=CROP,
        old="augmented = np.empty_like(images)",
        new="augmented = np.zeros(images.shape)",
        what="builds the result with np.zeros(shape), which is float64, not the input's dtype",
        feedback="dtype uint8",
        cells=CROP_CORE,
    ),
    Mistake(
        grade_id=CROP,
        old="""        row = rng.integers(0, 2 * padding + 1)
        column = rng.integers(0, 2 * padding + 1)""",
        new="""        row = rng.integers(0, 2 * padding)
        column = rng.integers(0, 2 * padding)""",
        what="off by one: never draws the last window position (and fails for padding 0)",
        feedback="window positions",
    ),
    Mistake(
        grade_id=CROP,
        old=CROP_LOOP,
        new="""    for index in range(len(images)):
        row = np.random.randint(0, 2 * padding + 1)  # NumPy's global generator, not rng.
        column = np.random.randint(0, 2 * padding + 1)
        window = padded[index, row:row + height, column:column + width]
        augmented[index] = window[:, ::-1] if np.random.rand() < 0.5 else window""",
        what="draws from NumPy's global generator instead of rng, so a seed repeats nothing",
        feedback="the same seed must give the same result",
        cells=CROP_EDGES,
    ),
    Mistake(
        grade_id=CROP,
        old="""    padded = np.pad(images, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    augmented = np.empty_like(images)
""" + CROP_LOOP,
        new="""    for index in range(len(images)):
        if rng.random() < 0.5:
            images[index] = images[index, :, ::-1]  # Flip first, in the caller's array.
    padded = np.pad(images, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    augmented = np.empty_like(images)
    for index in range(len(images)):
        row = rng.integers(0, 2 * padding + 1)
        column = rng.integers(0, 2 * padding + 1)
        augmented[index] = padded[index, row:row + height, column:column + width]""",
        what="mirrors the images in the caller's array before cropping (an input changed in place)",
        feedback="after the call",
        cells=CROP_EDGES,
    ),
    Mistake(
        grade_id=CROP,
        old="_, height, width, _ = images.shape",
        new="height, width = 32, 32  # CIFAR-10's images.",
        what="hard-codes CIFAR-10's 32x32 size, which the visible tests happen to use",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id=CROP,
        old=CROP_LOOP,
        new="""    rows = rng.integers(0, 2 * padding + 1, size=len(images))
    columns = rng.integers(0, 2 * padding + 1, size=len(images))
    flips = rng.random(len(images)) < 0.5
    for index, (row, column, flip) in enumerate(zip(rows, columns, flips)):
        window = padded[index, row:row + height, column:column + width]
        augmented[index] = window[:, ::-1] if flip else window""",
        what="draws every position and coin first, in arrays (another order of draws)",
        correct=True,
    ),
    # Exercise 2: build_augmenter.
    Mistake(
        grade_id=AUGMENTER,
        old="RandomRotation(max_rotation_degrees / 360",
        new="RandomRotation(np.radians(max_rotation_degrees)",
        what="passes radians where Keras expects a fraction of a full turn",
        feedback="the RandomRotation factor",
        cells=AUGMENTER_CORE,
    ),
    Mistake(
        grade_id=AUGMENTER,
        old="RandomRotation(max_rotation_degrees / 360",
        new="RandomRotation(max_rotation_degrees",
        what="passes degrees to RandomRotation (Keras 3 refuses 18 with a ValueError)",
        feedback="RandomRotation takes a fraction of a full turn",
        cells=AUGMENTER_CORE,
    ),
    Mistake(
        grade_id=AUGMENTER,
        old="RandomTranslation(max_translation, max_translation, seed=seed)",
        new="RandomTranslation(max_translation, max_translation)",
        what="forgets to pass the seed to one of the layers",
        feedback="its seed",
        cells=AUGMENTER_CORE,
    ),
    Mistake(
        grade_id=AUGMENTER,
        old="RandomZoom(max_zoom, seed=seed)",
        new="RandomZoom(max_zoom, max_zoom, seed=seed)",
        what="zooms height and width independently (width_factor set), stretching the images",
        feedback="its width_factor",
        cells=AUGMENTER_CORE,
    ),
    Mistake(
        grade_id=AUGMENTER,
        old="""    if max_translation > 0:
        layers.append(keras.layers.RandomTranslation(max_translation, max_translation, seed=seed))
    if max_rotation_degrees > 0:
        layers.append(keras.layers.RandomRotation(max_rotation_degrees / 360, seed=seed))
    if max_zoom > 0:
        layers.append(keras.layers.RandomZoom(max_zoom, seed=seed))""",
        new="""    layers.append(keras.layers.RandomTranslation(max_translation, max_translation,
                                                 seed=seed))
    layers.append(keras.layers.RandomRotation(max_rotation_degrees / 360, seed=seed))
    layers.append(keras.layers.RandomZoom(max_zoom, seed=seed))""",
        what="keeps the layers whose amount is 0 instead of leaving them out",
        feedback="the layer types",
        cells=AUGMENTER_ZERO,
    ),
    Mistake(
        grade_id=AUGMENTER,
        old="RandomZoom(max_zoom, seed=seed)",
        new="RandomZoom(max_zoom, seed=1)",
        what="hard-codes seed=1, the seed of the visible test, in one layer",
        cells=AUGMENTER_CORE,
        fits_visible_only=True,
    ),
    Mistake(
        grade_id=AUGMENTER,
        old="RandomRotation(max_rotation_degrees / 360, seed=seed)",
        new="RandomRotation((-max_rotation_degrees / 360, max_rotation_degrees / 360), seed=seed)",
        what="gives the rotation factor as a (lower, upper) pair",
        correct=True,
    ),
    # Exercise 3: build_cifar_model.
    Mistake(
        grade_id=MODEL,
        old="""        outputs = conv_bn_relu(outputs, filters)
        outputs = conv_bn_relu(outputs, filters)
        if filters != 128:
            outputs = keras.layers.MaxPooling2D()(outputs)""",
        new="""        outputs = conv_bn_relu(outputs, filters)
        if filters != 128:
            outputs = keras.layers.MaxPooling2D()(outputs)
        outputs = conv_bn_relu(outputs, filters)""",
        what="pools between the two convolutions of each block: the same 293,882 parameters",
        feedback="the layer types",
    ),
    Mistake(
        grade_id=MODEL,
        old="keras.layers.Dropout(dropout_rate)",
        new="keras.layers.Dropout(1 - dropout_rate)",
        what="passes the share of units kept, 1 - rate, as the dropout rate",
        feedback="its rate",
    ),
    Mistake(
        grade_id=MODEL,
        old=MODEL_BODY,
        new="""    def conv_bn_relu(inputs, filters):  # Notebook 04's momentum.
        outputs = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(inputs)
        outputs = keras.layers.BatchNormalization(momentum=0.9)(outputs)
        return keras.layers.Activation("relu")(outputs)

""" + MODEL_BODY,
        what="writes its own block with notebook 04's momentum 0.9 instead of conv_bn_relu's 0.99",
        feedback="its momentum",
    ),
    Mistake(
        grade_id=MODEL,
        old=MODEL_BODY,
        new="""    def conv_bn_relu(inputs, filters):  # Notebook 04's order: ReLU, then normalise.
        outputs = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(inputs)
        return keras.layers.BatchNormalization(momentum=0.99)(outputs)

""" + MODEL_BODY,
        what="uses notebook 04's Conv(ReLU)-BN block instead of conv_bn_relu",
        feedback="the layer types",
    ),
    Mistake(
        grade_id=MODEL,
        old="outputs = augmenter(inputs) if augmenter is not None else inputs",
        new="outputs = inputs",
        what="ignores the augmenter it is given",
        feedback="the layer types",
    ),
    Mistake(
        grade_id=MODEL,
        old=MODEL_BODY + """
    outputs = keras.layers.GlobalAveragePooling2D()(outputs)
    outputs = keras.layers.Dropout(dropout_rate)(outputs)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(outputs)
    return keras.Model(inputs, outputs, name="fast_cifar_cnn")""",
        new="""    def block(filters):
        return [keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
                keras.layers.BatchNormalization(momentum=0.99), keras.layers.Activation("relu")]

    layers = [keras.Input(shape=(32, 32, 3))] + ([augmenter] if augmenter is not None else [])
    layers += block(16) + [keras.layers.MaxPooling2D()]
    layers += block(32) + block(32) + [keras.layers.MaxPooling2D()]
    layers += block(64) + block(64) + [keras.layers.MaxPooling2D()]
    layers += block(128) + block(128)
    layers += [keras.layers.GlobalAveragePooling2D(), keras.layers.Dropout(dropout_rate),
               keras.layers.Dense(num_classes, activation="softmax")]
    return keras.Sequential(layers)""",
        what="builds the same layers as a keras.Sequential, which the text allows",
        correct=True,
    ),
    Mistake(
        grade_id=MODEL,
        old="keras.layers.Dense(num_classes, activation=\"softmax\")",
        new="keras.layers.Dense(10, activation=\"softmax\")",
        what="hard-codes CIFAR-10's 10 classes, the number of the visible test",
        fits_visible_only=True,
    ),
    # Exercise 4: receptive_field.
    Mistake(
        grade_id=FIELD,
        old="field += (kernel_size - 1) * jump",
        new="field += kernel_size - 1",
        what="forgets the jump: adds k - 1 pixels per layer, as if no layer had a stride",
        feedback="expected 8, but found 6",
        cells=FIELD_CORE,
    ),
    Mistake(
        grade_id=FIELD,
        old="""        field += (kernel_size - 1) * jump
        jump *= stride""",
        new="""        jump *= stride
        field += (kernel_size - 1) * jump""",
        what="multiplies the jump by the layer's own stride before widening the field",
        feedback="expected 8, but found 9",
        cells=FIELD_CORE,
    ),
    Mistake(
        grade_id=FIELD,
        old="""        field += (kernel_size - 1) * jump
        jump *= stride
    return field""",
        new="""    sizes = np.array([kernel_size for kernel_size, _ in layers])
    strides = np.array([stride for _, stride in layers])
    jumps = np.cumprod(np.concatenate([[1], strides[:-1]]))
    return 1 + np.sum((sizes - 1) * jumps)""",
        what="computes with NumPy arrays and returns a NumPy number, not a Python int",
        feedback="NumPy int64 scalar",
    ),
    Mistake(
        grade_id=FIELD,
        old="""        field += (kernel_size - 1) * jump
        jump *= stride
    return field""",
        new="""    field = 1
    layers.reverse()  # From the output back to the input.
    for kernel_size, stride in layers:
        field = (field - 1) * stride + kernel_size
    return field""",
        what="walks back from the output with the right formula, but reverses the caller's list",
        feedback="after the call",
        cells=FIELD_EDGES,
    ),
    Mistake(
        grade_id=FIELD,
        old="""        if kernel_size < 1 or stride < 1:
            raise ValueError("kernel sizes and strides should be at least 1, got "
                             f"({kernel_size}, {stride}).")
""",
        new="",
        what="does not check that kernel sizes and strides are at least 1",
        feedback="expected a ValueError",
        cells=FIELD_EDGES,
    ),
    Mistake(
        grade_id=FIELD,
        old="""        field += (kernel_size - 1) * jump
        jump *= stride
    return field""",
        new="""    known = {((3, 1), (3, 1)): 5, ((3, 1), (2, 2), (3, 1)): 8}  # The visible tests.
    return known.get(tuple(layers), 1)""",
        what="returns the answers of the visible examples",
        cells=FIELD_CORE,
        fits_visible_only=True,
    ),
    Mistake(
        grade_id=FIELD,
        old="""        field += (kernel_size - 1) * jump
        jump *= stride
    return field""",
        new="""    field = 1
    for kernel_size, stride in reversed(layers):
        field = (field - 1) * stride + kernel_size  # From the output back to the input.
    return field""",
        what="walks back from the output, (r - 1) * s + k, without changing the list",
        correct=True,
    ),
    # Exercise 5: predict_with_flip.
    Mistake(
        grade_id=FLIP,
        old="images[:, :, ::-1, :]",
        new="images[:, ::-1, :, :]",
        what="wrong axis: mirrors the images upside down instead of left to right",
        feedback="left-right mirrors",
    ),
    Mistake(
        grade_id=FLIP,
        old="return (direct + mirrored) / 2",
        new="return direct + mirrored",
        what="returns the sum of the two predictions instead of their average",
        feedback="the average of the predictions",
    ),
    Mistake(
        grade_id=FLIP,
        old="return (direct + mirrored) / 2",
        new="return ((direct + mirrored) / 2).tolist()",
        what="returns a list instead of a NumPy array",
        feedback="a Python list",
    ),
    Mistake(
        grade_id=FLIP,
        old=FLIP_CALLS,
        new="""    direct = model.predict(images, batch_size=batch_size)
    mirrored = model.predict(images[:, :, ::-1, :], batch_size=batch_size)""",
        what="leaves verbose at its default, so predict prints progress bars",
        feedback="the verbose given to model.predict",
    ),
    Mistake(
        grade_id=FLIP,
        old=FLIP_CALLS,
        new="""    direct = model.predict(images, verbose=0)
    mirrored = model.predict(images[:, :, ::-1, :], verbose=0)""",
        what="does not pass batch_size on to predict",
        feedback="the batch_size given to model.predict",
    ),
    Mistake(
        grade_id=FLIP,
        old=FLIP_CALLS,
        new="""    direct = model.predict(images, batch_size=256, verbose=0)
    mirrored = model.predict(images[:, :, ::-1, :], batch_size=256, verbose=0)""",
        what="hard-codes batch_size=256, the default the visible test uses",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id=FLIP,
        old="""    mirrored = model.predict(images[:, :, ::-1, :], batch_size=batch_size, verbose=0)
    return (direct + mirrored) / 2""",
        new="""    mirrored = model.predict(np.flip(images, axis=2), batch_size=batch_size,
                             verbose=False)
    return np.mean(np.stack([direct, mirrored]), axis=0)""",
        what="np.flip(axis=2), verbose=False and np.mean over a stack",
        correct=True,
    ),
]

# An answer that returns a subclass whose == always says "equal": it loses its points with a
# clear message, and the tamper report flags its __eq__ (comparison-override). The generic
# hostile.equality_trick submission plays the same trick on every exercise of this notebook that
# returns an int or an array (random_crop_and_flip, receptive_field, predict_with_flip).
MISTAKES += [
    Mistake(
        grade_id=FIELD,
        old="    return field\n",
        new="""    class AlwaysEqual(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    return AlwaysEqual(field + 1)
""",
        what="a wrong field returned as an int subclass whose == always says equal",
        feedback="a subclass of int",
        flags=("comparison-override",),
    ),
]
