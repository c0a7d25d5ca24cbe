package io.cattlepi.ci.demo.bench;

/** A part of the benchmark could not produce its figure (a rack that never came up, a lost build). */
final class BenchFailure extends RuntimeException {
    BenchFailure(String message) {
        super(message);
    }

    static void require(boolean condition, String otherwise) {
        if (!condition) {
            throw new BenchFailure(otherwise);
        }
    }
}
