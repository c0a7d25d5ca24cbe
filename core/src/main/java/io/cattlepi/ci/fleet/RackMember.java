package io.cattlepi.ci.fleet;

/** A Pi as configured: its id (name), where SSH reaches it, and its MAC when known. */
public record RackMember(String id, String host, int port, String mac) {
}
