# Mistake: breaks the stated rule, returns PyTorch's softmax instead of writing it by hand.
def softmax(x, dim=-1):
    return torch.softmax(x, dim)
