"""Cases for autograd-engine: every operation both ways round, reuse, deep graphs, errors."""

from fractions import Fraction

from casekit import Case

TOL = (1e-9, 1e-12)


def none(rng):
    return {}


def numbers(*values):
    def make(rng):
        return {"xs": [float(v) for v in values]}

    return make


def grads_of(out, *leaves) -> dict:
    out.backward()
    return {"out": out.data, "grads": [leaf.grad for leaf in leaves]}


def worked(mod) -> dict:
    a, b = mod.Value(2.0), mod.Value(-3.0)
    return grads_of(a * b + a**2, a, b)


def neuron(mod) -> dict:
    x1, x2, w1, w2, b = (mod.Value(v) for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432))
    return grads_of((x1 * w1 + x2 * w2 + b).tanh(), x1, x2, w1, w2, b)


def binary_ops(mod, xs) -> dict:
    results = {}
    for name, fn in {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
    }.items():
        a, b = mod.Value(xs[0]), mod.Value(xs[1])
        results[name] = grads_of(fn(a, b), a, b)
    return results


def with_numbers(mod, xs) -> dict:
    results = {}
    for name, fn in {
        "value_plus_2": lambda a: a + 2,
        "two_plus_value": lambda a: 2 + a,
        "value_minus_2": lambda a: a - 2,
        "two_minus_value": lambda a: 2 - a,
        "three_times_value": lambda a: 3 * a,
        "value_over_4": lambda a: a / 4,
        "one_over_value": lambda a: 1 / a,
        "negation": lambda a: -a,
        "cube": lambda a: a**3,
        "inverse_sqrt": lambda a: a**-0.5,
    }.items():
        a = mod.Value(xs[0])
        results[name] = grads_of(fn(a), a)
    return results


def unary(mod, xs) -> dict:
    results = {}
    for name in ("exp", "log", "tanh", "relu", "sigmoid"):
        per_point = []
        for x in xs:
            if name == "log" and x <= 0:
                continue
            a = mod.Value(x)
            per_point.append(grads_of(getattr(a, name)(), a))
        results[name] = per_point
    return results


def reuse(mod) -> dict:
    x = mod.Value(3.0)
    square = grads_of(x * x, x)
    y = mod.Value(-1.5)
    double = grads_of(y + y + y, y)
    return {"x_times_x": square, "y_thrice": double}


def diamond(mod) -> dict:
    # a feeds b and c, which meet again in d: a's gradient sums both paths.
    a = mod.Value(0.7)
    b = a.tanh()
    c = a * 3.0 + 1.0
    d = b * c + b.exp()
    return grads_of(d, a)


def composite(mod, xs) -> dict:
    w = [mod.Value(v) for v in xs]
    h1 = (w[0] * w[1] + w[2]).relu()
    h2 = (w[3] * w[0] - w[4] / w[1]).sigmoid()
    out = (h1 * h2 + (w[2] ** 2).log() - h2.exp() / (1 + w[4] ** 2)).tanh() * 5
    return grads_of(out, *w)


def deep_chain(mod) -> dict:
    x = mod.Value(0.5)
    y = x
    for _ in range(10_000):
        y = y * 0.9999 + 0.0001
    return grads_of(y, x)


def unused_leaf(mod) -> dict:
    a, b, c = mod.Value(1.0), mod.Value(2.0), mod.Value(3.0)
    before = [a.grad, b.grad, c.grad]
    out = a * b
    out.backward()
    return {"grads_before": before, "grads": [a.grad, b.grad, c.grad], "out_grad": out.grad}


def shared_intermediate(mod) -> dict:
    """An intermediate node feeding several later nodes, as the left and the right operand, through
    paths of different lengths: its gradient must be complete before it is passed on."""
    a, b = mod.Value(0.3), mod.Value(-1.2)
    c = a * b  # shared by everything below
    d = c * a
    e = c.exp() + d * c
    f = c * e + (c - d) / (2.0 + e * e)
    out = (f * c + a).tanh() + c * f
    out.backward()
    return {
        "out": out.data,
        "out_grad": out.grad,
        "leaf_grads": [a.grad, b.grad],
        "intermediate_grads": [c.grad, d.grad, e.grad, f.grad],
    }


def leaf_backward(mod) -> dict:
    x = mod.Value(2.5)
    x.backward()
    return {"grad": x.grad}


def python_floats(mod) -> dict:
    # data and grad are Python floats, also when built from an int.
    a = mod.Value(3)
    b = 2 * a + 1
    b.backward()
    values = [a.data, b.data, a.grad, b.grad]
    return {
        "values": values,
        "are_floats": [isinstance(v, float) for v in values],
    }


def relu_at_zero(mod) -> dict:
    results = []
    for x in (0.0, -0.0):
        a = mod.Value(x)
        out = a.relu()
        out.backward()
        results.append([out.data, a.grad])
    return {"relu_and_grad": results}


def sigmoid_far_out(mod, xs) -> dict:
    results = []
    for x in xs:
        a = mod.Value(x)
        out = a.sigmoid()
        out.backward()
        results.append([out.data, a.grad])
    return {"sigmoid_and_grad": results}


def log_of_negative(mod) -> dict:
    mod.Value(-1.0).log()
    return {}


def log_of_zero(mod) -> dict:
    mod.Value(0.0).log()
    return {}


def value_exponent(mod) -> dict:
    mod.Value(2.0) ** mod.Value(3.0)
    return {}


def fraction_exponent(mod) -> dict:
    mod.Value(2.0) ** Fraction(3, 1)
    return {}


CASES = [
    Case("worked_example", sample=True, inputs=none, call=worked, tol=TOL),
    Case("tanh_neuron", sample=True, inputs=none, call=neuron, tol=TOL),
    Case(
        "binary_operations",
        inputs=numbers(1.5, -0.75),
        call=binary_ops,
        tol=TOL,
        note="+ - * / between two Values",
    ),
    Case(
        "numbers_on_either_side",
        inputs=numbers(1.7),
        call=with_numbers,
        tol=TOL,
        note="reflected operations like 2 - x and 1 / x",
    ),
    Case("unary_functions", inputs=numbers(-2.0, -0.3, 0.4, 1.9), call=unary, tol=TOL),
    Case(
        "node_used_twice", inputs=none, call=reuse, tol=TOL, note="x * x and y + y + y accumulate"
    ),
    Case(
        "diamond_graph",
        inputs=none,
        call=diamond,
        tol=TOL,
        note="a shared node gets the sum of both paths",
    ),
    Case(
        "composite_expression", inputs=numbers(0.8, -1.3, 0.6, 2.1, -0.4), call=composite, tol=TOL
    ),
    Case(
        "deep_chain",
        inputs=none,
        call=deep_chain,
        tol=TOL,
        note="10,000 nodes deep: no recursion per node",
    ),
    Case(
        "unused_leaf_keeps_zero_grad",
        inputs=none,
        call=unused_leaf,
        tol=TOL,
        note="grad starts at 0.0, stays 0.0 off the graph, and out.grad is 1.0",
    ),
    Case(
        "shared_intermediate",
        inputs=none,
        call=shared_intermediate,
        tol=TOL,
        note="an intermediate node reused as either operand along paths of different lengths",
    ),
    Case("backward_on_a_leaf", inputs=none, call=leaf_backward, tol=TOL),
    Case(
        "data_and_grad_are_floats",
        inputs=none,
        call=python_floats,
        tol=TOL,
        note="Value(3).data is 3.0, a float",
    ),
    Case(
        "relu_at_zero",
        inputs=none,
        call=relu_at_zero,
        tol=TOL,
        note="relu(0) = 0 with derivative 0",
    ),
    Case(
        "sigmoid_far_out",
        inputs=numbers(-1000.0, -50.0, 50.0, 1000.0),
        call=sigmoid_far_out,
        tol=TOL,
        note="no overflow for |x| up to 1000",
    ),
    Case(
        "log_of_negative",
        inputs=none,
        call=log_of_negative,
        raises=ValueError,
        raises_for="Value(-1.0).log()",
    ),
    Case(
        "log_of_zero",
        inputs=none,
        call=log_of_zero,
        raises=ValueError,
        raises_for="Value(0.0).log()",
    ),
    Case(
        "value_as_exponent",
        inputs=none,
        call=value_exponent,
        raises=TypeError,
        raises_for="Value(2.0) ** Value(3.0)",
    ),
    Case(
        "fraction_as_exponent",
        inputs=none,
        call=fraction_exponent,
        raises=TypeError,
        raises_for="Value(2.0) ** Fraction(3, 1)",
    ),
]
