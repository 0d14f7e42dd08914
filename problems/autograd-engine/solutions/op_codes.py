"""A correct alternative: each node stores an operation name and its inputs; backward switches on it,
ordering nodes by Kahn's algorithm (counting how many consumers each node is still waiting for)."""

import math


def _wrap(x):
    return x if isinstance(x, Value) else Value(x)


class Value:
    def __init__(self, data, op="leaf", inputs=(), const=None):
        self.data = float(data)
        self.grad = 0.0
        self.op = op
        self.inputs = inputs
        self.const = const

    def __add__(self, o):
        o = _wrap(o)
        return Value(self.data + o.data, "add", (self, o))

    __radd__ = __add__

    def __mul__(self, o):
        o = _wrap(o)
        return Value(self.data * o.data, "mul", (self, o))

    __rmul__ = __mul__

    def __neg__(self):
        return Value(-self.data, "neg", (self,))

    def __sub__(self, o):
        return self + (-_wrap(o))

    def __rsub__(self, o):
        return _wrap(o) + (-self)

    def __pow__(self, n):
        if type(n) not in (int, float):
            raise TypeError("exponent must be a number")
        return Value(self.data**n, "pow", (self,), n)

    def __truediv__(self, o):
        return self * _wrap(o) ** -1

    def __rtruediv__(self, o):
        return _wrap(o) * self**-1

    def exp(self):
        return Value(math.exp(self.data), "exp", (self,))

    def log(self):
        if not self.data > 0:
            raise ValueError("log needs a positive value")
        return Value(math.log(self.data), "log", (self,))

    def tanh(self):
        return Value(math.tanh(self.data), "tanh", (self,))

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, "relu", (self,))

    def sigmoid(self):
        return Value(0.5 * (1.0 + math.tanh(0.5 * self.data)), "sigmoid", (self,))

    def _local(self):
        a = self.inputs
        g = self.grad
        if self.op == "add":
            return [g, g]
        if self.op == "mul":
            return [a[1].data * g, a[0].data * g]
        if self.op == "neg":
            return [-g]
        if self.op == "pow":
            return [self.const * a[0].data ** (self.const - 1) * g]
        if self.op == "exp":
            return [self.data * g]
        if self.op == "log":
            return [g / a[0].data]
        if self.op == "tanh":
            return [(1 - self.data**2) * g]
        if self.op == "relu":
            return [g if a[0].data > 0 else 0.0]
        if self.op == "sigmoid":
            return [self.data * (1 - self.data) * g]
        return []

    def backward(self):
        waiting, stack, seen = {}, [self], {id(self)}
        while stack:
            node = stack.pop()
            for child in node.inputs:
                waiting[id(child)] = waiting.get(id(child), 0) + 1
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append(child)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            for child, contribution in zip(node.inputs, node._local(), strict=False):
                child.grad += contribution
                waiting[id(child)] -= 1
                if waiting[id(child)] == 0:
                    ready.append(child)
