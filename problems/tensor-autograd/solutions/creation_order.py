"""A correct alternative: tensors are numbered as they are created and backward processes them in
decreasing number (inputs are always created before their outputs); broadcast gradients are reduced
with one np.sum over a tuple of axes; mean divides by the count, division's gradient reuses the quotient,
and subtraction is its own node (other algebraic forms, other rounding)."""

import heapq
import itertools

import numpy as np

_numbers = itertools.count()


def _reduce(grad, shape):
    lead = grad.ndim - len(shape)
    axes = [*range(lead)]
    axes += [lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1]
    return np.sum(grad, axis=tuple(axes)).reshape(shape)


class Tensor:
    def __init__(self, data, parents=(), rule=None):
        self.data = np.array(data, dtype=np.float64, copy=True)
        self.grad = np.zeros(self.data.shape)
        self._parents = parents
        self._rule = rule  # upstream gradient -> one contribution per parent
        self._number = next(_numbers)

    @staticmethod
    def _t(o):
        return o if isinstance(o, Tensor) else Tensor(o)

    def _binary(self, o, data, rule):
        return Tensor(data, (self, o), rule)

    def __add__(self, o):
        o = self._t(o)
        return self._binary(o, self.data + o.data, lambda g: (g, g))

    def __radd__(self, o):
        return self._t(o) + self

    def __sub__(self, o):
        o = self._t(o)
        return self._binary(o, self.data - o.data, lambda g: (g, -g))

    def __rsub__(self, o):
        return self._t(o) - self

    def __mul__(self, o):
        o = self._t(o)
        return self._binary(o, self.data * o.data, lambda g: (g * o.data, g * self.data))

    def __rmul__(self, o):
        return self._t(o) * self

    def __truediv__(self, o):
        o = self._t(o)
        q = self.data / o.data
        return self._binary(o, q, lambda g: (g / o.data, -(g * q) / o.data))

    def __rtruediv__(self, o):
        return self._t(o) / self

    def __neg__(self):
        return Tensor(-self.data, (self,), lambda g: (-g,))

    def __matmul__(self, o):
        return self._binary(
            o, self.data @ o.data, lambda g: (g @ o.data.swapaxes(0, 1), self.data.T @ g)
        )

    def sum(self, axis=None, keepdims=False):
        shape = self.data.shape

        def rule(g):
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return (np.ones(shape) * g,)

        return Tensor(self.data.sum(axis=axis, keepdims=keepdims), (self,), rule)

    def mean(self, axis=None, keepdims=False):
        count = self.data.size if axis is None else self.data.shape[axis]
        return self.sum(axis=axis, keepdims=keepdims) / float(count)

    def exp(self):
        e = np.exp(self.data)
        return Tensor(e, (self,), lambda g: (g * e,))

    def log(self):
        return Tensor(np.log(self.data), (self,), lambda g: (g / self.data,))

    def relu(self):
        on = self.data > 0
        return Tensor(np.where(on, self.data, 0.0), (self,), lambda g: (np.where(on, g, 0.0),))

    def reshape(self, *shape):
        return Tensor(self.data.reshape(shape), (self,), lambda g: (g.reshape(self.data.shape),))

    @property
    def T(self):
        axes = tuple(reversed(range(self.data.ndim)))
        return Tensor(np.transpose(self.data, axes), (self,), lambda g: (np.transpose(g, axes),))

    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise ValueError("backward() needs a gradient for an output of several elements")
            grad = np.ones(self.data.shape)
        grad = np.array(grad, dtype=np.float64)
        if grad.shape != self.data.shape:
            raise ValueError("the gradient must have the output's shape")
        found, stack = {id(self): self}, [self]
        while stack:
            for p in stack.pop()._parents:
                if id(p) not in found:
                    found[id(p)] = p
                    stack.append(p)
        heap = [(-t._number, t) for t in found.values()]
        heapq.heapify(heap)
        self.grad = self.grad + grad
        while heap:
            _, node = heapq.heappop(heap)
            if node._rule is None:
                continue
            for parent, g in zip(node._parents, node._rule(node.grad), strict=True):
                parent.grad = parent.grad + _reduce(g, parent.data.shape)
