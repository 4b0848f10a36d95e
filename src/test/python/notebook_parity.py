#!/usr/bin/env python3
"""Runs the original notebook's training arithmetic (numpy, verbatim formulas) on a tiny generated data set with
a fixed sequence of batch indices, and writes the inputs and results that NotebookParityTest compares the Java
trainer against:

  images.idx, labels.idx                             the data (IDX) (8x8 images, raw pixel values 0..6, small enough that the trajectory is not chaotic)
  init_W1.npy init_b1.npy init_W2.npy init_b2.npy     starting weights
  batches.txt                                         one line of record indices per iteration
  phases.txt                                          one line per phase: iterations lr lambda
  W1.npy b1.npy W2.npy b2.npy                         weights after all phases
  losses.txt                                          calculate_loss(model) after each phase

Run: python3 src/test/python/notebook_parity.py src/test/resources/notebook-parity
"""
import struct
import sys
from pathlib import Path

import numpy as np

N, SIDE, H, OUT, BATCH = 120, 8, 6, 10, 20
PHASES = [(40, 0.001, 0.05), (40, 0.0001, 0.02)]   # the notebook's two phases, shortened


def calculate_loss(model, X, y, reg_lambda):
    W1, b1, W2, b2 = model['W1'], model['b1'], model['W2'], model['b2']
    num_examples = len(X)
    z1 = X.dot(W1) + b1
    a1 = np.tanh(z1)
    z2 = a1.dot(W2) + b2
    exp_scores = np.exp(z2)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    corect_logprobs = -np.log(probs[range(num_examples), y])
    data_loss = np.sum(corect_logprobs)
    data_loss += reg_lambda / 2 * (np.sum(np.square(W1)) + np.sum(np.square(W2)))
    return 1. / num_examples * data_loss


def train_phase(model, X, y, batches, epsilon, reg_lambda):
    W1, b1, W2, b2 = model['W1'], model['b1'], model['W2'], model['b2']
    for idx in batches:
        Xb, yb = X[idx], y[idx]
        z1 = Xb.dot(W1) + b1
        a1 = np.tanh(z1)
        z2 = a1.dot(W2) + b2
        exp_scores = np.exp(z2)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        delta3 = probs
        delta3[range(len(idx)), yb] -= 1
        dW2 = (a1.T).dot(delta3)
        db2 = np.sum(delta3, axis=0, keepdims=True)
        delta2 = delta3.dot(W2.T) * (1 - np.power(a1, 2))
        dW1 = np.dot(Xb.T, delta2)
        db1 = np.sum(delta2, axis=0)
        dW2 += reg_lambda * W2
        dW1 += reg_lambda * W1
        W1 += -epsilon * dW1
        b1 += -epsilon * db1
        W2 += -epsilon * dW2
        b2 += -epsilon * db2
    return model


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(2024)
    y = rng.randint(0, OUT, size=N)
    pixels = rng.randint(0, 4, size=(N, SIDE * SIDE)).astype(np.uint8)
    for i in range(N):   # make the classes learnable: class k brightens row k % SIDE
        pixels[i, (y[i] % SIDE) * SIDE:(y[i] % SIDE + 1) * SIDE] += 3
    (out / 'images.idx').write_bytes(struct.pack('>iiii', 2051, N, SIDE, SIDE) + pixels.tobytes())
    (out / 'labels.idx').write_bytes(struct.pack('>ii', 2049, N) + y.astype(np.uint8).tobytes())
    X = pixels.astype(np.float64)

    model = {'W1': rng.randn(SIDE * SIDE, H) / np.sqrt(SIDE * SIDE), 'b1': np.zeros((1, H)),
             'W2': rng.randn(H, OUT) / np.sqrt(H), 'b2': np.zeros((1, OUT))}
    for k in ('W1', 'b1', 'W2', 'b2'):
        np.save(out / f'init_{k}.npy', model[k].squeeze() if k.startswith('b') else model[k])

    batches, losses = [], []
    for iterations, lr, lam in PHASES:
        phase_batches = [rng.randint(0, N, size=BATCH) for _ in range(iterations)]
        batches += phase_batches
        train_phase(model, X, y, phase_batches, lr, lam)
        losses.append(calculate_loss(model, X, y, lam))
    for k in ('W1', 'b1', 'W2', 'b2'):
        np.save(out / f'{k}.npy', model[k].squeeze() if k.startswith('b') else model[k])
    (out / 'batches.txt').write_text(''.join(' '.join(map(str, b)) + '\n' for b in batches))
    (out / 'phases.txt').write_text(''.join(f'{i} {lr!r} {lam!r}\n' for i, lr, lam in PHASES))
    (out / 'losses.txt').write_text(''.join(f'{float(v)!r}\n' for v in losses))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'src/test/resources/notebook-parity')
