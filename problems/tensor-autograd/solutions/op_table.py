"""A correct alternative: the gradient rules live in one table of functions keyed by operation, and
broadcast gradients are reduced with one sum over all the axes that need it."""

import numpy as np


def _reduce_to(grad, shape):
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    return grad.sum(axis=axes).reshape(shape) if axes else grad.reshape(shape)


class Tensor:
    def __init__(self, data, op=None, args=(), extra=None):
        self.data = np.asarray(data, dtype=float).copy()
        self.grad = np.zeros(self.data.shape)
        self.op, self.args, self.extra = op, args, extra

    def _as(self, o):
        return o if isinstance(o, Tensor) else Tensor(o)

    def __add__(self, o):
        o = self._as(o)
        return Tensor(self.data + o.data, "add", (self, o))

    def __radd__(self, o):
        return self._as(o) + self

    def __sub__(self, o):
        o = self._as(o)
        return Tensor(self.data - o.data, "sub", (self, o))

    def __rsub__(self, o):
        return self._as(o) - self

    def __mul__(self, o):
        o = self._as(o)
        return Tensor(self.data * o.data, "mul", (self, o))

    def __rmul__(self, o):
        return self._as(o) * self

    def __truediv__(self, o):
        o = self._as(o)
        return Tensor(self.data / o.data, "div", (self, o))

    def __rtruediv__(self, o):
        return self._as(o) / self

    def __neg__(self):
        return Tensor(-self.data, "neg", (self,))

    def __matmul__(self, o):
        return Tensor(self.data @ o.data, "matmul", (self, o))

    def sum(self, axis=None, keepdims=False):
        return Tensor(self.data.sum(axis=axis, keepdims=keepdims), "sum", (self,), (axis, keepdims))

    def mean(self, axis=None, keepdims=False):
        n = self.data.size if axis is None else self.data.shape[axis]
        return self.sum(axis, keepdims) / n

    def exp(self):
        return Tensor(np.exp(self.data), "exp", (self,))

    def log(self):
        return Tensor(np.log(self.data), "log", (self,))

    def relu(self):
        return Tensor(np.where(self.data > 0, self.data, 0.0), "relu", (self,))

    def reshape(self, *shape):
        return Tensor(self.data.reshape(shape), "reshape", (self,))

    @property
    def T(self):
        return Tensor(self.data.T, "transpose", (self,))

    def _vjp(self, g):
        a = self.args
        x = a[0].data
        y = a[1].data if len(a) > 1 else None
        rules = {
            "add": lambda: (g, g),
            "sub": lambda: (g, -g),
            "mul": lambda: (g * y, g * x),
            "div": lambda: (g / y, -g * x / (y * y)),
            "neg": lambda: (-g,),
            "matmul": lambda: (g @ y.T, x.T @ g),
            "exp": lambda: (g * self.data,),
            "log": lambda: (g / x,),
            "relu": lambda: (g * (x > 0),),
            "reshape": lambda: (g.reshape(x.shape),),
            "transpose": lambda: (g.T,),
            "sum": lambda: (self._sum_vjp(g, x),),
        }
        return [_reduce_to(gi, t.data.shape) for gi, t in zip(rules[self.op](), a, strict=True)]

    def _sum_vjp(self, g, x):
        axis, keepdims = self.extra
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        return np.broadcast_to(g, x.shape) * 1.0

    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise ValueError("need a gradient for a non-scalar output")
            grad = np.ones(self.data.shape)
        if np.shape(grad) != self.data.shape:
            raise ValueError("gradient shape mismatch")
        # Kahn's algorithm: a node is processed once every node that consumes it is done.
        consumers, seen, todo = {}, {id(self)}, [self]
        while todo:
            node = todo.pop()
            for parent in node.args:
                consumers[id(parent)] = consumers.get(id(parent), 0) + 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    todo.append(parent)
        self.grad = self.grad + np.asarray(grad, dtype=float)
        ready = [self]
        while ready:
            node = ready.pop()
            if node.op is None:
                continue
            for parent, g in zip(node.args, node._vjp(node.grad), strict=True):
                parent.grad = parent.grad + g
                consumers[id(parent)] -= 1
                if consumers[id(parent)] == 0:
                    ready.append(parent)
