package dev.nightbench.bench;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SentRequest;
import dev.nightbench.client.sim.SimulatedServer;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The far end of a benchmark, either {@link LeanSseServer} or Nightbench's own {@link SimulatedServer}, with
 * what it sent for a request looked up by the request id the benchmark put in the prompt.
 */
interface BenchServer extends AutoCloseable {

    /** What the server did for one request: when it had read it, and when each content chunk was flushed. */
    record Record(long receivedNanos, long[] contentFlushNanos) {
    }

    String MODEL = "bench";

    URI baseUrl();

    int port();

    /** The record of the request with this id, or null. */
    Record record(String id);

    void clear();

    @Override
    void close();

    static BenchServer start(String kind, Script script, boolean record) {
        return switch (kind) {
            case "lean" -> new Lean(new LeanSseServer(MODEL, script, record));
            case "sim" -> new Sim(script, record);
            default -> throw new IllegalArgumentException("server must be lean or sim: " + kind);
        };
    }

    final class Lean implements BenchServer {
        private final LeanSseServer server;

        Lean(LeanSseServer server) {
            this.server = server;
        }

        @Override
        public URI baseUrl() {
            return server.baseUrl();
        }

        @Override
        public int port() {
            return server.port();
        }

        @Override
        public Record record(String id) {
            LeanSseServer.Exchange e = server.exchange(id);
            if (e == null) {
                return null;
            }
            List<Long> content = new ArrayList<>();
            for (int i = 0; i < server.eventCount() - 1; i++) {
                if (server.type(i) == Script.StepType.CONTENT || server.type(i) == Script.StepType.REASONING) {
                    content.add(e.nanos[i]);
                }
            }
            return new Record(e.receivedNanos, content.stream().mapToLong(Long::longValue).toArray());
        }

        @Override
        public void clear() {
            server.clear();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    final class Sim implements BenchServer {
        private final Map<String, Integer> indexById = new ConcurrentHashMap<>();
        private final Map<Integer, SentRequest> byIndex = new HashMap<>();
        private final SimulatedServer server;

        Sim(Script script, boolean record) {
            server = new SimulatedServer().keepSent(record ? 200_000 : 0).register(MODEL, request -> {
                if (record) {
                    indexById.put(request.messages().getLast().content(), request.index());
                }
                return script;
            }).start();
        }

        @Override
        public URI baseUrl() {
            return server.baseUrl();
        }

        @Override
        public int port() {
            return server.port();
        }

        @Override
        public Record record(String id) {
            Integer index = indexById.get(id);
            if (index == null) {
                return null;
            }
            SentRequest s = byIndex.get(index);
            if (s == null) {
                byIndex.clear();
                for (SentRequest sent : server.sent()) {
                    byIndex.put(sent.index(), sent);
                }
                s = byIndex.get(index);
            }
            if (s == null) {
                return null;
            }
            List<Long> content = new ArrayList<>(s.nanosOf(SentRequest.Type.CONTENT));
            return new Record(s.receivedNanos(), content.stream().mapToLong(Long::longValue).toArray());
        }

        @Override
        public void clear() {
            server.clearSent();
            indexById.clear();
            byIndex.clear();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
