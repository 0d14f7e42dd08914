import numpy as np


def train_mlp(X, y, hidden_size, num_classes, lr, epochs, batch_size, weight_decay=0.0, seed=0):
    """Train a 2-layer ReLU MLP with minibatch SGD. Returns (params, losses)."""
    raise NotImplementedError


def predict(params, X):
    """Predicted class per row, as an integer array of shape (N,)."""
    raise NotImplementedError
