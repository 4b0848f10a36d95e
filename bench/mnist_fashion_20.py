#!/usr/bin/env python3
"""Writes MNIST and Fashion-MNIST side by side as one 20-class IDX data set (plain files) into a new folder.

Digits keep their labels 0..9; Fashion-MNIST's ten kinds of clothing become classes 10..19. The two sets' records
are interleaved (digit, garment, digit, ...) so that every training partition holds both halves. A classes.txt names
the 20 classes. Used to measure a real data set with more than ten classes (README, "Other IDX data"):

    apt-get install dataset-fashion-mnist
    python3 bench/mnist_fashion_20.py data/mnist /usr/share/datasets/fashion-mnist data/mnist-fashion-20
    ./submit.sh train --data-dir data/mnist-fashion-20 --out models/mnist-fashion-20 --offline
"""
import os
import struct
import sys

from invert_mnist import read  # the IDX file of a name, plain or .gz

FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def interleave(a, b, record):
    out = bytearray()
    n = min(len(a), len(b)) // record
    for i in range(n):
        out += a[i * record:(i + 1) * record]
        out += b[i * record:(i + 1) * record]
    out += a[n * record:] + b[n * record:]
    return bytes(out)


def main(mnist, fashion, dst):
    os.makedirs(dst, exist_ok=True)
    for split in ["train", "t10k"]:
        images = [read(d, split + "-images-idx3-ubyte") for d in (mnist, fashion)]
        labels = [read(d, split + "-labels-idx1-ubyte") for d in (mnist, fashion)]
        counts = [struct.unpack(">I", x[4:8])[0] for x in labels]
        rows, cols = struct.unpack(">II", images[0][8:16])
        garments = bytes(v + 10 for v in labels[1][8:])
        with open(os.path.join(dst, split + "-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, sum(counts), rows, cols))
            f.write(interleave(images[0][16:], images[1][16:], rows * cols))
        with open(os.path.join(dst, split + "-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, sum(counts)))
            f.write(interleave(labels[0][8:], garments, 1))
    with open(os.path.join(dst, "classes.txt"), "w") as f:
        f.write("\n".join([str(d) for d in range(10)] + FASHION) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: mnist_fashion_20.py MNIST_DIR FASHION_DIR OUT_DIR")
    main(*sys.argv[1:])
