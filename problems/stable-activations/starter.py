import math

import numpy as np


def softplus(x):
    raise NotImplementedError


def softplus_grad(x):
    raise NotImplementedError


def log_sigmoid(x):
    raise NotImplementedError


def log_sigmoid_grad(x):
    raise NotImplementedError


def silu(x):
    raise NotImplementedError


def silu_grad(x):
    raise NotImplementedError


def gelu(x, approximate="none"):
    raise NotImplementedError


def gelu_grad(x, approximate="none"):
    raise NotImplementedError
