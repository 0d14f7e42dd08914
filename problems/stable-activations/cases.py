"""Cases for stable-activations: values and derivatives from -1000 to 1000, tails, shapes, errors."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

NAMES = ("softplus", "log_sigmoid", "silu", "gelu", "gelu_tanh")
# softplus and log-sigmoid must be accurate where they are tiny too (the statement promises it);
# the others are compared with an absolute floor, so an erf-based GELU that rounds 1 + erf(x) is fine.
TOL = {
    **{k: (1e-9, 0.0) for k in ("softplus", "log_sigmoid", "softplus_grad", "log_sigmoid_grad")},
    **{k: (1e-9, 1e-12) for k in ("silu", "gelu", "gelu_tanh")},
    **{f"{k}_grad": (1e-9, 1e-12) for k in ("silu", "gelu", "gelu_tanh")},
}


def values(*xs: float):
    return lambda rng: {"x": np.array(xs, dtype=np.float64)}


def every(check_gradients: bool = False):
    def call(mod, x) -> dict:
        before = {"x": x.copy()}
        funcs = {
            "softplus": (mod.softplus, mod.softplus_grad),
            "log_sigmoid": (mod.log_sigmoid, mod.log_sigmoid_grad),
            "silu": (mod.silu, mod.silu_grad),
            "gelu": (mod.gelu, mod.gelu_grad),
            "gelu_tanh": (
                lambda v: mod.gelu(v, approximate="tanh"),
                lambda v: mod.gelu_grad(v, approximate="tanh"),
            ),
        }
        out = {}
        for name, (f, grad) in funcs.items():
            out[name] = f(x)
            out[f"{name}_grad"] = grad(x)
            if check_gradients:
                probe = x.copy()
                out[f"_fd_{name}_grad"] = numeric_gradient(lambda f=f, p=probe: f(p), probe)
        out["inputs_problem"] = changed_inputs(before, {"x": x})
        return out

    return call


def unknown_approximation(grad: bool):
    def call(mod, x) -> dict:
        (mod.gelu_grad if grad else mod.gelu)(x, approximate="sigmoid")
        return {}

    return call


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=values(-2.0, -0.5, 0.0, 0.5, 2.0),
        call=every(),
        tol=TOL,
    ),
    Case(
        "random_values",
        sample=True,
        seed=1,
        inputs=lambda rng: {"x": normal(rng, 3, 4, scale=3.0)},
        call=every(check_gradients=True),
        tol=TOL,
    ),
    Case(
        "plus_minus_1000",
        inputs=values(-1000.0, -800.0, -710.0, -100.0, 100.0, 710.0, 800.0, 1000.0),
        call=every(),
        tol=TOL,
        note="exp(710) overflows: nothing may become inf or nan",
    ),
    Case(
        "tiny_tails",
        inputs=values(-745.0, -300.0, -60.0, -40.0, -37.0, 37.0, 40.0, 60.0, 300.0),
        call=every(),
        tol=TOL,
        note="softplus(-40) is about 4e-18 and log_sigmoid(40) about -4e-18: relative accuracy",
    ),
    Case(
        "near_zero",
        inputs=values(-1e-300, -1e-8, -0.0, 0.0, 1e-8, 1e-300),
        call=every(),
        tol=TOL,
    ),
    Case(
        "gradient_check_wide_range",
        seed=2,
        inputs=lambda rng: {"x": rng.uniform(-12.0, 12.0, size=(5, 6))},
        call=every(check_gradients=True),
        tol=TOL,
        note="every derivative against finite differences of your own function",
    ),
    Case(
        "moderate_negative",
        inputs=values(-9.0, -7.5, -6.0, -4.0, -3.0),
        call=every(),
        tol=TOL,
        note="where GELU and SiLU are small but not negligible",
    ),
    Case(
        "tanh_form_differs",
        inputs=values(-3.0, -1.5, 0.7, 1.5, 3.0),
        call=every(),
        tol=TOL,
        note="the tanh approximation uses sqrt(2 / pi) and 0.044715",
    ),
    Case(
        "three_dimensions",
        seed=3,
        inputs=lambda rng: {"x": normal(rng, 2, 3, 4, scale=10.0)},
        call=every(),
        tol=TOL,
    ),
    Case("zero_dimensional", inputs=lambda rng: {"x": np.array(-3.25)}, call=every(), tol=TOL),
    Case("empty", inputs=lambda rng: {"x": np.zeros((0, 3))}, call=every(), tol=TOL),
    Case(
        "unknown_approximation",
        inputs=values(1.0, 2.0),
        call=unknown_approximation(grad=False),
        raises=ValueError,
        raises_for="gelu(x, approximate='sigmoid')",
    ),
    Case(
        "unknown_approximation_grad",
        inputs=values(1.0, 2.0),
        call=unknown_approximation(grad=True),
        raises=ValueError,
        raises_for="gelu_grad(x, approximate='sigmoid')",
    ),
]
