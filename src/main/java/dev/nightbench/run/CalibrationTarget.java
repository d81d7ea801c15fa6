package dev.nightbench.run;

import dev.nightbench.client.ModelClient;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.SimulatedModels;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.measure.ClientCalibration;
import dev.nightbench.measure.PlanToClient;
import dev.nightbench.plan.RunParams;

/**
 * The far end of the client's ceiling calibration: the built-in simulated server on loopback with one model that
 * answers at once, and the same client class the run's requests use. Started per calibration and closed after it.
 */
final class CalibrationTarget implements ClientCalibration.Target {

    private static final String MODEL = "nightbench-calibration";

    private final SimulatedServer server;
    private final ModelClient client;

    CalibrationTarget(RunParams.Timeouts timeouts) {
        this.server = new SimulatedServer().keepSent(0).register(MODEL, SimulatedModels.instant()).start();
        this.client = new OpenAiModelClient(server.baseUrl(), null, PlanToClient.timeouts(timeouts),
                NanoClock.SYSTEM);
    }

    @Override
    public ModelClient client() {
        return client;
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
