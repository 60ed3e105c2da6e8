"""Regenerates the Fashion-MNIST sample that jgrad ships for machines without the dataset.

  /usr/bin/python3 nn/src/test/python/make_fashion_mnist_sample.py [SOURCE_DIR [OUT_DIR]]

SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian dataset-fashion-mnist), OUT_DIR to
nn/src/main/resources/org/jgrad/nn/data/fashion-mnist-sample. The sample is stratified and deterministic: the
first 200 training and the first 50 test images of each of the 10 classes, kept in file order (2,000 + 500).
Output is gzipped IDX with a zero timestamp and no file name, so the same input gives byte-identical files.
FashionMnistTest checks the shipped files against this rule whenever the full dataset is installed.
"""
import gzip
import os
import struct
import sys

PER_CLASS = {"train": 200, "t10k": 50}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return data[:4 + 4 * rank], dims, data[4 + 4 * rank:]


def write_idx(path, magic, dims, body):
    header = magic[:4] + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
        f.write(header + body)


def main(src="/usr/share/datasets/fashion-mnist",
         out=os.path.join(os.path.dirname(__file__), "../../main/resources/org/jgrad/nn/data/fashion-mnist-sample")):
    os.makedirs(out, exist_ok=True)
    for split, per_class in PER_CLASS.items():
        images_name, labels_name = split + "-images-idx3-ubyte.gz", split + "-labels-idx1-ubyte.gz"
        im_magic, (n, rows, cols), pixels = read_idx(os.path.join(src, images_name))
        lb_magic, (m,), labels = read_idx(os.path.join(src, labels_name))
        assert n == m, (n, m)
        taken, keep = [0] * 10, []
        for i, c in enumerate(labels):
            if taken[c] < per_class:
                taken[c] += 1
                keep.append(i)
        size = rows * cols
        write_idx(os.path.join(out, images_name), im_magic, (len(keep), rows, cols),
                  b"".join(pixels[i * size:(i + 1) * size] for i in keep))
        write_idx(os.path.join(out, labels_name), lb_magic, (len(keep),), bytes(labels[i] for i in keep))
        print(split, len(keep), "images")


if __name__ == "__main__":
    main(*sys.argv[1:])
