class Value:
    """A scalar that remembers how it was computed, so gradients can flow back through it."""

    def __init__(self, data: float):
        raise NotImplementedError

    def backward(self) -> None:
        raise NotImplementedError
