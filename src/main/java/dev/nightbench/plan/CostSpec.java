package dev.nightbench.plan;

import java.math.BigDecimal;

/**
 * A local model's running cost as the plan states it ({@code cost:} of the plan, of an endpoint or of a model, the
 * narrower one replacing the wider key by key): what the hardware costs per hour it is busy, how much power it draws
 * and what energy costs. A model with a {@code price:} is costed by its tokens instead (cloud); these figures apply
 * to the models without one. Nightbench turns them into an estimate over the measured busy time (README "Choosing a
 * model"), which is why they are plain numbers here, not a billing model.
 *
 * @param hardwarePerHour what the hardware costs per busy hour (depreciation, rent), or null
 * @param powerWatts      the power it draws while busy, or null; a measured GPU power (nvidia-smi) is used instead
 *                        when the run has one
 * @param energyPerKwh    energy price per kWh, or null; needed with {@code powerWatts}
 * @param currency        the currency of every cost and price of the plan (free text, e.g. EUR), or null
 */
public record CostSpec(BigDecimal hardwarePerHour, Double powerWatts, BigDecimal energyPerKwh, String currency) {

    /** No cost figures. */
    public static final CostSpec NONE = new CostSpec(null, null, null, null);

    /** This section with {@code narrower}'s keys replacing its own where given. */
    public CostSpec overriddenBy(CostSpec narrower) {
        if (narrower == null) {
            return this;
        }
        return new CostSpec(narrower.hardwarePerHour != null ? narrower.hardwarePerHour : hardwarePerHour,
                narrower.powerWatts != null ? narrower.powerWatts : powerWatts,
                narrower.energyPerKwh != null ? narrower.energyPerKwh : energyPerKwh,
                narrower.currency != null ? narrower.currency : currency);
    }

    /** True when it can cost a local model: a price per hour, or power with an energy price. */
    public boolean costsTime() {
        return hardwarePerHour != null || (powerWatts != null && energyPerKwh != null);
    }
}
