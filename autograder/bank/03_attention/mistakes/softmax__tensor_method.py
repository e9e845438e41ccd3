# Mistake: breaks the stated rule through the tensor method x.softmax(dim).
def softmax(x, dim=-1):
    return x.softmax(dim)
