package dev.nightbench.client;

import dev.nightbench.measure.Cell;

/**
 * A deliberate loop for {@code LayoutTest}: a client class that imports measure, which imports client. Never
 * used; it exists so the test shows that the layout rules fail on a loop.
 */
public final class LayoutLoopFixture {

    Cell cell;

    private LayoutLoopFixture() {
    }
}
