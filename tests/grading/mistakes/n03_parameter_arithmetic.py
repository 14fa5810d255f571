"""Mistakes in the answers of 03-parameter-arithmetic (see tests/grading/mistakes/__init__.py).

Per exercise: the misconceptions its text warns about (a turned kernel, a uint8 output that
wraps, true division in a size, "same" padding the PyTorch way or with the extra zero on the
wrong side, a bias added once per channel, a channel-first output, the maximum taken across
channels, the subtracted bias), the wrong types of issue 10 (a list where an array is asked,
NumPy integers where Python ints are asked, float64 where the image's dtype is asked), missing
checks (lengths that NumPy broadcasts), inputs changed in place (``setdefault`` on the caller's
specs), layer stacks that keep the shapes but not the configuration the text fixes, answers
hard-coded to the visible example, answers whose own ``==`` always says equal, and right answers
written another way.

Every exercise is graded on its own (no answer cell declares ``course.requires``), so no mistake
breaks another exercise's cells.
"""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "03-parameter-arithmetic"

# ---------------------------------------------------------------------------------------------
# The lines of the solutions that the mistakes replace.
# ---------------------------------------------------------------------------------------------

SINGLE_CONVERSION = ("image = np.asarray(image, dtype=np.float64)\n"
                     "    kernel = np.asarray(kernel, dtype=np.float64)\n"
                     "    if image.ndim != 2")
SINGLE_HEAD = (
    "image = np.asarray(image, dtype=np.float64)\n"
    "    kernel = np.asarray(kernel, dtype=np.float64)\n"
    "    if image.ndim != 2 or kernel.ndim != 2:\n"
    "        raise ValueError(f\"image and kernel should both be 2-D, got shapes "
    "{image.shape} and \"\n"
    "                         f\"{kernel.shape}.\")\n"
    "    kernel_height, kernel_width = kernel.shape\n"
    "    output_height = image.shape[0] - kernel_height + 1\n"
    "    output_width = image.shape[1] - kernel_width + 1\n"
    "    if output_height < 1 or output_width < 1:\n"
    "        raise ValueError(f\"The kernel {kernel.shape} is larger than the image "
    "{image.shape}.\")\n"
    "    output = np.zeros((output_height, output_width))")
SINGLE_CHECKS = (
    "    if image.ndim != 2 or kernel.ndim != 2:\n"
    "        raise ValueError(f\"image and kernel should both be 2-D, got shapes "
    "{image.shape} and \"\n"
    "                         f\"{kernel.shape}.\")\n")
SINGLE_LOOP = (
    "    output = np.zeros((output_height, output_width))\n"
    "    for row in range(output_height):\n"
    "        for column in range(output_width):\n"
    "            patch = image[row:row + kernel_height, column:column + kernel_width]\n"
    "            output[row, column] = np.sum(patch * kernel)\n"
    "    return output\n")
SINGLE_PRODUCT = "output[row, column] = np.sum(patch * kernel)\n    return output"
SINGLE_WIDTH = "output_width = image.shape[1] - kernel_width + 1\n    if output_height < 1"

SIZE_VALID = "return (n - kernel) // stride + 1"
SIZE_SAME = "return -(-n // stride)"
SIZE_RAISE = "raise ValueError(f\"padding must be 'valid' or 'same', got {padding!r}.\")"

STRIDED_PADS = "pads.append((total // 2, total - total // 2))"
STRIDED_TOTAL = "total = max((output_size - 1) * stride + kernel_size - size, 0)"
STRIDED_OUTPUT_SIZE = "output_size = -(-size // stride)"
STRIDED_CORNER = "top, left = row * stride, column * stride"
STRIDED_SIZES = ("output_height = (image.shape[0] - kernel_height) // stride + 1\n"
                 "    output_width = (image.shape[1] - kernel_width) // stride + 1")
STRIDED_LOOP = (
    "    output_height = (image.shape[0] - kernel_height) // stride + 1\n"
    "    output_width = (image.shape[1] - kernel_width) // stride + 1\n"
    "    output = np.zeros((output_height, output_width))\n"
    "    for row in range(output_height):\n"
    "        for column in range(output_width):\n"
    "            top, left = row * stride, column * stride\n"
    "            patch = image[top:top + kernel_height, left:left + kernel_width]\n"
    "            output[row, column] = np.sum(patch * kernel)\n"
    "    return output\n")

MULTI_SUM = ("output[row, column, filter_index] = (\n"
             "                    np.sum(patch * kernels[:, :, :, filter_index]) "
             "+ biases[filter_index])")
MULTI_CHANNEL_CHECK = (
    "    if image.shape[2] != in_channels:\n"
    "        raise ValueError(f\"The image has {image.shape[2]} channels but the kernels have \"\n"
    "                         f\"{in_channels}; they must be equal.\")\n"
    "    if biases.shape[0] != filters:\n"
    "        raise ValueError(f\"There are {filters} filters but {biases.shape[0]} biases; "
    "pass one \"\n"
    "                         \"bias per filter.\")\n")
MULTI_LOOP = (
    "    output = np.zeros((output_height, output_width, filters))\n"
    "    for row in range(output_height):\n"
    "        for column in range(output_width):\n"
    "            patch = image[row:row + kernel_height, column:column + kernel_width, :]\n"
    "            for filter_index in range(filters):\n"
    "                " + MULTI_SUM + "\n"
    "    return output\n")

PARAMS_RETURN = "return (kernel_height * kernel_width * in_channels + 1) * filters"
PARAMS_PAIR = "kernel_height, kernel_width = kernel_size"
PARAMS_BODY = (
    "    if isinstance(kernel_size, int):\n"
    "        kernel_height = kernel_width = kernel_size\n"
    "    else:\n"
    "        kernel_height, kernel_width = kernel_size\n"
    "    return (kernel_height * kernel_width * in_channels + 1) * filters\n")

POOL_OUTPUT = ("output = np.zeros((output_height, output_width, image.shape[2]), "
               "dtype=image.dtype)")
POOL_SIZES = ("output_height, output_width = image.shape[0] // pool_size, "
              "image.shape[1] // pool_size")
POOL_MAX = "output[row, column, :] = window.max(axis=(0, 1))"
POOL_BODY = (
    "    image = np.asarray(image)\n"
    "    " + POOL_SIZES + "\n"
    "    " + POOL_OUTPUT + "\n"
    "    for row in range(output_height):\n"
    "        for column in range(output_width):\n"
    "            window = image[row * pool_size:(row + 1) * pool_size,\n"
    "                           column * pool_size:(column + 1) * pool_size, :]\n"
    "            " + POOL_MAX + "\n"
    "    return output\n")

DENSE_RETURN = "return inputs * units + units"

TABLE_FLATTEN = "shape = (int(np.prod(shape)),)"
TABLE_POOL = 'shape = (height // spec["size"], width // spec["size"], channels)'
TABLE_SAME = "height, width = -(-height // stride), -(-width // stride)"
TABLE_OPTIONS = 'stride, padding = spec.get("stride", 1), spec.get("padding", "valid")'
TABLE_RAISE = (
    "            raise ValueError(f\"Unknown layer type {kind!r}; use conv, pool, global_pool, "
    "flatten \"\n"
    "                             \"or dense.\")\n")
TABLE_RETURN = "table.append((shape, parameters))\n    return table"
TABLE_DENSE = 'parameters = (shape[-1] + 1) * spec["units"]'

CNN_LAST = 'keras.layers.Dense(10, activation="softmax"),\n    ], name="small_cnn")'
CNN_BODY = (
    "    return keras.Sequential([\n"
    "        keras.Input(shape=(28, 28, 1)),\n"
    "        keras.layers.Conv2D(16, 3, activation=\"relu\"),\n"
    "        keras.layers.MaxPooling2D(2),\n"
    "        keras.layers.Conv2D(32, 3, activation=\"relu\"),\n"
    "        keras.layers.MaxPooling2D(2),\n"
    "        keras.layers.Conv2D(32, 3, activation=\"relu\"),\n"
    "        keras.layers.GlobalAveragePooling2D(),\n"
    "        keras.layers.Dense(10, activation=\"softmax\"),\n"
    "    ], name=\"small_cnn\")\n")
CNN_MIDDLE = (
    "        keras.layers.Conv2D(32, 3, activation=\"relu\"),\n"
    "        keras.layers.MaxPooling2D(2),\n"
    "        keras.layers.Conv2D(32, 3, activation=\"relu\"),\n"
    "        keras.layers.GlobalAveragePooling2D(),\n")

# A subclass whose comparisons always say "equal": the trick of nbgrader#1379.
ALWAYS_EQUAL = (
    "class AlwaysEqual({base}):\n"
    "    def __eq__(self, other):\n"
    "        return True\n"
    "\n"
    "    def __ne__(self, other):\n"
    "        return False\n"
    "\n"
    "    __hash__ = {base}.__hash__\n"
    "\n"
    "\n")

MISTAKES: list[Mistake] = [
    # -----------------------------------------------------------------------------------------
    # Exercise 1: conv2d-single
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="conv2d-single",
        old=SINGLE_PRODUCT,
        new="output[row, column] = np.sum(patch * kernel[::-1, ::-1])\n    return output",
        what="turns the kernel half a turn: the mathematician's convolution, not Conv2D's",
        feedback="turned half a turn",
        cells=("test-conv2d-single",),
    ),
    Mistake(
        grade_id="conv2d-single",
        old=SINGLE_HEAD,
        new=SINGLE_HEAD.replace(", dtype=np.float64)", ")").replace(
            "np.zeros((output_height, output_width))",
            "np.zeros((output_height, output_width), dtype=image.dtype)"),
        what="keeps the image's dtype and creates the output with it: a uint8 image gives a "
             "uint8 output whose negative sums wrap around",
        feedback="floating-point dtype",
        cells=("test-conv2d-single",),
    ),
    Mistake(
        grade_id="conv2d-single",
        old=SINGLE_WIDTH,
        new="output_width = image.shape[0] - kernel_width + 1\n    if output_height < 1",
        what="assumes a square image: the number of output columns uses the image's height",
        feedback="The shapes differ",
        cells=("test-conv2d-single",),
    ),
    Mistake(
        grade_id="conv2d-single",
        old=SINGLE_CHECKS + "    kernel_height",
        new="    kernel_height",
        what="checks nothing: a 3-D image broadcasts against the kernel without an error",
        feedback="3-D image",
        cells=("test-conv2d-single-errors",),
    ),
    Mistake(
        grade_id="conv2d-single",
        old=SINGLE_LOOP,
        new=("    output = []\n"
             "    for row in range(output_height):\n"
             "        output.append([float(np.sum(image[row:row + kernel_height,\n"
             "                                          column:column + kernel_width] * kernel))\n"
             "                       for column in range(output_width)])\n"
             "    return output\n"),
        what="returns a list of lists instead of a NumPy array",
        feedback="NumPy array",
        cells=("test-conv2d-single",),
    ),
    Mistake(
        grade_id="conv2d-single",
        old=SINGLE_LOOP,
        new=("    output = np.zeros((output_height, output_width))\n"
             "\n"
             "    " + ALWAYS_EQUAL.format(base="np.ndarray").replace("\n", "\n    ").rstrip()
             + "\n\n    return output.view(AlwaysEqual)\n"),
        what="returns an array of zeros as a subclass of ndarray whose == always says equal",
        feedback="a subclass of NumPy array",
        cells=("test-conv2d-single",),
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="conv2d-single",
        old=SINGLE_CONVERSION,
        new=("image = np.asarray(image, dtype=np.float32)\n"
             "    kernel = np.asarray(kernel, dtype=np.float32)\n"
             "    if image.ndim != 2"),
        what="computes in float32, as MNIST images are usually scaled (the text allows float32)",
        correct=True,
    ),
    Mistake(
        grade_id="conv2d-single",
        old=SINGLE_LOOP,
        new=("    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)\n"
             "    return np.einsum(\"ijuv,uv->ij\", windows, kernel)\n"),
        what="vectorised with sliding_window_view and einsum instead of two loops",
        correct=True,
    ),
    # -----------------------------------------------------------------------------------------
    # Exercise 2: conv-output-size
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="conv-output-size",
        old=SIZE_VALID,
        new="return (n - kernel) / stride + 1",
        what="true division: returns 24.0, a float, and 13.5 for (28, 3, 2)",
        feedback="found 24.0",
        cells=("test-conv-output-size",),
    ),
    Mistake(
        grade_id="conv-output-size",
        old=SIZE_VALID,
        new="return (n - kernel) // stride",
        what="off by one: forgets the + 1 of the valid-padding formula",
        feedback="expected 24, but found 23",
        cells=("test-conv-output-size",),
    ),
    Mistake(
        grade_id="conv-output-size",
        old=SIZE_SAME,
        new="return (n + 2 * ((kernel - 1) // 2) - kernel) // stride + 1",
        what="'same' padding the PyTorch way: (k - 1) // 2 zeros on each side",
        feedback="ceil(n / stride)",
        cells=("test-conv-output-size",),
    ),
    Mistake(
        grade_id="conv-output-size",
        old=SIZE_SAME,
        new="return n",
        what="'same' keeps the size whatever the stride (an old tutorial's claim)",
        feedback="expected 4, but found 7",
        cells=("test-conv-output-size",),
    ),
    Mistake(
        grade_id="conv-output-size",
        old=SIZE_VALID,
        new="import math\n\n        return math.ceil((n - kernel) / stride) + 1",
        what="rounds up instead of down in the valid formula",
        feedback="expected 13, but found 14",
        cells=("test-conv-output-size",),
    ),
    Mistake(
        grade_id="conv-output-size",
        old=SIZE_RAISE,
        new="return None",
        what="returns None for an unknown padding instead of raising",
        feedback="ValueError",
        cells=("test-conv-output-size-errors",),
    ),
    Mistake(
        grade_id="conv-output-size",
        old=SIZE_RAISE,
        new='raise ValueError("unknown padding")',
        what="raises a ValueError that does not say which paddings are allowed",
        feedback="name the two allowed values",
        cells=("test-conv-output-size-errors",),
    ),
    Mistake(
        grade_id="conv-output-size",
        old=SIZE_VALID,
        new=("visible_answers = {(28, 5, 1): 24, (24, 2, 2): 12, (28, 3, 2): 13}\n"
             "        return visible_answers.get((n, kernel, stride), n - kernel + 1)"),
        what="hard-codes the visible 'valid' examples (with stride 1's formula for the others)",
        feedback="expected 2, but found 4",
        cells=("test-conv-output-size",),
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="conv-output-size",
        old="if padding == \"valid\":\n        " + SIZE_VALID,
        new=("import math\n"
             "\n"
             "    if padding == \"valid\":\n"
             "        return int((n - kernel) / stride) + 1\n"
             "    if padding == \"same\":\n"
             "        return math.ceil(n / stride)"),
        what="int() of a non-negative true division (which rounds down) and math.ceil",
        correct=True,
    ),
    # -----------------------------------------------------------------------------------------
    # Exercise 3: conv2d-strided
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="conv2d-strided",
        old=STRIDED_PADS,
        new="pads.append((kernel_size // 2, kernel_size // 2))",
        what="'same' padding the PyTorch way: k // 2 zeros on both sides",
        feedback="compared with keras.layers.Conv2D",
        cells=("test-conv2d-strided-same",),
    ),
    Mistake(
        grade_id="conv2d-strided",
        old=STRIDED_PADS,
        new="pads.append((total - total // 2, total // 2))",
        what="puts the extra zero of an odd total padding at the top and left",
        feedback="compared with keras.layers.Conv2D",
        cells=("test-conv2d-strided-same",),
    ),
    Mistake(
        grade_id="conv2d-strided",
        old=STRIDED_OUTPUT_SIZE,
        new="output_size = size",
        what="'same' keeps the input size whatever the stride, so it pads far too much",
        feedback="The shapes differ",
        cells=("test-conv2d-strided-same",),
    ),
    Mistake(
        grade_id="conv2d-strided",
        old=STRIDED_CORNER,
        new="top, left = row * stride, column",
        what="moves the kernel by the stride along rows only",
    ),
    Mistake(
        grade_id="conv2d-strided",
        old=STRIDED_LOOP,
        new=("    full_height = image.shape[0] - kernel_height + 1\n"
             "    full_width = image.shape[1] - kernel_width + 1\n"
             "    full = np.zeros((full_height, full_width))\n"
             "    for row in range(full_height):\n"
             "        for column in range(full_width):\n"
             "            patch = image[row:row + kernel_height, column:column + kernel_width]\n"
             "            full[row, column] = np.sum(patch * kernel)\n"
             "    return full[::stride, ::stride]\n"),
        what="computes every position (stride 1), then keeps every stride-th row and column",
        correct=True,
    ),
    Mistake(
        grade_id="conv2d-strided",
        old=STRIDED_TOTAL,
        new="total = kernel_size - 1",
        what="'same' pads k - 1 zeros whatever the stride (right for stride 1 only)",
        feedback="compared with keras.layers.Conv2D",
        cells=("test-conv2d-strided-same",),
    ),
    # -----------------------------------------------------------------------------------------
    # Exercise 4: conv2d-multi
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="conv2d-multi",
        old=MULTI_SUM,
        new="output[row, column, filter_index] = np.sum(patch * kernels[:, :, :, filter_index])",
        what="forgets the bias",
        feedback="conv2d_multi on a 3 x 3 x 2 image",
        cells=("test-conv2d-multi",),
    ),
    Mistake(
        grade_id="conv2d-multi",
        old=MULTI_SUM,
        new=("for channel in range(in_channels):\n"
             "                    output[row, column, filter_index] += (\n"
             "                        np.sum(patch[:, :, channel] * kernels[:, :, channel, "
             "filter_index])\n"
             "                        + biases[filter_index])"),
        what="adds the bias once per input channel instead of once per output value",
        feedback="conv2d_multi on a 3 x 3 x 2 image",
        cells=("test-conv2d-multi",),
    ),
    Mistake(
        grade_id="conv2d-multi",
        old=MULTI_SUM,
        new=("output[row, column, filter_index] = (\n"
             "                    np.sum(patch[:, :, 0] * kernels[:, :, 0, filter_index]) "
             "+ biases[filter_index])"),
        what="uses only the first input channel",
        feedback="conv2d_multi on a 3 x 3 x 2 image",
        cells=("test-conv2d-multi",),
    ),
    Mistake(
        grade_id="conv2d-multi",
        old=MULTI_SUM,
        new=("output[row, column, filter_index] = max(0.0, \n"
             "                    np.sum(patch * kernels[:, :, :, filter_index]) "
             "+ biases[filter_index])"),
        what="applies a ReLU activation that the exercise leaves out",
        feedback="compared with keras.layers.Conv2D",
        cells=("test-conv2d-multi",),
    ),
    Mistake(
        grade_id="conv2d-multi",
        old=MULTI_LOOP,
        new=("    output = np.zeros((filters, output_height, output_width))\n"
             "    for row in range(output_height):\n"
             "        for column in range(output_width):\n"
             "            patch = image[row:row + kernel_height, column:column + kernel_width, :]\n"
             "            for filter_index in range(filters):\n"
             "                output[filter_index, row, column] = (\n"
             "                    np.sum(patch * kernels[:, :, :, filter_index]) "
             "+ biases[filter_index])\n"
             "    return output\n"),
        what="puts the filters first (channels-first output, as PyTorch does)",
        feedback="The shapes differ",
        cells=("test-conv2d-multi",),
    ),
    Mistake(
        grade_id="conv2d-multi",
        old=MULTI_CHANNEL_CHECK,
        new="",
        what="no length checks: one-channel kernels and a single bias broadcast silently",
        feedback="3-channel image and 1-channel kernels",
        cells=("test-conv2d-multi-errors",),
    ),
    Mistake(
        grade_id="conv2d-multi",
        old=MULTI_LOOP,
        new=("    windows = np.lib.stride_tricks.sliding_window_view(\n"
             "        image, (kernel_height, kernel_width), axis=(0, 1))\n"
             "    output = np.einsum(\"ijcuv,uvcf->ijf\", windows, kernels) + biases\n"
             "    return output.astype(np.float32)\n"),
        what="vectorised with sliding_window_view and einsum, returned as float32",
        correct=True,
    ),
    # -----------------------------------------------------------------------------------------
    # Exercise 5: conv2d-params
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="conv2d-params",
        old=PARAMS_RETURN,
        new="return (kernel_height * kernel_width + 1) * filters",
        what="forgets that each filter spans every input channel",
        feedback="expected 2432, but found 832",
    ),
    Mistake(
        grade_id="conv2d-params",
        old=PARAMS_RETURN,
        new="return kernel_height * kernel_width * in_channels * filters",
        what="forgets the biases",
        feedback="expected 832, but found 800",
    ),
    Mistake(
        grade_id="conv2d-params",
        old=PARAMS_RETURN,
        new="return (kernel_height * kernel_width + 1) * in_channels * filters",
        what="gives every input channel its own bias",
        feedback="expected 2432, but found 2496",
    ),
    Mistake(
        grade_id="conv2d-params",
        old=PARAMS_PAIR,
        new="kernel_height = kernel_width = kernel_size[0]",
        what="assumes a square kernel when kernel_size is a tuple",
        feedback="expected 124, but found 76",
    ),
    Mistake(
        grade_id="conv2d-params",
        old=PARAMS_BODY,
        new=("    kernel_area = np.prod(kernel_size) if isinstance(kernel_size, tuple) "
             "else kernel_size ** 2\n"
             "    return (kernel_area * in_channels + 1) * filters\n"),
        what="np.prod of the tuple: a NumPy integer instead of a Python int",
        feedback="NumPy int64",
    ),
    Mistake(
        grade_id="conv2d-params",
        old=PARAMS_BODY,
        new=("    visible_answers = {(5, 1, 32): 832, ((5, 5), 1, 32): 832, (5, 3, 32): 2_432,\n"
             "                       ((3, 5), 2, 4): 124}\n"
             "    return visible_answers.get((kernel_size, in_channels, filters),\n"
             "                               in_channels * filters)\n"),
        what="hard-codes the visible examples",
        feedback="expected 147584, but found 16384",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="conv2d-params",
        old=PARAMS_BODY,
        new=("    import math\n"
             "\n"
             "    sizes = (kernel_size, kernel_size) if isinstance(kernel_size, int) "
             "else kernel_size\n"
             "    return (math.prod(sizes) * in_channels + 1) * filters\n"),
        what="math.prod, which returns a Python int",
        correct=True,
    ),
    # -----------------------------------------------------------------------------------------
    # Exercise 6: max-pool2d
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="max-pool2d",
        old=POOL_MAX,
        new="output[row, column, :] = window.mean(axis=(0, 1))",
        what="average pooling instead of max pooling",
        feedback="max_pool2d(the 4 x 4 example",
    ),
    Mistake(
        grade_id="max-pool2d",
        old=POOL_MAX,
        new="output[row, column, :] = window.max()",
        what="takes the maximum across channels too",
        feedback="max_pool2d of a 5 x 5 x 2 uint8 image",
    ),
    Mistake(
        grade_id="max-pool2d",
        old=POOL_OUTPUT,
        new="output = np.zeros((output_height, output_width, image.shape[2]))",
        what="np.zeros without a dtype: float64 output for a uint8 image",
        feedback="dtype uint8",
    ),
    Mistake(
        grade_id="max-pool2d",
        old=POOL_SIZES,
        new=("output_height, output_width = -(-image.shape[0] // pool_size), "
             "-(-image.shape[1] // pool_size)"),
        what="keeps the partial windows at the bottom and right (rounds the size up)",
        feedback="The shapes differ",
    ),
    Mistake(
        grade_id="max-pool2d",
        old=POOL_BODY,
        new=("    image = np.asarray(image)\n"
             "    " + POOL_SIZES + "\n"
             "    " + POOL_OUTPUT + "\n"
             "    for row in range(output_height):\n"
             "        for column in range(output_width):\n"
             "            for down in range(pool_size):\n"
             "                for across in range(pool_size):\n"
             "                    output[row, column, :] = np.maximum(\n"
             "                        output[row, column, :],\n"
             "                        image[row * pool_size + down,\n"
             "                              column * pool_size + across, :])\n"
             "    return output\n"),
        what="a running maximum that starts from 0, so windows of negative values give 0",
        feedback="negative values",
    ),
    Mistake(
        grade_id="max-pool2d",
        old=POOL_BODY,
        new=("    image = np.asarray(image)\n"
             "    " + POOL_SIZES + "\n"
             "    " + POOL_OUTPUT + "\n"
             "    for row in range(output_height):\n"
             "        for column in range(output_width):\n"
             "            window = image[row * pool_size:(row + 1) * pool_size,\n"
             "                           column * pool_size:(column + 1) * pool_size, :]\n"
             "            " + POOL_MAX + "\n"
             "\n"
             "    " + ALWAYS_EQUAL.format(base="np.ndarray").replace("\n", "\n    ").rstrip()
             + "\n\n    return np.zeros_like(output).view(AlwaysEqual)\n"),
        what="returns zeros as a subclass of ndarray whose == always says equal",
        feedback="a subclass of NumPy array",
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="max-pool2d",
        old=POOL_BODY,
        new=("    image = np.asarray(image)\n"
             "    " + POOL_SIZES + "\n"
             "    cropped = image[:output_height * pool_size, :output_width * pool_size, :]\n"
             "    windows = cropped.reshape(output_height, pool_size, output_width, pool_size,\n"
             "                              image.shape[2])\n"
             "    return windows.max(axis=(1, 3))\n"),
        what="crops, reshapes into windows and takes the maximum over the window axes",
        correct=True,
    ),
    # -----------------------------------------------------------------------------------------
    # Exercise 7: dense-params
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="dense-params",
        old=DENSE_RETURN,
        new="return inputs * units",
        what="forgets the biases, one per unit",
        feedback="expected 589952, but found 589824",
    ),
    Mistake(
        grade_id="dense-params",
        old=DENSE_RETURN,
        new="return inputs * units - units",
        what="subtracts the biases, as an old tutorial's formula does",
        feedback="expected 589952, but found 589696",
    ),
    Mistake(
        grade_id="dense-params",
        old=DENSE_RETURN,
        new="return np.prod([inputs + 1, units])",
        what="np.prod: a NumPy integer instead of a Python int",
        feedback="NumPy int64",
    ),
    Mistake(
        grade_id="dense-params",
        old=DENSE_RETURN,
        new="return 589_952",
        what="hard-codes the visible example",
        feedback="expected 1290, but found 589952",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="dense-params",
        old=DENSE_RETURN,
        new=(ALWAYS_EQUAL.format(base="int").replace("\n", "\n    ").rstrip()
             + "\n\n    return AlwaysEqual(0)"),
        what="returns 0 as a subclass of int whose == always says equal",
        feedback="a subclass of int",
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="dense-params",
        old=DENSE_RETURN,
        new="return (inputs + 1) * units",
        what="(inputs + 1) * units",
        correct=True,
    ),
    # -----------------------------------------------------------------------------------------
    # Exercise 8: model-param-table
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="model-param-table",
        old=TABLE_FLATTEN,
        new="shape = (shape[-1],)",
        what="Flatten keeps only the channels instead of multiplying all axes",
        feedback="model_param_table(model A's specs, (28, 28, 1))",
        cells=("test-model-param-table",),
    ),
    Mistake(
        grade_id="model-param-table",
        old=TABLE_FLATTEN,
        new="shape = (np.prod(shape),)",
        what="np.prod without int(): a NumPy integer in the flattened shape",
        feedback="NumPy int64",
        cells=("test-model-param-table",),
    ),
    Mistake(
        grade_id="model-param-table",
        old=TABLE_POOL,
        new='shape = (-(-height // spec["size"]), -(-width // spec["size"]), channels)',
        what="pooling rounds up, keeping partial windows",
        feedback="model_param_table on 13 x 9 x 3 inputs",
        cells=("test-model-param-table",),
    ),
    Mistake(
        grade_id="model-param-table",
        old=TABLE_SAME,
        new=("pad = (kernel - 1) // 2\n"
             "                height = (height + 2 * pad - kernel) // stride + 1\n"
             "                width = (width + 2 * pad - kernel) // stride + 1"),
        what="'same' padding the PyTorch way: wrong sizes for even kernels",
        feedback="model_param_table on 13 x 9 x 3 inputs",
        cells=("test-model-param-table",),
    ),
    Mistake(
        grade_id="model-param-table",
        old=TABLE_OPTIONS,
        new='stride, padding = spec.setdefault("stride", 1), spec.setdefault("padding", "valid")',
        what="setdefault adds the default keys to the caller's specs",
        feedback="layer_specs after the call",
        cells=("test-model-param-table-errors",),
    ),
    Mistake(
        grade_id="model-param-table",
        old=TABLE_RAISE,
        new="            continue\n",
        what="skips unknown layer types instead of raising",
        feedback="ValueError",
        cells=("test-model-param-table-errors",),
    ),
    Mistake(
        grade_id="model-param-table",
        old=TABLE_RETURN,
        new=("table.append([list(shape), parameters])\n    return table"),
        what="rows as lists and shapes as lists instead of tuples",
        feedback="model_param_table(model A's specs, (28, 28, 1))",
        cells=("test-model-param-table",),
    ),
    Mistake(
        grade_id="model-param-table",
        old=TABLE_RETURN,
        new=("table.append((shape, parameters))\n"
             "\n"
             "    " + ALWAYS_EQUAL.format(base="list").replace("\n", "\n    ").rstrip()
             + "\n\n    return AlwaysEqual()"),
        what="returns an empty list subclass whose == always says equal",
        feedback="a subclass of list",
        cells=("test-model-param-table",),
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="model-param-table",
        old=TABLE_DENSE,
        new='parameters = int(np.prod(shape)) * spec["units"] + spec["units"]',
        what="counts the Dense weights from all the numbers of the shape (the same after "
             "flatten or global_pool)",
        correct=True,
    ),
    # -----------------------------------------------------------------------------------------
    # Exercise 9: build-small-cnn
    # -----------------------------------------------------------------------------------------
    Mistake(
        grade_id="build-small-cnn",
        old=CNN_LAST,
        new='keras.layers.Dense(10),\n    ], name="small_cnn")',
        what="forgets the softmax, so the outputs are not probabilities",
        feedback="softmax",
    ),
    Mistake(
        grade_id="build-small-cnn",
        old=CNN_LAST,
        new=('keras.layers.Dense(10),\n'
             '        keras.layers.Activation("softmax"),\n'
             '    ], name="small_cnn")'),
        what="the softmax in a separate Activation layer after Dense(10), which the text rules out",
        feedback="the type of the model's last layer",
    ),
    Mistake(
        grade_id="build-small-cnn",
        old=CNN_LAST,
        new='keras.layers.Dense(10, activation="sigmoid"),\n    ], name="small_cnn")',
        what="a sigmoid output: ten independent probabilities that do not sum to 1",
        feedback="softmax",
    ),
    Mistake(
        grade_id="build-small-cnn",
        old=CNN_MIDDLE,
        new=("        keras.layers.Conv2D(64, 3, activation=\"relu\"),\n"
             "        keras.layers.Flatten(),\n"),
        what="Flatten after the second convolution: far over the parameter budget",
        feedback="fewer than 20,000 parameters",
    ),
    Mistake(
        grade_id="build-small-cnn",
        old=CNN_BODY,
        new=("    return keras.Sequential([\n"
             "        keras.Input(shape=(28, 28, 1)),\n"
             "        keras.layers.Conv2D(16, 3, activation=\"relu\"),\n"
             "        keras.layers.MaxPooling2D(2),\n"
             "        keras.layers.GlobalAveragePooling2D(),\n"
             "        keras.layers.Dense(10, activation=\"softmax\"),\n"
             "    ], name=\"small_cnn\")\n"),
        what="only one Conv2D layer",
        feedback="at least two Conv2D layers",
    ),
    Mistake(
        grade_id="build-small-cnn",
        old=CNN_BODY,
        new="    return SMALL_CNN\n\n\nSMALL_CNN = keras.Sequential([\n"
            + CNN_BODY.split("keras.Sequential([\n", 1)[1],
        what="builds the model once, outside the function, and returns that same model on every "
             "call",
        feedback="a new object on every call",
    ),
    Mistake(
        grade_id="build-small-cnn",
        old=CNN_BODY,
        new=("    inputs = keras.Input(shape=(28, 28, 1))\n"
             "    hidden = keras.layers.Conv2D(8, 3, strides=2, activation=\"relu\")(inputs)\n"
             "    hidden = keras.layers.BatchNormalization()(hidden)\n"
             "    hidden = keras.layers.Conv2D(16, 3, strides=2, activation=\"relu\")(hidden)\n"
             "    hidden = keras.layers.Dropout(0.25)(hidden)\n"
             "    hidden = keras.layers.Flatten()(hidden)\n"
             "    outputs = keras.layers.Dense(10, activation=\"softmax\")(hidden)\n"
             "    return keras.Model(inputs, outputs)\n"),
        what="a functional model with strided convolutions, batch normalisation, dropout and "
             "Flatten, under the budget",
        correct=True,
    ),
]
