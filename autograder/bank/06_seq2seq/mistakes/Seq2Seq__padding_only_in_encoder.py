# Mistake: the cross-attention is not told about the padding.
class Seq2Seq(nn.Module):
    def __init__(self, src_vocab, tgt_vocab, max_len, d_model, n_heads, n_layers, d_ff, pad_id=0):
        super().__init__()
        self.max_len, self.pad_id = max_len, pad_id
        self.src_emb = nn.Embedding(src_vocab, d_model)
        self.src_pos = nn.Embedding(max_len, d_model)
        self.tgt_emb = nn.Embedding(tgt_vocab, d_model)
        self.tgt_pos = nn.Embedding(max_len, d_model)
        self.encoder = nn.ModuleList([EncoderBlock(d_model, n_heads, d_ff) for _ in range(n_layers)])
        self.decoder = nn.ModuleList([DecoderBlock(d_model, n_heads, d_ff) for _ in range(n_layers)])
        self.enc_norm = nn.LayerNorm(d_model)
        self.dec_norm = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, tgt_vocab, bias=False)

    def forward(self, src, tgt_in):
        padding = src == self.pad_id
        S, T = src.shape[1], tgt_in.shape[1]
        memory = self.src_emb(src) + self.src_pos(torch.arange(S, device=src.device))
        for block in self.encoder:
            memory = block(memory, padding)
        memory = self.enc_norm(memory)
        y = self.tgt_emb(tgt_in) + self.tgt_pos(torch.arange(T, device=src.device))
        for block in self.decoder:
            y = block(y, memory)
        return self.lm_head(self.dec_norm(y))
