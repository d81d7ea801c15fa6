package dev.nightbench.run;

import org.springframework.batch.integration.partition.StepExecutionRequest;

/** A {@link StepExecutionRequest} as the text a partition message carries: {@code stepName|stepExecutionId}. */
final class PartitionRequests {

    private PartitionRequests() {
    }

    static String toText(StepExecutionRequest request) {
        return request.getStepName() + "|" + request.getStepExecutionId();
    }

    static StepExecutionRequest fromText(String text) {
        int bar = text.lastIndexOf('|');
        if (bar <= 0) {
            throw new IllegalArgumentException("not a partition request: '" + text + "'");
        }
        return new StepExecutionRequest(text.substring(0, bar), Long.parseLong(text.substring(bar + 1).strip()));
    }
}
