"""Cases for int8-quantization: scales, zero points, rounding, saturation, channels, the matmul."""

import numpy as np
from casekit import Case, changed_inputs, normal

TOL = (1e-12, 0.0)  # scales and dequantised values: the same few operations as the reference
MATMUL_TOL = (1e-9, 1e-12)  # a different order of the same exact integer sums, then two products


def dtype_name(a) -> str:
    return str(np.asarray(a).dtype)


def data(*shape: int, scale: float = 1.0, offset: float = 0.0, zero_rows=()):
    def make(rng: np.random.Generator) -> dict:
        x = normal(rng, *shape, scale=scale) + offset
        for r in zero_rows:
            x[r] = 0.0
        return {"x": x}

    return make


def quantized(axis=None, symmetric=True, asymmetric=True, given=None):
    """Both schemes (or one); with `given`, a fixed (scale, zero_point) that saturates."""

    def call(mod, x) -> dict:
        before = {"x": x.copy()}
        out = {}
        kw = {} if axis is None else {"axis": axis}
        if symmetric:
            extra = {} if given is None else {"scale": given[0]}
            q, scale = mod.quantize_symmetric(x, **kw, **extra)
            out.update(sym_q=q, sym_scale=scale, sym_dtype=dtype_name(q))
            out["sym_dequantized"] = mod.dequantize(q, scale, **kw)
        if asymmetric:
            extra = {} if given is None else {"scale": given[0], "zero_point": given[1]}
            q, scale, zp = mod.quantize_asymmetric(x, **kw, **extra)
            out.update(asym_q=q, asym_scale=scale, asym_zero_point=zp, asym_dtype=dtype_name(q))
            out["asym_zero_point_is_integer"] = np.asarray(zp).dtype.kind in "iu"
            out["asym_dequantized"] = mod.dequantize(q, scale, zp, **kw)
        out["inputs_problem"] = changed_inputs(before, {"x": x})
        return out

    return call


def matmul(m: int, k: int, n: int, scale_a: float = 1.0, scale_b: float = 1.0):
    def make(rng: np.random.Generator) -> dict:
        return {"a": normal(rng, m, k, scale=scale_a), "b": normal(rng, k, n, scale=scale_b)}

    return make


def product(mod, a, b) -> dict:
    before = {"a": a.copy(), "b": b.copy()}
    out = mod.int8_matmul(a, b)
    return {"product": out, "inputs_problem": changed_inputs(before, {"a": a, "b": b})}


def worked(rng):
    return {"x": np.array([-1.0, 0.0, 0.5, 2.0, 3.0])}


def ties(rng):
    # scale = 127 / 127 = 1: every x / scale below is an exact half
    return {"x": np.array([127.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, -126.5])}


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=quantized(), tol=TOL),
    Case(
        "per_tensor",
        sample=True,
        seed=1,
        inputs=data(4, 5, scale=3.0, offset=0.5),
        call=quantized(),
        tol=TOL,
    ),
    Case(
        "round_half_to_even",
        inputs=ties,
        call=quantized(asymmetric=False),
        tol=TOL,
        note="0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2 (np.rint, not floor(x + 0.5))",
    ),
    Case(
        "saturation",
        seed=2,
        inputs=data(3, 8, scale=4.0),
        call=quantized(given=(0.02, 5)),
        tol=TOL,
        note="with a given scale, values beyond the range clip to -127..127 and -128..127",
    ),
    Case(
        "per_channel_rows",
        seed=3,
        inputs=data(4, 6, scale=2.0, zero_rows=(2,)),
        call=quantized(axis=0),
        tol=TOL,
        note="one scale per row, and an all-zero row gets scale 1",
    ),
    Case(
        "per_channel_columns",
        seed=4,
        inputs=data(5, 3, scale=0.1, offset=-0.2),
        call=quantized(axis=1),
        tol=TOL,
    ),
    Case(
        "per_channel_negative_axis",
        seed=5,
        inputs=data(2, 3, 4, scale=5.0),
        call=quantized(axis=-1),
        tol=TOL,
    ),
    Case(
        "per_channel_middle_axis",
        seed=6,
        inputs=data(2, 3, 4),
        call=quantized(axis=1),
        tol=TOL,
    ),
    Case(
        "all_positive",
        seed=7,
        inputs=lambda rng: {"x": np.abs(normal(rng, 10)) + 0.5},
        call=quantized(),
        tol=TOL,
        note="ReLU outputs: the range is extended to include 0, zero point -128",
    ),
    Case(
        "all_negative",
        seed=8,
        inputs=lambda rng: {"x": -np.abs(normal(rng, 3, 4)) - 1.0},
        call=quantized(),
        tol=TOL,
    ),
    Case("all_zero", inputs=lambda rng: {"x": np.zeros((2, 3))}, call=quantized(), tol=TOL),
    Case(
        "matmul_small",
        seed=9,
        inputs=matmul(3, 4, 2),
        call=product,
        tol=MATMUL_TOL,
    ),
    Case(
        "matmul_long_rows",
        seed=10,
        inputs=matmul(4, 512, 6, scale_a=2.0, scale_b=0.05),
        call=product,
        tol=MATMUL_TOL,
        note="512 products of int8 values: an int8 (or int16) accumulator overflows",
    ),
]
