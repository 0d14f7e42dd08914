"""Adds the output-shaped gradient straight into broadcast operands without summing it back.

Caught by: worked_example, broadcast_leading_axis
"""

import numpy as np


def _unbroadcast(grad, shape):
    return grad
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Tensor:
    def __init__(self, data, _parents=()):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self._parents = _parents
        self._backward = lambda: None

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Tensor) else Tensor(other)

    def _make(self, data, parents, backward):
        out = Tensor(data, parents)
        out._backward = lambda: backward(out.grad)
        return out

    def __add__(self, other):
        other = self._lift(other)

        def backward(g):
            self.grad += _unbroadcast(g, self.data.shape)
            other.grad += _unbroadcast(g, other.data.shape)

        return self._make(self.data + other.data, (self, other), backward)

    def __mul__(self, other):
        other = self._lift(other)

        def backward(g):
            self.grad += _unbroadcast(g * other.data, self.data.shape)
            other.grad += _unbroadcast(g * self.data, other.data.shape)

        return self._make(self.data * other.data, (self, other), backward)

    def __truediv__(self, other):
        other = self._lift(other)

        def backward(g):
            self.grad += _unbroadcast(g / other.data, self.data.shape)
            other.grad += _unbroadcast(-g * self.data / other.data**2, other.data.shape)

        return self._make(self.data / other.data, (self, other), backward)

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __matmul__(self, other):
        other = self._lift(other)

        def backward(g):
            self.grad += g @ other.data.T
            other.grad += self.data.T @ g

        return self._make(self.data @ other.data, (self, other), backward)

    def sum(self, axis=None, keepdims=False):
        def backward(g):
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            self.grad += np.broadcast_to(g, self.data.shape)

        return self._make(self.data.sum(axis=axis, keepdims=keepdims), (self,), backward)

    def mean(self, axis=None, keepdims=False):
        count = self.data.size if axis is None else self.data.shape[axis]
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / count)

    def exp(self):
        e = np.exp(self.data)
        return self._make(e, (self,), lambda g: self._accumulate(g * e))

    def log(self):
        return self._make(np.log(self.data), (self,), lambda g: self._accumulate(g / self.data))

    def relu(self):
        return self._make(
            np.maximum(self.data, 0.0), (self,), lambda g: self._accumulate(g * (self.data > 0))
        )

    def reshape(self, *shape):
        return self._make(
            self.data.reshape(*shape),
            (self,),
            lambda g: self._accumulate(g.reshape(self.data.shape)),
        )

    @property
    def T(self):
        return self._make(self.data.T, (self,), lambda g: self._accumulate(g.T))

    def _accumulate(self, g):
        self.grad += g

    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise ValueError("backward() without a gradient needs a single-element output")
            grad = np.ones_like(self.data)
        grad = np.asarray(grad, dtype=np.float64)
        if grad.shape != self.data.shape:
            raise ValueError(f"the seed gradient must have shape {self.data.shape}")
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents)
        self.grad = self.grad + grad
        for node in reversed(order):
            node._backward()
