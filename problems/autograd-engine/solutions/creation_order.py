"""A correct alternative: every Value gets a creation number, and backward runs the local rules in
decreasing creation order (a node is always created after its inputs, so that is a topological order).
Local derivatives are written in other algebraic forms: (1 - t)(1 + t) for tanh, g / x for log,
s * (1 - s) through exp(-|x|) for sigmoid, and subtraction and division as their own nodes."""

import heapq
import itertools
import math

_counter = itertools.count()


class Value:
    def __init__(self, data, parents=(), rule=None):
        self.data = float(data)
        self.grad = 0.0
        self._parents = parents
        self._rule = rule  # grad of this node -> contributions, one per parent
        self._id = next(_counter)

    def _new(self, data, parents, rule):
        return Value(data, parents, rule)

    def __add__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return self._new(self.data + o.data, (self, o), lambda g: (g, g))

    def __radd__(self, o):
        return Value(o) + self

    def __sub__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return self._new(self.data - o.data, (self, o), lambda g: (g, -g))

    def __rsub__(self, o):
        return Value(o) - self

    def __mul__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return self._new(self.data * o.data, (self, o), lambda g: (g * o.data, g * self.data))

    def __rmul__(self, o):
        return Value(o) * self

    def __truediv__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        q = self.data / o.data
        return self._new(q, (self, o), lambda g: (g / o.data, -g * q / o.data))

    def __rtruediv__(self, o):
        return Value(o) / self

    def __neg__(self):
        return self._new(-self.data, (self,), lambda g: (-g,))

    def __pow__(self, n):
        if not isinstance(n, int | float):
            raise TypeError("the exponent must be an int or a float")
        x = self.data
        return self._new(x**n, (self,), lambda g: (g * n * x ** (n - 1),))

    def exp(self):
        e = math.exp(self.data)
        return self._new(e, (self,), lambda g: (g * e,))

    def log(self):
        if not self.data > 0:
            raise ValueError("log needs a positive value")
        x = self.data
        return self._new(math.log(x), (self,), lambda g: (g / x,))

    def tanh(self):
        t = math.tanh(self.data)
        return self._new(t, (self,), lambda g: (g * (1.0 - t) * (1.0 + t),))

    def relu(self):
        on = self.data > 0
        return self._new(self.data if on else 0.0, (self,), lambda g: (g if on else 0.0,))

    def sigmoid(self):
        z = math.exp(-abs(self.data))  # in (0, 1]: never overflows
        s = 1.0 / (1.0 + z) if self.data >= 0 else z / (1.0 + z)
        d = z / ((1.0 + z) * (1.0 + z))  # s * (1 - s), the same for x and -x
        return self._new(s, (self,), lambda g: (g * d,))

    def backward(self):
        seen, stack, nodes = {id(self)}, [self], []
        while stack:
            node = stack.pop()
            nodes.append(node)
            for p in node._parents:
                if id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
        heap = [(-n._id, i, n) for i, n in enumerate(nodes)]
        heapq.heapify(heap)
        self.grad = 1.0
        while heap:
            _, _, node = heapq.heappop(heap)
            if node._rule is None:
                continue
            for parent, contribution in zip(node._parents, node._rule(node.grad), strict=True):
                parent.grad += contribution
