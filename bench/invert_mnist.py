#!/usr/bin/env python3
"""Writes inverted MNIST (every pixel 255 - p; labels unchanged) as plain IDX files into a new folder.

A quick stand-in for "other IDX data" whose statistics differ from MNIST's (pixel mean about 222 instead of 33):
used to measure that `standard` scaling learns its mean and standard deviation from the training data.

    python3 bench/invert_mnist.py data/mnist data/inverted-mnist
    ./submit.sh train --data-dir data/inverted-mnist --out models/inverted --offline
"""
import gzip
import os
import sys

NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def read(folder, name):
    plain = os.path.join(folder, name)
    if os.path.exists(plain):
        with open(plain, "rb") as f:
            return f.read()
    with gzip.open(plain + ".gz", "rb") as f:
        return f.read()


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    for name in NAMES:
        data = read(src, name)
        if "images" in name:
            header, pixels = data[:16], data[16:]
            data = header + pixels.translate(bytes(255 - i for i in range(256)))
        tmp = os.path.join(dst, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(dst, name))
    print("inverted MNIST written to", dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: invert_mnist.py MNIST_DIR OUT_DIR")
    main(sys.argv[1], sys.argv[2])
