package io.cattlepi.ci.build;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.worker.Worker;

/** A Pi bound to one build: committed together, so neither can be bound twice. */
public record Lease(Build build, Worker worker) {
}
