"""dli: a platform for practising deep-learning coding interviews."""
