"""Cases for conv2d-im2col: values, all gradients against finite differences, strides, padding, speed."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

TOL = (1e-7, 1e-9)


def layer(n, c, h, w, f, kh, kw, stride=1, padding=0, zero_w=False):
    def make(rng: np.random.Generator) -> dict:
        ho = (h + 2 * padding - kh) // stride + 1
        wo = (w + 2 * padding - kw) // stride + 1
        return {
            "x": normal(rng, n, c, h, w),
            "w": np.zeros((f, c, kh, kw)) if zero_w else normal(rng, f, c, kh, kw),
            "b": normal(rng, f),
            "dout": normal(rng, n, f, ho, wo),
            "stride": stride,
            "padding": padding,
        }

    return make


def both(mod, x, w, b, dout, stride, padding) -> dict:
    arrays = {"x": x, "w": w, "b": b, "dout": dout}
    before = {name: a.copy() for name, a in arrays.items()}
    out = mod.conv2d_forward(x, w, b, stride, padding)
    forward_problem = changed_inputs(before, arrays)
    dx, dw, db = mod.conv2d_backward(dout, x, w, b, stride, padding)
    return {
        "out": out,
        "dx": dx,
        "dw": dw,
        "db": db,
        "forward_inputs_problem": forward_problem,
        "backward_inputs_problem": changed_inputs(before, arrays),
    }


def defaults(mod, x, w, b, dout, stride, padding) -> dict:
    # stride and padding left out: the defaults 1 and 0 apply.
    arrays = {"x": x, "w": w, "b": b, "dout": dout}
    before = {name: a.copy() for name, a in arrays.items()}
    out = mod.conv2d_forward(x, w, b)
    dx, dw, db = mod.conv2d_backward(dout, x, w, b)
    return {
        "out": out,
        "dx": dx,
        "dw": dw,
        "db": db,
        "inputs_problem": changed_inputs(before, arrays),
    }


def keywords(mod, x, w, b, dout, stride, padding) -> dict:
    # The arguments by name, in another order than the signature's.
    out = mod.conv2d_forward(x, w, b, padding=padding, stride=stride)
    dx, dw, db = mod.conv2d_backward(dout, x, w, b, padding=padding, stride=stride)
    return {"out": out, "dx": dx, "dw": dw, "db": db}


def with_finite_differences(mod, x, w, b, dout, stride, padding) -> dict:
    result = both(mod, x.copy(), w.copy(), b.copy(), dout, stride, padding)
    xs, ws, bs = x.copy(), w.copy(), b.copy()

    def forward():
        return mod.conv2d_forward(xs, ws, bs, stride, padding)

    result["_fd_dx"] = numeric_gradient(forward, xs, dout, limit=40)
    result["_fd_dw"] = numeric_gradient(forward, ws, dout, limit=40)
    result["_fd_db"] = numeric_gradient(forward, bs, dout)
    return result


def large(mod, x, w, b, dout, stride, padding) -> dict:
    out = both(mod, x, w, b, dout, stride, padding)
    # Summaries keep the returned data small: sums over space plus a strided sample.
    return {
        "out_sums": out["out"].sum(axis=(2, 3)),
        "out_sample": out["out"][:, :, ::5, ::7],
        "dx_sample": out["dx"][:, :, ::3, ::5],
        "dw": out["dw"],
        "db": out["db"],
    }


def views(rng: np.random.Generator) -> dict:
    """Non-contiguous views (channels-last images seen as NCHW, a transposed filter bank, a strided dout)
    and no padding, so no np.pad makes a contiguous copy of x."""
    n, c, h, w, f, k = 2, 3, 6, 5, 4, 3
    return {
        "x": normal(rng, n, h, w, c).transpose(0, 3, 1, 2),
        "w": normal(rng, k, k, c, f).transpose(3, 2, 0, 1),
        "b": normal(rng, 2 * f)[::2],
        "dout": normal(rng, n, f, 2, 2 * 2)[:, :, :, ::2],
        "stride": 2,
        "padding": 0,
    }


def worked(rng):
    return {
        "x": np.arange(9.0).reshape(1, 1, 3, 3),
        "w": np.array([[[[1.0, 0.0], [0.0, -1.0]]]]),
        "b": np.array([0.5]),
        "dout": np.ones((1, 1, 2, 2)),
        "stride": 1,
        "padding": 0,
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=both, tol=TOL),
    Case(
        "small_random", sample=True, seed=1, inputs=layer(2, 3, 5, 6, 4, 3, 3), call=both, tol=TOL
    ),
    Case(
        "gradient_check_stride_padding",
        seed=2,
        inputs=layer(2, 2, 5, 5, 3, 3, 3, stride=2, padding=1),
        call=with_finite_differences,
        tol=TOL,
        note="dx, dw and db against finite differences with stride 2 and padding 1",
    ),
    Case(
        "gradient_check_plain",
        seed=3,
        inputs=layer(1, 3, 4, 5, 2, 2, 3),
        call=with_finite_differences,
        tol=TOL,
    ),
    Case(
        "stride_leaves_border",
        seed=4,
        inputs=layer(2, 2, 8, 7, 3, 3, 3, stride=2),
        call=both,
        tol=TOL,
        note="windows that would run past the border are not used",
    ),
    Case(
        "non_square_kernel_padding_two",
        seed=5,
        inputs=layer(1, 2, 6, 5, 2, 2, 4, padding=2),
        call=both,
        tol=TOL,
    ),
    Case("one_by_one_kernel", seed=6, inputs=layer(3, 4, 4, 4, 5, 1, 1), call=both, tol=TOL),
    Case(
        "kernel_as_large_as_input",
        seed=7,
        inputs=layer(2, 3, 4, 4, 2, 6, 6, padding=1),
        call=both,
        tol=TOL,
    ),
    Case(
        "batch_of_one",
        seed=8,
        inputs=layer(1, 1, 7, 7, 1, 3, 3, stride=3, padding=1),
        call=both,
        tol=TOL,
    ),
    Case(
        "zero_weights",
        seed=9,
        inputs=layer(2, 2, 5, 5, 3, 3, 3, padding=1, zero_w=True),
        call=both,
        tol=TOL,
    ),
    Case(
        "inputs_not_modified",
        seed=10,
        inputs=layer(2, 2, 5, 5, 2, 3, 3, stride=2, padding=1),
        call=both,
        tol=TOL,
        note="neither function may change x, w, b or dout",
    ),
    Case(
        "default_stride_and_padding",
        seed=12,
        inputs=layer(2, 2, 5, 6, 3, 3, 2),
        call=defaults,
        tol=TOL,
        note="stride=1 and padding=0 when not given",
    ),
    Case(
        "keyword_arguments",
        seed=13,
        inputs=layer(1, 2, 6, 6, 2, 2, 2, stride=2, padding=1),
        call=keywords,
        tol=TOL,
        note="stride and padding passed by name",
    ),
    Case(
        "stride_fits_exactly",
        seed=14,
        inputs=layer(2, 2, 7, 9, 3, 3, 3, stride=2),
        call=with_finite_differences,
        tol=TOL,
        note="(H - KH) and (W - KW) divisible by the stride: the last window ends on the border",
    ),
    Case(
        "padding_three",
        seed=15,
        inputs=layer(2, 2, 5, 4, 2, 7, 5, padding=3),
        call=with_finite_differences,
        tol=TOL,
        note="wide padding: windows reach every padded row and column",
    ),
    Case(
        "non_contiguous_inputs",
        seed=16,
        inputs=views,
        call=both,
        tol=TOL,
        note="transposed and strided views as inputs",
    ),
    Case(
        "large_batch_speed",
        seed=11,
        inputs=layer(8, 16, 32, 32, 32, 3, 3, padding=1),
        call=large,
        tol=TOL,
        note="37 million multiply-adds: loops over pixels run out of time",
    ),
]
