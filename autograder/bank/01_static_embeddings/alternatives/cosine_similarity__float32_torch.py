# Alternative: the whole computation in float32 with torch (as PyTorch code would do it); zero rows stay 0.
import numpy as np
import torch


def cosine_similarity(A, B):
    A = torch.as_tensor(np.asarray(A), dtype=torch.float32)
    B = torch.as_tensor(np.asarray(B), dtype=torch.float32)
    A_hat = torch.nn.functional.normalize(A, dim=1)  # a zero row stays a zero row
    B_hat = torch.nn.functional.normalize(B, dim=1)
    return (A_hat @ B_hat.T).numpy()
