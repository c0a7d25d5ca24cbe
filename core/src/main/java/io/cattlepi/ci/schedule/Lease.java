package io.cattlepi.ci.schedule;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.fleet.Worker;

/** A Pi bound to one build: committed together, so neither can be bound twice. */
public record Lease(Build build, Worker worker) {
}
