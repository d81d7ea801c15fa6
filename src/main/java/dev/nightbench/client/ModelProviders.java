package dev.nightbench.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@link ModelProvider}s an endpoint's {@code type:} may name besides the built-in {@code openai} and
 * {@code simulated}: the {@link ServiceLoader} services on the classpath and, in a Spring context, the beans.
 */
public final class ModelProviders {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    private final Map<String, ModelProvider> byType;

    private ModelProviders(Map<String, ModelProvider> byType) {
        this.byType = byType;
    }

    /** The services on this class's class loader (and so on the application's classpath). */
    public static ModelProviders installed() {
        return of(List.of());
    }

    /**
     * The services on the classpath and {@code beans}; a bean of the same class as a service replaces it.
     *
     * @throws IllegalStateException when a type is malformed, built in, or served by two providers
     */
    public static ModelProviders of(Collection<? extends ModelProvider> beans) {
        List<ModelProvider> all = new ArrayList<>(beans);
        for (ModelProvider service : ServiceLoader.load(ModelProvider.class, ModelProviders.class.getClassLoader())) {
            if (all.stream().noneMatch(b -> b.getClass().equals(service.getClass()))) {
                all.add(service);
            }
        }
        Map<String, ModelProvider> byType = new TreeMap<>();
        for (ModelProvider p : all) {
            String type = p.type();
            if (type == null || !TYPE.matcher(type).matches()) {
                throw new IllegalStateException("model provider " + p.getClass().getName() + " has type '" + type
                        + "'; a type is lower-case letters, digits, '-' and '_', starting with a letter");
            }
            if (ModelProvider.BUILT_IN.contains(type)) {
                throw new IllegalStateException("model provider " + p.getClass().getName() + " takes the type '" + type
                        + "', which is built in (" + String.join(", ", ModelProvider.BUILT_IN) + ")");
            }
            ModelProvider other = byType.putIfAbsent(type, p);
            if (other != null) {
                throw new IllegalStateException("two model providers serve the type '" + type + "': "
                        + other.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new ModelProviders(byType);
    }

    public Optional<ModelProvider> get(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** The provider types, sorted. */
    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    /** Every provider, by type. */
    public Collection<ModelProvider> all() {
        return byType.values();
    }
}
