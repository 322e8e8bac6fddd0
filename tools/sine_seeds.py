"""The seed tutorial's sine program (docs/TUTORIAL.md), verbatim in PyTorch, over several seeds.

For each seed: train RNN(1->16, batch_first) + Linear(16->1) for 6000 iterations on windows of sin starting at a
random 0, 1 or 2, the hidden state carried and detached; then generate 50 points open loop from the first true point
of a new random window, as the tutorial does. Prints the generation RMSE, and, for the same trained model, the RMSE
from each of the three possible start points, with the carried hidden state and with a zero one: the spread of
`recur sine` over seeds is the recipe's (see README.md).

    /usr/bin/python3 tools/sine_seeds.py            # seeds 0-9, about 1-3 minutes per seed on one core
    /usr/bin/python3 tools/sine_seeds.py 10 20      # seeds 10-19
"""
import sys, numpy as np, torch, torch.nn as nn, torch.optim as optim
torch.set_num_threads(1)
N, H = 51, 16
class Net(nn.Module):
    def __init__(s):
        super().__init__(); s.rnn = nn.RNN(1, H, num_layers=1, batch_first=True); s.linear = nn.Linear(H, 1)
    def forward(s, x, h):
        out, h = s.rnn(x, h); return s.linear(out.view(-1, H)).unsqueeze(0), h
def gen(model, start, h):
    t = np.linspace(start, start + 10, N); data = np.sin(t)
    inp = torch.tensor(data[:1]).float().view(1, 1, 1); preds = []
    with torch.no_grad():
        for _ in range(N - 1):
            p, h = model(inp, h); inp = p; preds.append(p.item())
    return float(np.sqrt(np.mean((np.array(preds) - data[1:]) ** 2)))
seeds = range(int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else range(10)
for seed in seeds:
    np.random.seed(seed); torch.manual_seed(seed)
    model = Net(); opt = optim.Adam(model.parameters(), 0.01); h = torch.zeros(1, 1, H)
    for it in range(6000):
        start = np.random.randint(3, size=1)[0]
        data = np.sin(np.linspace(start, start + 10, N)).reshape(N, 1)
        x = torch.tensor(data[:-1]).float().view(1, N - 1, 1); y = torch.tensor(data[1:]).float().view(1, N - 1, 1)
        out, h = model(x, h); h = h.detach()
        loss = nn.functional.mse_loss(out, y); model.zero_grad(); loss.backward(); opt.step()
    last = start
    gstart = np.random.randint(3, size=1)[0]
    r = {s: gen(model, s, h) for s in range(3)}
    rz = {s: gen(model, s, torch.zeros(1, 1, H)) for s in range(3)}
    print(f"seed {seed}: last train start {last}, generation start {gstart}, rmse {r[gstart]:.3f} | carried h, start 0/1/2: "
          + " ".join(f"{r[s]:.3f}" for s in range(3)) + " | zero h: " + " ".join(f"{rz[s]:.3f}" for s in range(3)), flush=True)
