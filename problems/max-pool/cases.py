"""Cases for max-pool: windows, strides, padding, ties and gradient routing, errors."""

import numpy as np
from casekit import Case, changed_inputs, distinct, numeric_gradient

TOL = (1e-12, 1e-12)  # max pooling copies values: nothing to round


def images(*shape: int, ties: bool = False, negative: bool = False):
    def make(rng: np.random.Generator) -> dict:
        # With ties, many equal maxima; else no two values close enough to swap under rounding.
        x = rng.integers(0, 3, size=shape).astype(np.float64) if ties else distinct(rng, *shape)
        if negative:
            x = -np.abs(x) - 1.0  # a zero padding would win every window it touches
        return {"x": x}

    return make


def pooled(kernel_size, stride=None, padding=None, check_gradient: bool = False):
    def call(mod, x) -> dict:
        kwargs = {} if stride is None else {"stride": stride}
        if padding is not None:
            kwargs["padding"] = padding
        before = {"x": x.copy()}
        out, cache = mod.maxpool2d_forward(x, kernel_size, **kwargs)
        dout = np.random.default_rng(99).normal(size=np.shape(out))
        seen = {"dout": dout.copy()}
        dx = mod.maxpool2d_backward(dout, cache)
        result = {
            "out": out,
            "dx": dx,
            "inputs_problem": changed_inputs(before, {"x": x})
            or changed_inputs(seen, {"dout": dout}),
        }
        if check_gradient:
            probe = x.copy()
            result["_fd_dx"] = numeric_gradient(
                lambda: mod.maxpool2d_forward(probe, kernel_size, **kwargs)[0], probe, dout
            )
        return result

    return call


def refused(kernel_size, stride=None, padding=0):
    def call(mod, x) -> dict:
        mod.maxpool2d_forward(x, kernel_size, stride, padding)
        return {}

    return call


def worked(rng):
    return {
        "x": np.array(
            [
                [
                    [
                        [1.0, 3.0, 2.0, 0.0],
                        [4.0, 2.0, 1.0, 1.0],
                        [0.0, 5.0, 7.0, 7.0],
                        [5.0, 1.0, 7.0, 6.0],
                    ]
                ]
            ]
        )
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=pooled(2), tol=TOL),
    Case(
        "stride_equals_kernel",
        sample=True,
        seed=1,
        inputs=images(2, 3, 6, 6),
        call=pooled(2, check_gradient=True),
        tol=TOL,
    ),
    Case(
        "overlapping_windows",
        seed=2,
        inputs=images(2, 2, 7, 7),
        call=pooled(3, stride=1, check_gradient=True),
        tol=TOL,
        note="a value that is the maximum of several windows receives the sum of their gradients",
    ),
    Case(
        "rectangular_kernel_and_stride",
        seed=3,
        inputs=images(1, 3, 7, 9),
        call=pooled((2, 3), stride=(1, 2), check_gradient=True),
        tol=TOL,
    ),
    Case(
        "padding_with_negative_values",
        seed=4,
        inputs=images(2, 2, 5, 5, negative=True),
        call=pooled(3, stride=2, padding=1),
        tol=TOL,
        note="padding never wins a window, even where every value is negative",
    ),
    Case(
        "rectangular_padding",
        seed=5,
        inputs=images(1, 2, 6, 4, negative=True),
        call=pooled((2, 4), stride=(2, 1), padding=(1, 2)),
        tol=TOL,
    ),
    Case(
        "ties_go_to_the_first_maximum",
        seed=6,
        inputs=images(2, 3, 6, 6, ties=True),
        call=pooled(2),
        tol=TOL,
        note="equal maxima: the whole gradient goes to the first one in row-major order",
    ),
    Case(
        "ties_in_overlapping_windows",
        seed=7,
        inputs=images(1, 2, 6, 7, ties=True),
        call=pooled(3, stride=1, padding=1),
        tol=TOL,
    ),
    Case(
        "leftover_rows_and_columns",
        seed=8,
        inputs=images(2, 1, 7, 5),
        call=pooled(2),
        tol=TOL,
        note="windows that do not fit are dropped: the last row and column get no gradient",
    ),
    Case(
        "default_stride_is_the_kernel",
        seed=9,
        inputs=images(1, 2, 6, 9),
        call=pooled((3, 2)),
        tol=TOL,
    ),
    Case(
        "global_max_pool",
        seed=10,
        inputs=images(3, 2, 4, 5),
        call=pooled((4, 5)),
        tol=TOL,
    ),
    Case("one_by_one_kernel", seed=11, inputs=images(2, 2, 3, 4), call=pooled(1), tol=TOL),
    Case(
        "empty_batch",
        inputs=lambda rng: {"x": np.zeros((0, 3, 4, 4))},
        call=pooled(2),
        tol=TOL,
    ),
    Case(
        "large_magnitudes",
        seed=13,
        inputs=lambda rng: {"x": distinct(rng, 2, 2, 6, 6) * 1e300},
        call=pooled(3, stride=2, padding=1),
        tol=TOL,
    ),
    Case(
        "padding_of_half_the_kernel",
        seed=14,
        inputs=images(1, 2, 7, 8, negative=True),
        call=pooled((6, 4), stride=(2, 3), padding=(3, 2)),
        tol=TOL,
        note="padding may be exactly half the kernel",
    ),
    Case(
        "kernel_fits_only_with_padding",
        seed=15,
        inputs=images(1, 2, 2, 2),
        call=pooled(8, padding=3),
        tol=TOL,
        note="a kernel larger than x, as large as the padded input: one window",
    ),
    Case(
        "kernel_taller_than_padded_input",
        seed=16,
        inputs=images(1, 1, 1, 2),
        call=refused(8, padding=3),
        raises=ValueError,
        raises_for="kernel_size=8, padding=3 on a 1 x 2 input",
    ),
    Case(
        "kernel_wider_than_padded_input",
        seed=17,
        inputs=images(1, 1, 2, 1),
        call=refused(8, padding=3),
        raises=ValueError,
        raises_for="kernel_size=8, padding=3 on a 2 x 1 input",
    ),
    Case(
        "padding_over_half_the_kernel_height",
        seed=18,
        inputs=images(1, 1, 9, 9),
        call=refused(5, padding=(3, 0)),
        raises=ValueError,
        raises_for="padding=(3, 0) with kernel_size=5",
    ),
    Case(
        "padding_over_half_the_kernel_width",
        seed=19,
        inputs=images(1, 1, 9, 9),
        call=refused(5, padding=(0, 3)),
        raises=ValueError,
        raises_for="padding=(0, 3) with kernel_size=5",
    ),
]
