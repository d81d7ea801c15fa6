package dev.nightbench.client.gguf;

import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ProviderSettings;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code type: gguf}: GGUF model files run in this process through llama.cpp's Java binding, one loaded model per
 * file, with llama-server's chat formatting, sampling and token counting, so its figures compare with a llama-server
 * endpoint's. The plan's {@code model:} is the file's path, relative to the plan file's directory; the endpoint takes
 * no {@code base_url}. Registered as a {@link java.util.ServiceLoader} service.
 */
public final class GgufProvider implements ModelProvider {

    @Override
    public String type() {
        return "gguf";
    }

    @Override
    public String description() {
        return "a GGUF file run in-process by llama.cpp; model: the file's path";
    }

    @Override
    public void checkSettings(ProviderSettings settings) {
        GgufSettings.read(settings);
    }

    /** The file must exist and start with the magic bytes {@code GGUF}; the message names the resolved path. */
    @Override
    public String checkModel(String model, ProviderSettings settings) {
        if (model == null || model.isBlank()) {
            return "expected the path of a .gguf file";
        }
        Path path = settings.resolve(model);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            return "no readable file at " + path + " (model: is the .gguf file's path, relative to the plan's"
                    + " directory)";
        }
        return GgufFile.notGguf(path);
    }

    @Override
    public ModelClient open(ProviderEndpoint endpoint) {
        return new GgufModelClient(endpoint, GgufSettings.read(endpoint.settings()));
    }
}
