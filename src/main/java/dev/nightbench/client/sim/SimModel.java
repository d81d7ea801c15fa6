package dev.nightbench.client.sim;

/**
 * How one simulated model answers: a {@link Script} per request. Implementations must be thread-safe (the server
 * answers concurrent requests on their own virtual threads).
 */
@FunctionalInterface
public interface SimModel {

    Script respond(SimRequest request);
}
